package console

import (
	"net/http"
	"strconv"
)

// inbox is a unit's work (本单位工单); other roles may look at any unit's.
func (s *Server) inbox(w http.ResponseWriter, r *http.Request, sess *session) {
	p := s.newPage(r, sess, "", "inbox")
	p.Title = p.T("inbox.title")
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64) // others' inboxes, for roles that see every unit
	in, err := s.app.Inbox(r.Context(), sess.User, unit)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p.Data = map[string]any{"Todo": withPage(p, in.Todo), "Doing": withPage(p, in.Doing), "Done": withPage(p, in.Done), "Escalated": withPage(p, in.Escalated),
		"UnitName": in.UnitName, "Notices": in.Notices}
	if r.URL.Query().Get("part") == "list" {
		s.fragment(w, r, http.StatusOK, "inbox", "list", p)
		return
	}
	s.render(w, r, http.StatusOK, "inbox", p)
}
