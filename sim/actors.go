package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/triage"
)

// hourly is how a 110 centre's calls spread over the day (relative weight
// per city-local hour): few before dawn, a morning and an evening peak.
var hourly = [24]float64{0.6, 0.45, 0.35, 0.3, 0.3, 0.4, 0.7, 1.0, 1.2, 1.3, 1.4, 1.4, 1.3, 1.2, 1.2, 1.2, 1.3, 1.4, 1.5, 1.6, 1.6, 1.4, 1.1, 0.8}

// mix is what calls are: about half police work, a few joint emergencies,
// the rest non-police matters to divert or redirect.
var mix = []struct {
	d fenliu.Disposition
	w float64
}{{fenliu.DispPolice, 0.40}, {fenliu.DispJoint, 0.08}, {fenliu.DispDivert, 0.45}, {fenliu.DispRedirect, 0.07}}

// schedule queues every call of the run, the desk's and the callback team's
// rounds, and the city's own events (a routing-mode change, a directory
// edit, a server restart).
func (c *city) schedule() error {
	var sum float64
	for _, w := range hourly {
		sum += w
	}
	for day := 0; day < c.cfg.Days; day++ {
		for h := 0; h < 24; h++ {
			rate := float64(c.cfg.CallsPerDay) * hourly[h] / sum // calls this hour
			start := c.cfg.Start.AddDate(0, 0, day).Add(time.Duration(h) * time.Hour)
			for t := c.expo(rate); t < time.Hour; t += c.expo(rate) {
				c.at(start.Add(t), "a call", c.call)
			}
		}
	}
	end := c.cfg.Start.Add(time.Duration(c.cfg.Days) * 24 * time.Hour)
	for t := c.cfg.Start.Add(3 * time.Minute); t.Before(end); t = t.Add(5 * time.Minute) {
		c.at(t, "the linkage desk's round", c.deskRound)
	}
	for t := c.cfg.Start.Add(8 * time.Hour); t.Before(end); t = t.Add(20 * time.Minute) {
		if h := t.In(c.loc).Hour(); h >= 8 && h < 21 {
			c.at(t, "the callback team's round", c.callbackRound)
		}
	}
	if c.cfg.Days >= 2 {
		day1 := c.cfg.Start.AddDate(0, 0, 1)
		c.at(day1.Add(9*time.Hour), "a directory edit", c.editDirectory)
		c.at(day1.Add(12*time.Hour), "routing: desk first", func() error { return c.setMode("desk_first") })
		c.at(day1.Add(20*time.Hour), "routing: direct again", func() error { return c.setMode("direct") })
	}
	if !c.cfg.NoRestart {
		c.at(c.cfg.Start.Add(time.Duration(c.cfg.Days)*12*time.Hour+17*time.Minute), "a server restart", c.restart)
	}
	return nil
}

// expo is the wait until the next call of a Poisson stream of rate an hour.
func (c *city) expo(rate float64) time.Duration {
	return time.Duration(-math.Log(1-c.rng.Float64()) / rate * float64(time.Hour))
}

func (c *city) pick() triage.Example {
	x := c.rng.Float64()
	d := mix[len(mix)-1].d
	for _, m := range mix {
		if x < m.w {
			d = m.d
			break
		}
		x -= m.w
	}
	list := c.corpus[d]
	return list[c.rng.IntN(len(list))]
}

// call is one call coming in: at the 110 desk the call-taker transfers it
// in one click, correcting the engine when they hear it is wrong (not
// always); through other channels it waits for the linkage desk.
func (c *city) call() error {
	ex := c.pick()
	c.sum.Calls++
	c.lastCall = c.clock()
	phone := fmt.Sprintf("139%08d", c.rng.IntN(1e8))
	grids := c.grids()
	area := grids[c.rng.IntN(len(grids))]
	channel := fenliu.Channel110
	if !ex.Disposition.PoliceSide() {
		switch x := c.rng.IntN(100); {
		case x < 6:
			channel = fenliu.Channel12345
		case x < 10:
			channel = fenliu.ChannelCitizen
		case x < 13:
			channel = fenliu.ChannelGrid
		}
	}
	return c.callFrom(ex, phone, area, channel)
}

func (c *city) callFrom(ex triage.Example, phone string, area int64, channel fenliu.Channel) error {
	a := c.app()
	now := c.clock()
	in := fenliu.IncidentInput{Channel: channel, Text: ex.Text, CallerPhone: phone, AreaID: area, ReceivedAt: &now}
	ci := &callInfo{ex: ex, phone: phone, truth: ex.Category}
	var incID int64
	if channel != fenliu.Channel110 {
		inc, _, err := a.Intake(c.ctx, c.taker, in)
		if err != nil {
			return err
		}
		incID = inc.ID
		c.doneIntake(inc.ID, now)
	} else {
		sug, err := a.Suggest(c.ctx, c.taker, ex.Text, area, phone, "")
		if err != nil {
			return err
		}
		var d fenliu.DecisionInput
		eng := fenliu.Triage{}
		if sug.Triage != nil {
			eng = *sug.Triage
		}
		truthPolice := ex.Disposition.PoliceSide()
		switch {
		case eng.Disposition == "":
			d = fenliu.DecisionInput{Disposition: ex.Disposition, Category: ex.Category, Hotline: ex.Hotline}
		case truthPolice && !eng.Disposition.PoliceSide():
			if c.rng.IntN(100) < 85 { // the call-taker hears the danger the engine missed
				d = fenliu.DecisionInput{Disposition: ex.Disposition, Category: ex.Category}
				c.sum.Actions["call-taker caught a missed danger"]++
			} else {
				c.sum.Actions["call-taker followed a dangerous miss"]++
			}
		case !truthPolice && eng.Disposition.PoliceSide():
			if c.rng.IntN(100) < 60 {
				d = fenliu.DecisionInput{Disposition: ex.Disposition, Category: ex.Category, Hotline: ex.Hotline}
			} else {
				c.sum.Actions["call-taker sent officers to a non-police matter"]++
			}
		case eng.Category != ex.Category && c.rng.IntN(100) < 30:
			d = fenliu.DecisionInput{Disposition: ex.Disposition, Category: ex.Category, Hotline: ex.Hotline}
			c.sum.Actions["call-taker corrected the category"]++
		}
		if d.Disposition == fenliu.DispRedirect && d.Hotline == "" {
			d.Hotline = "12345"
		}
		res, err := a.Transfer(c.ctx, c.taker, fenliu.TransferInput{Incident: &in, Decision: d})
		if err != nil {
			return err
		}
		incID = res.Incident.ID
		c.doneIntake(incID, now)
		c.doneTransfer(res.Incident, res.Orders, now)
	}
	c.calls[incID] = ci
	c.active[incID] = true
	c.sum.Incidents++
	if err := c.follow(incID); err != nil {
		return err
	}
	// Some callers call again when nothing seems to happen.
	if !ex.Disposition.PoliceSide() && c.rng.IntN(100) < 6 {
		c.after(time.Duration(1+c.rng.IntN(8))*time.Hour, "a repeat call", func() error {
			if !c.active[incID] {
				return nil
			}
			ci.repeats++
			c.sum.Actions["repeat call"]++
			return c.callFrom(ex, phone, area, fenliu.Channel110)
		})
	}
	return nil
}

func (c *city) grids() []int64 {
	var out []int64
	areas, _ := c.servers[0].a.Areas(c.ctx, c.admin)
	for _, ar := range areas {
		if ar.Level == fenliu.AreaGrid {
			out = append(out, ar.ID)
		}
	}
	return out
}

// follow looks at an incident's orders and has their units act on the
// ones waiting for them: every order someone must work gets worked.
func (c *city) follow(incidentID int64) error {
	orders, err := c.servers[0].a.Orders(c.ctx, c.admin, fenliu.OrderFilter{IncidentID: incidentID})
	if err != nil {
		return err
	}
	for _, o := range orders {
		c.sum.Orders += b2i(c.orders[o.ID] == nil)
		p := c.orders[o.ID]
		if p == nil {
			p = &orderPlan{}
			c.orders[o.ID] = p
		}
		if c.isHub(o.UnitID) && c.suggests(o.IncidentID) && o.State == fenliu.StateDispatched {
			continue // the desk passes it on
		}
		key := fmt.Sprintf("%s/%d/%d", o.State, o.Reopens, o.Returns)
		if p.pending == key {
			continue
		}
		switch o.State {
		case fenliu.StateDispatched:
			p.pending = key
			c.planSign(o)
		case fenliu.StateReopened:
			p.pending = key
			c.after(c.share(o.FeedbackDue, 0.4, 4*time.Hour), "a unit works a reopened order", func() error { return c.work(o.ID, fenliu.ActFeedback) })
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (c *city) isHub(unit int64) bool {
	u := c.units[unit]
	return u != nil && (u.Code == "DESK12345" || u.Code == "DUTYROOM")
}

// suggests reports whether the incident's route keeps units for the desk to
// pass its order on to (desk_first, duty_room, or an off-duty unit).
func (c *city) suggests(incidentID int64) bool {
	v, err := c.servers[0].a.Incident(c.ctx, c.admin, incidentID)
	if err != nil || len(v.Incident.Route) == 0 {
		return false
	}
	var r fenliu.Route
	if json.Unmarshal(v.Incident.Route, &r) != nil {
		return false
	}
	return len(fenliu.SuggestedOrders(&r)) > 0
}

// emergency reports whether a unit answers in minutes (110/119/120/122).
func (c *city) emergency(unit int64) bool {
	u := c.units[unit]
	return u != nil && u.Type.Emergency()
}

// fits reports whether the order's unit is of a type the true category needs.
func (c *city) fits(o *fenliu.Order) bool {
	ci := c.calls[o.IncidentID]
	u := c.units[o.UnitID]
	if ci == nil || u == nil || c.isHub(o.UnitID) {
		return true // the desk and the duty room work what they hold
	}
	cat := c.servers[0].a.Catalog().Category(ci.truth)
	if cat == nil || u.Type.Partner() {
		return true
	}
	for _, t := range cat.Units {
		if t == u.Type {
			return true
		}
	}
	return u.Type == fenliu.UTPolice // officers go to anything they are sent to
}

// share is a delay as a share of the time left to a deadline (a unit
// works to its limits): median m of it, some late (past the limit).
func (c *city) share(due *time.Time, m float64, fallback time.Duration) time.Duration {
	left := fallback
	if due != nil {
		left = due.Sub(c.clock())
	}
	if left < time.Minute {
		left = time.Minute
	}
	f := m * math.Exp(0.5*c.rng.NormFloat64())
	if c.rng.IntN(100) < 8 {
		f = 1.1 + c.rng.Float64() // late
	}
	return time.Duration(f * float64(left))
}

// planSign has the unit sign for (or return) a new order.
func (c *city) planSign(o *fenliu.Order) {
	d := c.share(o.SignDue, 0.3, 20*time.Minute)
	c.after(d, "a unit signs", func() error {
		cur, err := c.order(o.ID)
		if err != nil || cur.State != fenliu.StateDispatched {
			return err
		}
		// A misrouted order usually comes back; a few come back wrongly.
		if !c.fits(cur) && c.rng.IntN(100) < 70 || c.rng.IntN(1000) < 8 {
			if _, err := c.act(cur, c.staffFor(cur), fenliu.ActReturn, fenliu.ActionInput{Note: "不属于本单位职责，请改派"}); err != nil {
				return err
			}
			c.sum.Actions["return"]++
			return nil
		}
		cur, err = c.act(cur, c.staffFor(cur), fenliu.ActSign, fenliu.ActionInput{})
		if err != nil {
			return err
		}
		if cur.ArriveDue != nil {
			c.after(c.share(cur.ArriveDue, 0.45, time.Hour), "a unit arrives", func() error { return c.work(o.ID, fenliu.ActArrive) })
			return nil
		}
		c.planFeedback(cur)
		return nil
	})
}

func (c *city) planFeedback(o *fenliu.Order) {
	c.after(c.share(o.FeedbackDue, 0.4, 4*time.Hour), "a unit feeds back", func() error { return c.work(o.ID, fenliu.ActFeedback) })
}

// work does the unit's next step on an order, if it is still the unit's.
func (c *city) work(id int64, a fenliu.Action) error {
	cur, err := c.order(id)
	if err != nil {
		return err
	}
	switch {
	case a == fenliu.ActArrive && (cur.State == fenliu.StateSigned || cur.State == fenliu.StateReopened):
		if cur, err = c.act(cur, c.staffFor(cur), fenliu.ActArrive, fenliu.ActionInput{}); err != nil {
			return err
		}
		c.planFeedback(cur)
	case a == fenliu.ActFeedback && (cur.State == fenliu.StateSigned || cur.State == fenliu.StateArrived || cur.State == fenliu.StateReopened):
		_, err = c.act(cur, c.staffFor(cur), fenliu.ActFeedback, fenliu.ActionInput{Note: "已到场处理完毕"})
	}
	return err
}

// staffFor is who works an order: its unit's staff.
func (c *city) staffFor(o *fenliu.Order) *fenliu.User { return c.staff[o.UnitID] }

func (c *city) order(id int64) (*fenliu.Order, error) {
	return c.servers[0].a.Order(c.ctx, c.admin, id)
}

// act performs an action through a server and records that it was done.
func (c *city) act(o *fenliu.Order, u *fenliu.User, a fenliu.Action, in fenliu.ActionInput) (*fenliu.Order, error) {
	if u == nil {
		return nil, fmt.Errorf("no one to %s order %d (unit %d)", a, o.ID, o.UnitID)
	}
	in.Version = o.Version
	got, err := c.app().Act(c.ctx, u, o.ID, a, in)
	if err != nil {
		return nil, fmt.Errorf("%s order %d by %s: %w", a, o.ID, u.Username, err)
	}
	c.sum.Actions[string(a)]++
	c.done = append(c.done, doneAction{incident: o.IncidentID, order: o.ID, kind: fenliu.EventKind(a), at: c.clock()})
	return got, c.follow(o.IncidentID)
}

func (c *city) doneIntake(id int64, at time.Time) {
	c.done = append(c.done, doneAction{incident: id, kind: fenliu.EvIntake, at: at})
}

func (c *city) doneTransfer(inc *fenliu.Incident, orders []*fenliu.Order, at time.Time) {
	c.sum.ByDisposition[inc.Disposition]++
	c.done = append(c.done, doneAction{incident: inc.ID, kind: fenliu.EvDecide, at: at})
	for _, o := range orders {
		c.done = append(c.done, doneAction{incident: inc.ID, order: o.ID, kind: fenliu.EvDispatch, at: at})
	}
}

// deskRound is the linkage desk working its queue: deciding what came in
// undecided (rightly), dispatching what waits, passing on what routing gave
// it, re-routing returned orders — or refusing a wrong return — and
// verifying feedback (sending a few back).
func (c *city) deskRound() error {
	a := c.app()
	now := c.clock()
	q, err := a.DeskQueue(c.ctx, c.desk)
	if err != nil {
		return err
	}
	for _, inc := range q.Undecided {
		if now.Sub(inc.ReceivedAt) < 3*time.Minute {
			continue
		}
		ci := c.calls[inc.ID]
		if ci == nil {
			continue
		}
		d := fenliu.DecisionInput{Disposition: ci.ex.Disposition, Category: ci.truth, Hotline: ci.ex.Hotline}
		if d.Disposition == fenliu.DispRedirect && d.Hotline == "" {
			d.Hotline = "12345"
		}
		res, err := a.Transfer(c.ctx, c.desk, fenliu.TransferInput{IncidentID: inc.ID, Decision: d})
		if err != nil {
			return fmt.Errorf("the desk decides incident %d: %w", inc.ID, err)
		}
		c.sum.Actions["desk decides"]++
		c.doneTransfer(res.Incident, res.Orders, now)
		if err := c.follow(inc.ID); err != nil {
			return err
		}
	}
	for _, inc := range q.Undispatched {
		res, err := a.Transfer(c.ctx, c.desk, fenliu.TransferInput{IncidentID: inc.ID})
		if err != nil {
			return fmt.Errorf("the desk dispatches incident %d: %w", inc.ID, err)
		}
		for _, o := range res.Orders {
			c.done = append(c.done, doneAction{incident: inc.ID, order: o.ID, kind: fenliu.EvDispatch, at: now})
		}
		c.sum.Actions["desk dispatches"]++
		if err := c.follow(inc.ID); err != nil {
			return err
		}
	}
	for _, r := range q.ToPassOn {
		got, err := a.DispatchSuggested(c.ctx, c.desk, r.O.IncidentID, "")
		if fenliu.ErrorCode(err) == fenliu.EConflict {
			// An earlier pass-on this round covered the incident already.
			continue
		}
		if err != nil {
			return fmt.Errorf("the desk passes on incident %d: %w\n%s", r.O.IncidentID, err, c.story(r.O.IncidentID))
		}
		c.sum.Actions["desk passes on"]++
		for _, o := range got {
			c.done = append(c.done, doneAction{incident: r.O.IncidentID, order: o.ID, kind: fenliu.EvDispatch, at: now})
		}
		if err := c.follow(r.O.IncidentID); err != nil {
			return err
		}
	}
	for _, r := range q.Returned {
		if err := c.handleReturn(r.O); err != nil {
			return err
		}
	}
	ver, err := a.VerificationQueue(c.ctx, c.desk)
	if err != nil {
		return err
	}
	for _, r := range ver {
		if r.O.FeedbackAt == nil || now.Sub(*r.O.FeedbackAt) < 10*time.Minute {
			continue
		}
		if c.rng.IntN(100) < 5 {
			if _, err := c.act(r.O, c.desk, fenliu.ActReopen, fenliu.ActionInput{Note: "反馈未说明处理结果，请补充"}); err != nil {
				return err
			}
			continue
		}
		if _, err := c.act(r.O, c.desk, fenliu.ActVerify, fenliu.ActionInput{}); err != nil {
			return err
		}
	}
	return nil
}

// handleReturn: a returned order whose matter was misjudged is re-decided
// (the open work follows the new decision); one returned by the right unit
// is sent back to it.
func (c *city) handleReturn(o *fenliu.Order) error {
	a := c.app()
	// An earlier step of the same round (a re-decision of the incident, a
	// pass-on) may have moved this order already: the desk looks again.
	o, err := a.Order(c.ctx, c.desk, o.ID)
	if err != nil {
		return err
	}
	if o.State != fenliu.StateReturned {
		c.sum.Actions["desk finds a return already handled"]++
		return nil
	}
	inc, err := a.Incident(c.ctx, c.desk, o.IncidentID)
	if err != nil {
		return err
	}
	ci := c.calls[o.IncidentID]
	if ci != nil && inc.Incident.Category != ci.truth && ci.truth != "" {
		d := fenliu.DecisionInput{Disposition: ci.ex.Disposition, Category: ci.truth, Hotline: ci.ex.Hotline, Reason: "退单核实后改判"}
		if d.Disposition == fenliu.DispRedirect && d.Hotline == "" {
			d.Hotline = "12345"
		}
		if _, err := a.Decide(c.ctx, c.desk, o.IncidentID, d); err != nil {
			return fmt.Errorf("the desk re-decides incident %d: %w", o.IncidentID, err)
		}
		c.sum.Actions["desk re-decides after a return"]++
		c.done = append(c.done, doneAction{incident: o.IncidentID, kind: fenliu.EvDecide, at: c.clock()})
		return c.follow(o.IncidentID)
	}
	_, err = c.act(o, c.desk, fenliu.ActReject, fenliu.ActionInput{Note: "经核实属本单位职责，请办理"})
	return err
}

// callbackRound is the callback team calling back the closed matters, an
// hour or more after closing: most are satisfied, some are not (the order
// goes back to its unit), some cannot be reached and are tried again.
func (c *city) callbackRound() error {
	a := c.app()
	q, err := a.CallbackQueue(c.ctx, c.callback)
	if err != nil {
		return err
	}
	now := c.clock()
	for _, it := range q.Items {
		if it.O.ClosedAt == nil || now.Sub(*it.O.ClosedAt) < time.Hour {
			continue
		}
		yes, no := true, false
		in := fenliu.ActionInput{Solved: &yes, Satisfaction: fenliu.Satisfied}
		switch x := c.rng.IntN(100); {
		case x < 7:
			in = fenliu.ActionInput{Unreachable: true, Note: "无人接听"}
		case x < 14:
			in = fenliu.ActionInput{Solved: &no, Satisfaction: fenliu.Unsatisfied, Note: "问题仍未解决", Complaint: x < 9}
		case x < 30:
			in.Satisfaction = fenliu.BasicSatisfied
		}
		if _, err := c.act(it.O, c.callback, fenliu.ActCallback, in); err != nil {
			return err
		}
	}
	return nil
}

// setMode switches the city's routing mode.
func (c *city) setMode(mode string) error {
	var desk, duty int64
	for _, u := range c.units {
		switch u.Code {
		case "DESK12345":
			desk = u.ID
		case "DUTYROOM":
			duty = u.ID
		}
	}
	c.sum.Actions["routing mode "+mode]++
	return c.app().SetRouting(c.ctx, c.admin, mode, desk, duty)
}

// editDirectory adds a unit and a routing rule, as an administrator does
// during a working day: routing must follow on every server.
func (c *city) editDirectory() error {
	a := c.app()
	var parent *fenliu.Unit
	for _, u := range c.units {
		if u.Code == "JN-housing" {
			parent = u
		}
	}
	if parent == nil {
		return nil
	}
	u := &fenliu.Unit{Code: "JN-HOUSING-PROP", Name: "江南区物业管理科", Type: fenliu.UTHousing, ParentID: parent.ID, AreaIDs: parent.AreaIDs, AlwaysOn: true}
	if err := a.CreateUnit(c.ctx, c.admin, u); err != nil {
		return err
	}
	c.units[u.ID] = u
	staff := &fenliu.User{Username: "unit-jn-housing-prop", DisplayName: "物业管理科值班员", Role: fenliu.RoleUnitStaff, UnitID: u.ID}
	if err := a.CreateUser(c.ctx, c.admin, staff, ""); err != nil {
		return err
	}
	c.staff[u.ID] = staff
	c.sum.Actions["directory edit"]++
	return a.AddRoutingRule(c.ctx, c.admin, &fenliu.RoutingRule{Category: "housing.property_management", UnitID: u.ID, Note: "物业纠纷由物业管理科办理"})
}
