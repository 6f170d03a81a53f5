package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
)

// queueItem is an incident waiting at the desk, as the queue shows it:
// what it is, how long it has waited, how urgent it is, and the units to
// offer (lead first).
type queueItem struct {
	In       *fenliu.Incident
	Category string // decided, else suggested, in the page's language
	Reason   string // the engine's reason
	Age      string // since the call
	Urgent   bool   // a priority or an urgent category
	Lead     string // the suggested lead unit's name
	Assist   string // the suggested assisting units' names
}

// queueItems turns incidents into queue items, the most urgent first, then
// the longest waiting.
func (s *Server) queueItems(p *page, incs []*fenliu.Incident, units []*fenliu.Unit) []queueItem {
	out := make([]queueItem, 0, len(incs))
	for _, in := range incs {
		it := queueItem{In: in, Age: ageText(p.Lang, p.Now.Sub(in.ReceivedAt)), Urgent: in.Priority > 0}
		code := in.Category
		var t fenliu.Triage
		if len(in.Triage) > 0 && json.Unmarshal(in.Triage, &t) == nil {
			if code == "" {
				code = t.Category
			}
			it.Reason = t.ReasonZH
			if p.Lang == "en" {
				it.Reason = t.ReasonEN
			}
		}
		if code != "" {
			it.Category = s.categoryName(p.Lang, code)
			if c := s.app.Catalog(); c != nil {
				if cat := c.Category(code); cat != nil && (cat.Urgency == catalog.UrgencyCritical || cat.Urgency == catalog.UrgencyUrgent) {
					it.Urgent = true
				}
			}
		}
		var assist []string
		for i, id := range routeUnits(in.Route) {
			if n := unitName(units, id); n != "" {
				if i == 0 {
					it.Lead = n
				} else {
					assist = append(assist, n)
				}
			}
		}
		it.Assist = strings.Join(assist, "，")
		out = append(out, it)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Urgent != out[j].Urgent {
			return out[i].Urgent
		}
		return out[i].In.ReceivedAt.Before(out[j].In.ReceivedAt)
	})
	return out
}

// ageText is a waiting time, short: 5分钟, 3小时, 2天.
func ageText(lang string, d time.Duration) string {
	switch {
	case d < time.Hour:
		return translate(lang, "age.min", int(d.Minutes()))
	case d < 48*time.Hour:
		return translate(lang, "age.hour", int(d.Hours()))
	}
	return translate(lang, "age.day", int(d.Hours()/24))
}

// linkage is the 12345 linkage desk's queue: incidents to dispatch or
// decide, orders to pass on, orders fed back to verify, and orders
// returned by units to re-route.
func (s *Server) linkage(w http.ResponseWriter, r *http.Request, sess *session) {
	q, err := s.app.DeskQueue(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	verify, err := s.app.VerificationQueue(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "linkage")
	p.Title = p.T("nav.linkage")
	p.Flash = s.linkageDone(r, sess, p)
	p.Data = map[string]any{"Undecided": s.queueItems(p, q.Undecided, q.Units), "Undispatched": s.queueItems(p, q.Undispatched, q.Units),
		"Returned": withPage(p, q.Returned), "ToPassOn": withPage(p, q.ToPassOn), "Verify": withPage(p, verify), "Units": q.Units}
	if r.URL.Query().Get("part") == "queue" {
		s.fragment(w, r, http.StatusOK, "linkage", "queue", p)
		return
	}
	s.render(w, r, http.StatusOK, "linkage", p)
}

// linkageDone is the confirmation of what the desk just did
// (?done=dispatch|decide|passon&id=incident, or ?done=<order> after an
// order action): the incident and the units that now hold it.
func (s *Server) linkageDone(r *http.Request, sess *session, p *page) string {
	q := r.URL.Query()
	what := q.Get("did")
	id, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	if done, _ := strconv.ParseInt(q.Get("done"), 10, 64); done > 0 && what == "" {
		return p.T("linkage.done.order", done)
	}
	if id <= 0 {
		return ""
	}
	v, err := s.app.Incident(r.Context(), sess.User, id)
	if err != nil {
		return ""
	}
	switch what {
	case "decide":
		return p.T("linkage.done.decide", id, p.T("disp."+string(v.Incident.Disposition)))
	case "dispatch", "passon":
		var names []string
		for _, o := range v.Orders {
			if o.State.Open() {
				names = append(names, v.Names.Units[o.UnitID]+"（"+p.T("order.role."+string(o.Role))+"）")
			}
		}
		return p.T("linkage.done.dispatch", id, strings.Join(names, "、"))
	}
	return ""
}

func (s *Server) dispatchForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := fenliu.CanDecide(sess.User); err != nil { // before the form is read
		s.fail(w, r, sess, err)
		return
	}
	units, err := s.app.Units(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	lead, err := pickUnit(units, "lead", r.PostFormValue("lead"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if lead == 0 {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EInvalid, Field: "lead", ZH: "请选择主办单位", EN: "choose the lead unit"})
		return
	}
	assist, err := pickUnits(units, "assist", r.PostForm["assist"], lead)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	note := r.PostFormValue("note")
	if strings.TrimSpace(note) == "" {
		note = translate(langOf(r), "linkage.defaultnote")
	}
	d := fenliu.DispatchInput{Note: note, Orders: []fenliu.OrderSpec{{UnitID: lead, Role: fenliu.OrderLead}}}
	for _, a := range assist {
		d.Orders = append(d.Orders, fenliu.OrderSpec{UnitID: a, Role: fenliu.OrderAssist})
	}
	if _, err := s.app.Dispatch(r.Context(), sess.User, id, d); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id), "dispatch", id)
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
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id), "decide", id)
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
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id), "", 0)
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
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id), "passon", id)
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
