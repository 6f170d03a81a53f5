package console

import "net/http"

// moreRoutes registers the role screens beyond the inbox and the record.
func (s *Server) moreRoutes(mux *http.ServeMux) {
}
