package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/fenliu/fenliu"
)

// queueItem is an incident waiting at the desk, with the units to offer.
type queueItem struct {
	In        *fenliu.Incident
	Suggested []int64 // suggested unit ids, lead first
}

// linkage is the 12345 linkage desk's queue: incidents to dispatch or
// decide, and orders returned by units.
func (s *Server) linkage(w http.ResponseWriter, r *http.Request, sess *session) {
	q, err := s.app.DeskQueue(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "linkage")
	p.Title = p.T("nav.linkage")
	var items []queueItem
	for _, in := range q.Undispatched {
		items = append(items, queueItem{In: in, Suggested: routeUnits(in.Route)})
	}
	var undecided []queueItem
	for _, in := range q.Undecided {
		undecided = append(undecided, queueItem{In: in})
	}
	p.Data = map[string]any{"Undecided": undecided, "Undispatched": items, "Returned": withPage(p, q.Returned), "ToPassOn": withPage(p, q.ToPassOn), "Units": q.Units}
	if r.URL.Query().Get("part") == "queue" {
		s.fragment(w, http.StatusOK, "linkage", "queue", p)
		return
	}
	s.render(w, http.StatusOK, "linkage", p)
}

func (s *Server) dispatchForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	lead, _ := strconv.ParseInt(r.PostFormValue("lead"), 10, 64)
	d := fenliu.DispatchInput{Note: r.PostFormValue("note"), Orders: []fenliu.OrderSpec{{UnitID: lead, Role: fenliu.OrderLead}}}
	for _, v := range r.PostForm["assist"] {
		if a, err := strconv.ParseInt(v, 10, 64); err == nil && a != lead {
			d.Orders = append(d.Orders, fenliu.OrderSpec{UnitID: a, Role: fenliu.OrderAssist})
		}
	}
	if _, err := s.app.Dispatch(r.Context(), sess.User, id, d); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

func (s *Server) decideForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := fenliu.DecisionInput{Disposition: fenliu.Disposition(r.PostFormValue("disposition")), Category: r.PostFormValue("category"),
		Hotline: r.PostFormValue("hotline"), Reason: r.PostFormValue("reason")}
	if _, err := s.app.Decide(r.Context(), sess.User, id, d); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

func (s *Server) noteForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.AddNote(r.Context(), sess.User, id, r.PostFormValue("note")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

// dispatchSuggestedForm passes an incident that routing sent to the desk
// (or the duty room) on to the units it suggested, with one click.
func (s *Server) dispatchSuggestedForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if _, err := s.app.DispatchSuggested(r.Context(), sess.User, id, r.PostFormValue("note")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

// routeUnits reads the unit ids of a recorded route ({"assignments":[{"unit_id":…}]}).
func routeUnits(raw []byte) []int64 {
	if len(raw) == 0 {
		return nil
	}
	var r struct {
		Assignments []struct {
			UnitID int64 `json:"unit_id"`
		} `json:"assignments"`
	}
	if json.Unmarshal(raw, &r) != nil {
		return nil
	}
	var out []int64
	for _, a := range r.Assignments {
		out = append(out, a.UnitID)
	}
	return out
}
