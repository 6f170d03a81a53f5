package console

import (
	"net/http"
	"strconv"
)

// callbacks is the callback staff's queue (回访), in the order the
// callbacks fall due.
func (s *Server) callbacks(w http.ResponseWriter, r *http.Request, sess *session) {
	q, err := s.app.CallbackQueue(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "callbacks")
	p.Title = p.T("nav.callbacks")
	done, _ := strconv.ParseInt(r.URL.Query().Get("done"), 10, 64) // the call just rated
	p.Data = map[string]any{"Items": q.Items, "Levels": q.Levels, "Done": done}
	s.render(w, r, http.StatusOK, "callbacks", p)
}
