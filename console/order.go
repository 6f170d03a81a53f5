package console

import (
	"fmt"
	"net/http"
	"strconv"

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
	p.Data = map[string]any{"O": v.Order, "Incident": v.Incident, "UnitName": v.Names.Units[v.Order.UnitID],
		"Actions": v.Actions, "Timeline": s.timeline(p, v.Names, v.Events),
		"Caller": v.Caller, "Units": v.RerouteTo, "Notices": notices, "Supervise": v.Supervise}
	s.render(w, http.StatusOK, "order", p)
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
	if _, err := s.app.Act(r.Context(), sess.User, id, action, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/orders/%d", id), http.StatusSeeOther)
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
