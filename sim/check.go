package sim

import (
	"fmt"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// invariants are what every check holds the city to.
var invariants = []string{
	"every incident is finished, or each piece of its work is in exactly one queue of someone who can act on it",
	"every dispatched order has the deadlines its category and unit type give",
	"no notice for the same (order, stage, kind) twice in one round of limits; every notice's recipient can open its order",
	"every action answered as done is in the record",
	"each unit's inbox holds only its own orders and those escalated to it",
	"every rate on the dashboard equals the same rate recomputed from the event log alone",
}

// check runs every invariant (the rates too when rates is set); the first
// that breaks stops the run.
func (c *city) check(rates bool) error {
	c.sum.Checks++
	// What the servers' schedulers do besides timers: the report rollups
	// (the dashboard reads them) and the bulletins.
	if _, err := c.servers[0].a.RefreshRollups(c.ctx); err != nil {
		return err
	}
	if rates {
		if _, err := c.servers[len(c.servers)-1].a.GenerateBulletins(c.ctx); err != nil {
			return err
		}
	}
	if err := c.oracle.read(); err != nil {
		return err
	}
	if err := c.checkQueues(); err != nil || c.failure != nil {
		return err
	}
	c.checkDeadlines()
	if c.failure != nil {
		return nil
	}
	if err := c.checkNotices(); err != nil || c.failure != nil {
		return err
	}
	c.checkRecord()
	if c.failure != nil || !rates {
		return nil
	}
	c.sum.RateChecks++
	return c.checkRates()
}

// where is which queue a piece of work sits in.
type where struct {
	queue string
	unit  int64
}

// checkQueues: every undecided or undispatched incident in the desk's
// queue; every open order in exactly the one queue whose owner acts on it.
func (c *city) checkQueues() error {
	a := c.servers[0].a
	seen := map[int64][]where{} // order → the queues it is in
	incSeen := map[int64][]string{}
	dq, err := a.DeskQueue(c.ctx, c.desk)
	if err != nil {
		return err
	}
	for _, in := range dq.Undecided {
		incSeen[in.ID] = append(incSeen[in.ID], "desk: to decide")
	}
	for _, in := range dq.Undispatched {
		incSeen[in.ID] = append(incSeen[in.ID], "desk: to dispatch")
	}
	add := func(rows []app.OrderRow, w where) {
		for _, r := range rows {
			seen[r.O.ID] = append(seen[r.O.ID], w)
		}
	}
	add(dq.Returned, where{queue: "desk: returned"})
	add(dq.ToPassOn, where{queue: "desk: to pass on"})
	passOn := map[int64]bool{}
	for _, r := range dq.ToPassOn {
		passOn[r.O.ID] = true
	}
	ver, err := a.VerificationQueue(c.ctx, c.desk)
	if err != nil {
		return err
	}
	add(ver, where{queue: "desk: to verify"})
	cb, err := a.CallbackQueue(c.ctx, c.callback)
	if err != nil {
		return err
	}
	for _, it := range cb.Items {
		seen[it.O.ID] = append(seen[it.O.ID], where{queue: "callbacks"})
	}
	for unit, staff := range c.staff {
		in, err := a.Inbox(c.ctx, staff, 0)
		if err != nil {
			return err
		}
		for _, list := range [][]app.OrderRow{in.Todo, in.Doing, in.Done, in.Escalated} {
			for _, r := range list {
				if r.O.UnitID != unit && r.O.EscalatedTo != unit {
					c.fail("each unit's inbox holds only its own orders and those escalated to it", r.O.IncidentID,
						"the inbox of %s holds order %d of %s", c.unitName(unit), r.O.ID, c.unitName(r.O.UnitID))
					return nil
				}
			}
		}
		for _, r := range in.Todo {
			if !passOn[r.O.ID] { // the hub's orders to pass on are the desk's work
				seen[r.O.ID] = append(seen[r.O.ID], where{queue: "inbox: to do", unit: unit})
			}
		}
		add(in.Doing, where{queue: "inbox: in hand", unit: unit})
	}
	const inv = "every incident is finished, or each piece of its work is in exactly one queue of someone who can act on it"
	for id := range c.active {
		v, err := a.Incident(c.ctx, c.admin, id)
		if err != nil {
			return err
		}
		inc := v.Incident
		open, callbackDue := false, false
		for _, o := range v.Orders {
			if o.State.Open() && o.State != fenliu.StateClosed {
				open = true
			}
			if o.State == fenliu.StateClosed && o.CallbackDue != nil {
				callbackDue = true
			}
		}
		switch {
		case inc.Disposition == "":
			if len(incSeen[id]) != 1 || incSeen[id][0] != "desk: to decide" {
				c.fail(inv, id, "undecided, and in the desk's queues %v", incSeen[id])
				return nil
			}
			continue
		case len(v.Orders) == 0 && inc.Disposition == fenliu.DispDivert:
			if len(incSeen[id]) != 1 || incSeen[id][0] != "desk: to dispatch" {
				c.fail(inv, id, "diverted without orders, and in the desk's queues %v", incSeen[id])
				return nil
			}
			continue
		case len(v.Orders) == 0 && inc.Disposition.PoliceSide():
			c.fail(inv, id, "a %s matter with no order: it ends nowhere", inc.Disposition)
			return nil
		}
		for _, o := range v.Orders {
			want := ""
			switch {
			case o.State == fenliu.StateClosed && o.CallbackDue != nil:
				want = "callbacks"
			case o.State == fenliu.StateClosed:
				// One call for the incident: on another order, or once its
				// other work is done.
				if !open && !callbackDue {
					c.fail(inv, id, "order %d is closed and no callback is due on the incident", o.ID)
					return nil
				}
				continue
			case !o.State.Open():
			case c.isHub(o.UnitID) && o.State == fenliu.StateDispatched && c.suggests(id):
				want = "desk: to pass on"
			case o.State == fenliu.StateDispatched || o.State == fenliu.StateReopened:
				want = "inbox: to do"
			case o.State == fenliu.StateSigned || o.State == fenliu.StateArrived:
				want = "inbox: in hand"
			case o.State == fenliu.StateReturned:
				want = "desk: returned"
			case o.State == fenliu.StateFedBack:
				want = "desk: to verify"
			}
			got := seen[o.ID]
			if want == "" {
				if len(got) > 0 {
					c.fail(inv, id, "order %d is %s, yet queued %v", o.ID, o.State, got)
					return nil
				}
				continue
			}
			if len(got) != 1 || got[0].queue != want || (got[0].unit != 0 && got[0].unit != o.UnitID) {
				c.fail(inv, id, "order %d (%s, %s) should be in %q of %s; it is in %v", o.ID, c.unitName(o.UnitID), o.State, want, c.unitName(o.UnitID), got)
				return nil
			}
		}
		if !open && !callbackDue && inc.Disposition != "" {
			closedWaiting := false
			for _, o := range v.Orders {
				closedWaiting = closedWaiting || o.State == fenliu.StateClosed
			}
			if !closedWaiting {
				delete(c.active, id) // finished
			}
		}
	}
	return nil
}

// checkDeadlines: every order dispatched (or given fresh limits) since the
// last check carries its category's limits for its unit's type, counted
// from the moment it got them.
func (c *city) checkDeadlines() {
	cat := c.servers[0].a.Catalog()
	for _, d := range c.oracle.takeDues() {
		k := cat.Category(d.category)
		if k == nil {
			c.fail("every dispatched order has the deadlines its category and unit type give", d.incident,
				"order %d was given limits under %q, which is not in the catalogue", d.order, d.category)
			return
		}
		for _, x := range []struct {
			name  string
			limit fenliu.Duration
			due   *time.Time
		}{{"sign", k.Limits.Sign, d.sign}, {"arrive", k.Limits.Arrive, d.arrive}, {"feedback", k.Limits.Feedback, d.feedback}, {"close", k.Limits.Close, d.close}} {
			if d.kind == fenliu.EventKind(fenliu.ActReopen) && x.name == "sign" || (d.kind == fenliu.EventKind(fenliu.ActCallback) && x.name == "sign") {
				continue // a reopened order keeps its sign deadline (it is signed)
			}
			want := time.Duration(x.limit)
			switch {
			case want == 0 && x.due != nil:
				c.fail("every dispatched order has the deadlines its category and unit type give", d.incident,
					"order %d (%s) has a %s deadline; %s sets none", d.order, d.kind, x.name, d.category)
				return
			case want != 0 && x.due == nil:
				c.fail("every dispatched order has the deadlines its category and unit type give", d.incident,
					"order %d (%s) has no %s deadline; %s sets %s", d.order, d.kind, x.name, d.category, fenliu.FormatDuration(want))
				return
			case want != 0 && !k.WorkingTime && x.due.Sub(d.at) != want:
				c.fail("every dispatched order has the deadlines its category and unit type give", d.incident,
					"order %d (%s): %s due %s after it was set; %s sets %s", d.order, d.kind, x.name, x.due.Sub(d.at), d.category, fenliu.FormatDuration(want))
				return
			case want != 0 && k.WorkingTime && x.due.Sub(d.at) < want:
				c.fail("every dispatched order has the deadlines its category and unit type give", d.incident,
					"order %d (%s): %s due sooner than its working-time limit", d.order, d.kind, x.name)
				return
			}
		}
	}
}

// checkNotices: each timer's effects once; each notice's recipient can
// open its order.
func (c *city) checkNotices() error {
	const inv = "no notice for the same (order, stage, kind) twice in one round of limits; every notice's recipient can open its order"
	if dup := c.oracle.duplicateTimer(); dup != nil {
		c.fail(inv, dup.incident, "timer %s of order %d due %s fired %d times", dup.kind, dup.order, dup.due.In(c.loc).Format("01-02 15:04"), dup.n)
		return nil
	}
	c.mu.Lock()
	ns := append([]*fenliu.Notice{}, c.notices[c.oracle.noticesSeen:]...)
	c.oracle.noticesSeen = len(c.notices)
	c.mu.Unlock()
	a := c.servers[0].a
	for _, n := range ns {
		c.sum.Notices[n.Kind]++
		if n.Stage != "" && n.Kind != fenliu.NoticeEscalation {
			key := fmt.Sprintf("%d/%s/%s", n.OrderID, n.Stage, n.Kind)
			c.oracle.noticeCount[key]++
			if c.oracle.noticeCount[key] > c.oracle.rounds(n.OrderID, n.Stage) {
				c.fail(inv, n.IncidentID, "%d %s notices about the %s limit of order %d, in %d rounds of limits",
					c.oracle.noticeCount[key], n.Kind, n.Stage, n.OrderID, c.oracle.rounds(n.OrderID, n.Stage))
				return nil
			}
		}
		if n.OrderID == 0 {
			continue
		}
		var who *fenliu.User
		switch {
		case n.UnitID != 0:
			who = c.staff[n.UnitID]
		case n.ToRole == fenliu.RoleCallback:
			who = c.callback
		case n.ToRole == fenliu.RoleSupervisor:
			who = c.super
		}
		if who == nil {
			c.fail(inv, n.IncidentID, "notice %d (%s) is addressed to no one who works here (unit %d, role %q)", n.ID, n.Kind, n.UnitID, n.ToRole)
			return nil
		}
		if _, err := a.Order(c.ctx, who, n.OrderID); err != nil {
			c.fail(inv, n.IncidentID, "%s cannot open order %d of its %s notice: %v", who.Username, n.OrderID, n.Kind, err)
			return nil
		}
	}
	return nil
}

// checkRecord: every action the service answered as done has its event.
func (c *city) checkRecord() {
	for _, d := range c.done[c.oracle.doneSeen:] {
		if !c.oracle.has(d) {
			c.fail("every action answered as done is in the record", d.incident, "%s on order %d at %s is not in the record",
				d.kind, d.order, d.at.In(c.loc).Format("01-02 15:04:05"))
			return
		}
	}
	c.oracle.doneSeen = len(c.done)
}

// checkRates: the dashboard's rates for the last 30 days, in total and by
// unit, against the same rates counted from the event log by the oracle.
func (c *city) checkRates() error {
	a := c.servers[0].a
	now := c.clock()
	from, to := app.LastDays(now, 30, c.loc)
	leader := &fenliu.User{ID: c.super.ID, Role: fenliu.RoleLeader}
	rep, err := a.Report(c.ctx, leader, app.ReportQuery{From: from, To: to, AsOf: now, GroupBy: app.ByUnit, Location: c.loc})
	if err != nil {
		return err
	}
	want := c.oracle.rates(from, to, now)
	got := map[string]map[string][2]int{"": ratesOf(rep.Total)}
	for _, r := range rep.Rows {
		got[r.Key] = ratesOf(*r)
	}
	for group, rates := range want {
		for name, w := range rates {
			g := got[group][name]
			if g != w {
				c.fail("every rate on the dashboard equals the same rate recomputed from the event log alone", c.oracle.exampleFor(group, name, from, to, now),
					"%s of %s: the dashboard says %d/%d, the event log %d/%d", name, groupName(c, group), g[0], g[1], w[0], w[1])
				return nil
			}
		}
	}
	c.sum.Rates = map[string]string{}
	for name, r := range want[""] {
		if r[1] > 0 {
			c.sum.Rates[name] = fmt.Sprintf("%5.1f%%  (%d/%d)", 100*float64(r[0])/float64(r[1]), r[0], r[1])
		} else {
			c.sum.Rates[name] = "—"
		}
	}
	return nil
}

func groupName(c *city, key string) string {
	if key == "" {
		return "the city"
	}
	var id int64
	fmt.Sscan(key, &id)
	return c.unitName(id)
}

func ratesOf(r app.ReportRow) map[string][2]int {
	x := r.Rates
	m := map[string][2]int{}
	for name, rate := range map[string]struct{ Num, Den int }{
		"sign_for": {x.SignFor.Num, x.SignFor.Den}, "feedback": {x.Feedback.Num, x.Feedback.Den},
		"completion": {x.Completion.Num, x.Completion.Den}, "on_time_completion": {x.OnTimeCompletion.Num, x.OnTimeCompletion.Den},
		"flow_back": {x.FlowBack.Num, x.FlowBack.Den}, "complaint": {x.Complaint.Num, x.Complaint.Den},
		"satisfaction": {x.Satisfaction.Num, x.Satisfaction.Den}, "solved": {x.Solved.Num, x.Solved.Den},
		"one_contact": {x.OneContact.Num, x.OneContact.Den}, "arrive_on_time": {x.ArriveOnTime.Num, x.ArriveOnTime.Den},
		"partner_engaged": {x.PartnerEngaged.Num, x.PartnerEngaged.Den}, "repeat": {x.Repeat.Num, x.Repeat.Den},
		"diversion": {x.Diversion.Num, x.Diversion.Den},
	} {
		m[name] = [2]int{rate.Num, rate.Den}
	}
	return m
}

// finalRates is the last comparison, already made by the final check.
func (c *city) finalRates() error {
	c.sum.Events = c.oracle.events
	return nil
}
