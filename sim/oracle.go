package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// The oracle rebuilds every order's life from the event log alone — the
// immutable record the service writes — and counts the rates from it as
// docs/metrics.md states them. It shares no code with package metrics (nor
// with the store's report queries), so that the dashboard can be checked
// against something that did not compute it.

type oOrder struct {
	id, incident, unit                        int64
	dispatched                                time.Time
	state                                     fenliu.OrderState
	signed, arrived, feedback, closed         *time.Time
	signDue, arriveDue, feedbackDue, closeDue *time.Time
	returns, reopens                          int
	solved                                    *bool
	sat                                       string
	complaint, partner                        bool
}

type oIncident struct {
	id          int64
	received    time.Time
	disposition string
	category    string
	repeatOf    int64
	calledAgain bool
	orders      []*oOrder
	events      []*fenliu.Event
}

// dueSet is limits an order was given, to check against the catalogue.
type dueSet struct {
	order, incident               int64
	kind                          fenliu.EventKind
	at                            time.Time
	category                      string
	sign, arrive, feedback, close *time.Time
}

type timerKey struct {
	order int64
	kind  string
	due   int64
}

type oracle struct {
	c           *city
	after       int64
	events      int
	incidents   map[int64]*oIncident
	orders      map[int64]*oOrder
	dues        []dueSet
	timers      map[timerKey]int
	timerKinds  map[string]int // "order/kind" → timer events
	noticeCount map[string]int
	noticesSeen int
	doneSeen    int
}

func newOracle(c *city) *oracle {
	return &oracle{c: c, incidents: map[int64]*oIncident{}, orders: map[int64]*oOrder{}, timers: map[timerKey]int{},
		timerKinds: map[string]int{}, noticeCount: map[string]int{}}
}

// read takes in the events written since the last read.
func (o *oracle) read() error {
	c := o.c
	for {
		evs, err := c.servers[0].a.Record(c.ctx, c.admin, o.after, 5000)
		if err != nil {
			return err
		}
		for _, e := range evs {
			o.take(e)
			o.after = e.ID
		}
		if len(evs) < 5000 {
			return nil
		}
	}
}

func msTime(v any) *time.Time {
	f, ok := v.(float64)
	if !ok {
		return nil
	}
	t := time.UnixMilli(int64(f)).UTC()
	return &t
}

func (o *oracle) take(e *fenliu.Event) {
	o.events++
	inc := o.incidents[e.IncidentID]
	if inc == nil {
		inc = &oIncident{id: e.IncidentID, received: e.At}
		o.incidents[e.IncidentID] = inc
	}
	inc.events = append(inc.events, e)
	ord := o.orders[e.OrderID]
	at := e.At
	switch e.Kind {
	case fenliu.EvIntake:
		if t := msTime(e.Data["received_at"]); t != nil {
			inc.received = *t
		}
		if r, ok := e.Data["repeat_of"].(float64); ok {
			inc.repeatOf = int64(r)
			if prev := o.incidents[inc.repeatOf]; prev != nil {
				prev.calledAgain = true
			}
		}
	case fenliu.EvDecide:
		inc.disposition, _ = e.Data["disposition"].(string)
		inc.category, _ = e.Data["category"].(string)
	case fenliu.EvDispatch:
		u, _ := e.Data["unit_id"].(float64)
		_, partner := e.Data["partner"]
		ord = &oOrder{id: e.OrderID, incident: e.IncidentID, unit: int64(u), dispatched: at, state: fenliu.StateDispatched, partner: partner}
		o.orders[e.OrderID] = ord
		inc.orders = append(inc.orders, ord)
		o.setDues(ord, e, inc)
	}
	if ord == nil {
		if strings.HasPrefix(string(e.Kind), "warn_") || strings.HasPrefix(string(e.Kind), "over_") || e.Kind == "escalate" {
			return
		}
		return
	}
	switch fenliu.Action(e.Kind) {
	case fenliu.ActSign:
		ord.signed = &at
	case fenliu.ActArrive:
		ord.arrived = &at
	case fenliu.ActFeedback:
		ord.feedback = &at
	case fenliu.ActVerify:
		ord.closed = &at
	case fenliu.ActReopen:
		ord.reopens++
		ord.closed = nil
		o.setDues(ord, e, inc)
	case fenliu.ActReturn:
		ord.returns++
	case fenliu.ActReject:
		o.setDues(ord, e, inc)
	case fenliu.ActCallback:
		if e.Data["unreachable"] == true {
			break
		}
		if s, ok := e.Data["solved"].(bool); ok {
			ord.solved = &s
		}
		ord.sat, _ = e.Data["satisfaction"].(string)
		if e.Data["complaint"] == true {
			ord.complaint = true
		}
		if e.Data["reopened"] == true {
			ord.reopens++
			ord.closed = nil
			o.setDues(ord, e, inc)
		}
	}
	if e.Kind == fenliu.EvRetime {
		o.setDues(ord, e, inc)
	}
	if k := string(e.Kind); strings.HasPrefix(k, "warn_") || strings.HasPrefix(k, "over_") {
		due, _ := e.Data["due"].(float64)
		o.timers[timerKey{e.OrderID, k, int64(due)}]++
		o.timerKinds[fmt.Sprintf("%d/%s", e.OrderID, k)]++
	}
	if e.ToState != "" {
		ord.state = e.ToState
	}
}

// setDues takes the limits an event set on an order (全程留痕: the record
// says them).
func (o *oracle) setDues(ord *oOrder, e *fenliu.Event, inc *oIncident) {
	d := dueSet{order: ord.id, incident: ord.incident, kind: e.Kind, at: e.At, category: inc.category,
		sign: msTime(e.Data["sign_due"]), arrive: msTime(e.Data["arrive_due"]), feedback: msTime(e.Data["feedback_due"]), close: msTime(e.Data["close_due"])}
	if e.Kind != fenliu.EventKind(fenliu.ActReopen) && e.Kind != fenliu.EventKind(fenliu.ActCallback) {
		ord.signDue = d.sign
	}
	ord.arriveDue, ord.feedbackDue, ord.closeDue = d.arrive, d.feedback, d.close
	o.dues = append(o.dues, d)
}

func (o *oracle) takeDues() []dueSet {
	d := o.dues
	o.dues = nil
	return d
}

type dupTimer struct {
	order, incident int64
	kind            string
	due             time.Time
	n               int
}

func (o *oracle) duplicateTimer() *dupTimer {
	for k, n := range o.timers {
		if n > 1 {
			inc := int64(0)
			if ord := o.orders[k.order]; ord != nil {
				inc = ord.incident
			}
			return &dupTimer{order: k.order, incident: inc, kind: k.kind, due: time.UnixMilli(k.due), n: n}
		}
	}
	return nil
}

// rounds is how many timers of the order's stage fired that raise the
// notice kind (a warning per warning timer; an overdue mark and a
// supervision notice per overdue timer).
func (o *oracle) rounds(order int64, stage fenliu.Stage) int {
	return max(o.timerKinds[fmt.Sprintf("%d/warn_%s", order, stage)], o.timerKinds[fmt.Sprintf("%d/over_%s", order, stage)])
}

// has reports whether the record holds a done action.
func (o *oracle) has(d doneAction) bool {
	inc := o.incidents[d.incident]
	if inc == nil {
		return false
	}
	at := d.at.UTC().Truncate(time.Millisecond)
	for _, e := range inc.events {
		if e.Kind == d.kind && (d.order == 0 || e.OrderID == d.order) && e.At.Equal(at) {
			return true
		}
	}
	return false
}

// content is a rating that counts as satisfied (docs/metrics.md: 满意 and
// 基本满意, and 非常满意 on a five-level scale).
func content(s string) bool {
	return s == "satisfied" || s == "basic_satisfied" || s == "very_satisfied"
}

func before(t, limit *time.Time) bool { return limit == nil || !t.After(*limit) }

// rates counts, for orders dispatched and incidents received in [from,
// to), as of asOf: in total ("") and for each unit (its id), each rate's
// numerator and denominator as docs/metrics.md defines them.
func (o *oracle) rates(from, to, asOf time.Time) map[string]map[string][2]int {
	out := map[string]map[string][2]int{}
	addTo := func(group, name string, num, den bool) {
		if out[group] == nil {
			out[group] = map[string][2]int{}
		}
		r := out[group][name]
		if num {
			r[0]++
		}
		if den {
			r[1]++
		}
		out[group][name] = r
	}
	for _, ord := range o.orders {
		if ord.dispatched.Before(from) || !ord.dispatched.Before(to) || ord.state == fenliu.StateCancelled {
			continue
		}
		inc := o.incidents[ord.incident]
		flowBack := ord.returns > 0 || ord.reopens > 0 || inc.calledAgain || ord.state == fenliu.StateRerouted
		calledBack := ord.solved != nil
		solved := calledBack && *ord.solved
		for _, g := range []string{"", fmt.Sprint(ord.unit)} {
			add := func(name string, num, den bool) { addTo(g, name, num, den) }
			add("sign_for", ord.signed != nil && before(ord.signed, ord.signDue), true)
			add("flow_back", flowBack, true)
			add("complaint", ord.complaint, true)
			add("satisfaction", content(ord.sat), ord.sat != "")
			add("solved", solved, calledBack)
			add("one_contact", solved && !flowBack, calledBack)
			add("arrive_on_time", ord.arrived != nil && before(ord.arrived, ord.arriveDue), ord.arrived != nil)
			add("partner_engaged", ord.partner && ord.signed != nil, ord.partner)
			if ord.state == fenliu.StateRerouted {
				add("feedback", false, false)
				add("completion", false, false)
				add("on_time_completion", false, false)
				continue
			}
			fbDue := ord.feedback != nil || (ord.feedbackDue != nil && !asOf.Before(*ord.feedbackDue))
			add("feedback", ord.feedback != nil && before(ord.feedback, ord.feedbackDue), fbDue)
			clDue := ord.closed != nil || (ord.closeDue != nil && !asOf.Before(*ord.closeDue))
			add("completion", ord.closed != nil, clDue)
			add("on_time_completion", ord.closed != nil && before(ord.closed, ord.closeDue), clDue)
		}
	}
	cat := o.c.servers[0].a.Catalog()
	for _, inc := range o.incidents {
		if inc.received.Before(from) || !inc.received.Before(to) {
			continue
		}
		addTo("", "repeat", inc.repeatOf != 0, true)
		nonPolice := false
		if k := cat.Category(inc.category); k != nil {
			nonPolice = k.Disposition == fenliu.DispDivert || k.Disposition == fenliu.DispRedirect
		} else {
			nonPolice = inc.disposition == "divert" || inc.disposition == "redirect"
		}
		if nonPolice && inc.disposition != "" {
			addTo("", "diversion", inc.disposition == "divert" || inc.disposition == "redirect", true)
		} else {
			addTo("", "diversion", false, false)
		}
	}
	for g, rates := range out {
		if g == "" {
			continue
		}
		rates["repeat"], rates["diversion"] = [2]int{}, [2]int{} // incident rates belong to the city, not a unit
	}
	return out
}

// exampleFor names an incident behind a group's numbers, for the story.
func (o *oracle) exampleFor(group, name string, from, to, asOf time.Time) int64 {
	for _, ord := range o.orders {
		if (group == "" || fmt.Sprint(ord.unit) == group) && !ord.dispatched.Before(from) && ord.dispatched.Before(to) {
			return ord.incident
		}
	}
	return 0
}
