package console

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// timelineRow is an event as the timeline shows it.
type timelineRow struct {
	P      *page
	E      *fenliu.Event
	Actor  string
	Detail string
}

func (s *Server) timeline(p *page, names *app.Names, events []*fenliu.Event) []timelineRow {
	units := names.Units
	out := make([]timelineRow, 0, len(events))
	for _, e := range events {
		row := timelineRow{P: p, E: e, Actor: names.Users[e.ActorID]}
		switch e.Kind {
		case fenliu.EvDispatch:
			if id, ok := e.Data["unit_id"].(float64); ok {
				row.Detail = units[int64(id)] + " · " + p.T("order.role."+fmt.Sprint(e.Data["role"]))
			}
		case fenliu.EvDecide:
			row.Detail = p.T("disp." + fmt.Sprint(e.Data["disposition"]))
			if c, ok := e.Data["category"].(string); ok {
				row.Detail += " · " + s.categoryName(p.Lang, c)
			}
			if h, ok := e.Data["hotline"].(string); ok {
				row.Detail += " · " + h
			}
		case fenliu.EventKind(fenliu.ActReroute):
			if id, ok := e.Data["to_unit"].(float64); ok {
				row.Detail = "→ " + units[int64(id)]
			}
		case fenliu.EventKind(fenliu.ActCallback):
			solved, _ := e.Data["solved"].(bool)
			row.Detail = p.T("order.solved") + " " + map[bool]string{true: p.T("yes"), false: p.T("no")}[solved] +
				" · " + p.T("sat."+fmt.Sprint(e.Data["satisfaction"]))
			if c, _ := e.Data["complaint"].(bool); c {
				row.Detail += " · " + p.T("order.complaint")
			}
		}
		out = append(out, row)
	}
	return out
}

// orderPage shows one order: its incident, record, notices and the
// actions the user may take.
func (s *Server) orderPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	v, err := s.app.OrderView(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "inbox")
	p.Title = p.T("order.title", v.Order.ID)
	notices := make([]noticeRow, 0, len(v.Notices))
	for _, n := range v.Notices {
		notices = append(notices, noticeRow{N: n, Unit: v.Names.Units[n.UnitID]})
	}
	// The user's own actions, and apart the unit's work they may record for
	// a unit that reports by phone (fenliu.ActsForUnit).
	var own, forUnit []fenliu.Action
	for _, a := range v.Actions {
		if fenliu.ActsForUnit(sess.User, a) {
			forUnit = append(forUnit, a)
		} else {
			own = append(own, a)
		}
	}
	done := ""
	q := r.URL.Query()
	if a := fenliu.Action(q.Get("done")); a.Valid() {
		done = p.T("order.done", p.ActionLabel(a))
	}
	if from, _ := strconv.ParseInt(q.Get("from"), 10, 64); from > 0 {
		done = p.T("order.rerouted", from, v.Names.Units[v.Order.UnitID])
	}
	p.Data = map[string]any{"O": v.Order, "Incident": v.Incident, "UnitName": v.Names.Units[v.Order.UnitID],
		"Actions": own, "ForUnit": forUnit, "Timeline": s.timeline(p, v.Names, v.Events), "Done": done,
		"Caller": v.Caller, "Units": v.RerouteTo, "Notices": notices, "Supervise": v.Supervise,
		"Levels": s.app.CallbackLevels(r.Context())}
	s.render(w, r, http.StatusOK, "order", p)
}

// orderAct performs an action from a form (with photos for feedback).
func (s *Server) orderAct(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	action := fenliu.Action(r.PathValue("action"))
	in, err := s.actionInput(w, r, sess)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if action == fenliu.ActReroute || action == fenliu.ActHandDown {
		if in.UnitID, err = s.pickedUnit(r, sess, "unit_id"); err != nil {
			s.fail(w, r, sess, err)
			return
		}
	}
	o, err := s.app.Act(r.Context(), sess.User, id, action, in)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if action == fenliu.ActReroute || action == fenliu.ActHandDown {
		// On to the new order the re-route made.
		if next := s.nextOrder(r, sess, o); next != 0 {
			http.Redirect(w, r, fmt.Sprintf("/orders/%d?from=%d", next, id), http.StatusSeeOther)
			return
		}
	}
	def := fmt.Sprintf("/orders/%d?done=%s", id, action)
	if b := safeNext(r.PostFormValue("back")); b != "" {
		// A queue (callbacks, verification) goes on to its next item.
		sep := "?"
		if strings.Contains(b, "?") {
			sep = "&"
		}
		def = fmt.Sprintf("%s%sdone=%d", b, sep, id)
	}
	http.Redirect(w, r, def, http.StatusSeeOther)
}

// pickedUnit reads a unit picker's field (a unit's name or code) as an id.
func (s *Server) pickedUnit(r *http.Request, sess *session, field string) (int64, error) {
	units, err := s.app.Units(r.Context(), sess.User)
	if err != nil {
		return 0, err
	}
	return pickUnit(units, field, r.PostFormValue(field))
}

// nextOrder is the order a re-route or hand-down of o made (0 if none).
func (s *Server) nextOrder(r *http.Request, sess *session, o *fenliu.Order) int64 {
	v, err := s.app.Incident(r.Context(), sess.User, o.IncidentID)
	if err != nil {
		return 0
	}
	for _, n := range v.Orders {
		if n.FromOrder == o.ID {
			return n.ID
		}
	}
	return 0
}

// actionInput reads an action form (already read by auth, readForm):
// note, version, unit, callback fields, location and photos (checked and
// stored by the service layer with the action's event).
func (s *Server) actionInput(w http.ResponseWriter, r *http.Request, sess *session) (fenliu.ActionInput, error) {
	var in fenliu.ActionInput
	in.Note = r.PostFormValue("note")
	in.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	in.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	if v := r.PostFormValue("solved"); v != "" {
		b := v == "true"
		in.Solved = &b
	}
	in.Satisfaction = fenliu.Satisfaction(r.PostFormValue("satisfaction"))
	in.Complaint = r.PostFormValue("complaint") == "true"
	if in.Unreachable = r.PostFormValue("unreachable") == "true"; in.Unreachable {
		// Not reached: whatever was ticked before pressing 未接通 is no rating.
		in.Solved, in.Satisfaction, in.Complaint = nil, "", false
	}
	if lat, err1 := strconv.ParseFloat(r.PostFormValue("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(r.PostFormValue("lng"), 64); err2 == nil {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	in.Files, in.Addr = formFiles(r, "photo"), s.clientIP(r)
	return in, nil
}

// upload serves a stored file to signed-in users.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	up, err := s.app.Upload(r.Context(), sess.User, r.PathValue("token"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	w.Header().Set("Content-Type", up.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write(up.Data)
}
