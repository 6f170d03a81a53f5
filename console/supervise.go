package console

import "net/http"

// supervise is the supervisor's board (督办): overdue and near-the-limit
// orders, the count in each state, notices.
func (s *Server) supervise(w http.ResponseWriter, r *http.Request, sess *session) {
	b, err := s.app.SupervisionBoard(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "supervise")
	p.Title = p.T("nav.supervise")
	p.Data = map[string]any{"Overdue": withPage(p, b.Overdue), "Soon": withPage(p, b.Soon), "Counts": b.Counts, "Notices": b.Notices}
	if r.URL.Query().Get("part") == "body" {
		s.fragment(w, http.StatusOK, "supervise", "body", p)
		return
	}
	s.render(w, http.StatusOK, "supervise", p)
}
