package console

import (
	"net/http"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// supervise is the supervisor's board (督办): overdue and near-the-limit
// orders, the count in each state (each a link to its orders), notices;
// filtered by unit (?unit=name) and state (?state=…).
func (s *Server) supervise(w http.ResponseWriter, r *http.Request, sess *session) {
	b, err := s.app.SupervisionBoard(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	units, err := s.app.Units(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "supervise")
	p.Title = p.T("nav.supervise")
	q := r.URL.Query()
	unitQ := q.Get("unit")
	unit, err := pickUnit(units, "unit", unitQ)
	if err != nil {
		p.Error = errorMessage(p.Lang, err)
		unitQ = ""
	}
	state := fenliu.OrderState(q.Get("state"))
	if !state.Valid() {
		state = ""
	}
	keep := func(rows []app.OrderRow) []app.OrderRow {
		if unit == 0 {
			return rows
		}
		var out []app.OrderRow
		for _, r := range rows {
			if r.O.UnitID == unit {
				out = append(out, r)
			}
		}
		return out
	}
	notices := b.Notices
	if unit != 0 {
		notices = nil
		for _, n := range b.Notices {
			if n.N.UnitID == unit {
				notices = append(notices, n)
			}
		}
	}
	data := map[string]any{"Overdue": withPage(p, keep(b.Overdue)), "Soon": withPage(p, keep(b.Soon)), "Counts": b.Counts,
		"Notices": notices, "Units": units, "Unit": unitQ, "State": state}
	if state != "" {
		rows, err := s.app.OrderRows(r.Context(), sess.User, fenliu.OrderFilter{States: []fenliu.OrderState{state}, UnitID: unit, Limit: 200})
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		data["InState"] = withPage(p, rows)
	}
	p.Data = data
	if q.Get("part") == "body" {
		s.fragment(w, r, http.StatusOK, "supervise", "body", p)
		return
	}
	s.render(w, r, http.StatusOK, "supervise", p)
}
