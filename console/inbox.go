package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/fenliu/fenliu"
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
	if sess.User.Role == fenliu.RoleUnitStaff {
		// 勤务报备: the unit's own roster, reported here.
		now := s.app.Now()
		shifts, err := s.app.Shifts(r.Context(), sess.User, now.Add(-24*time.Hour), now.Add(30*24*time.Hour))
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		data := p.Data.(map[string]any)
		data["Shifts"], data["UnitNames"] = shifts, map[int64]string{sess.User.UnitID: in.UnitName}
		if r.URL.Query().Get("saved") == "shift" {
			p.Flash = p.T("admin.saved")
		}
	}
	if r.URL.Query().Get("part") == "list" {
		s.fragment(w, r, http.StatusOK, "inbox", "list", p)
		return
	}
	s.render(w, r, http.StatusOK, "inbox", p)
}
