package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/fenliu/fenliu"
)

// incident records one demo call received at `at` and plays it forward as
// the people involved would, each step at its own time, stopping at now:
// old calls are finished, the day's are in progress, as a real day has
// them. Timers due before the call fire first, at their time.
func (l *loader) incident(ctx context.Context, i int, at, now time.Time, clock *time.Time) error {
	*clock = at
	if _, err := l.a.FireDue(ctx, at); err != nil {
		return err
	}
	c := calls[l.rng.IntN(len(calls))]
	// The last calls but the very last (left for the desk) hold work in
	// every state: diverted matters, each stopped at its state.
	var stop fenliu.OrderState
	if k := l.total - 2 - i; k >= 0 && k < len(holdAt) {
		stop = holdAt[k]
		for c.disp != fenliu.DispDivert {
			c = calls[l.rng.IntN(len(calls))]
		}
	}
	grid := l.areas[l.rng.IntN(len(l.areas))]
	lat, lng := *grid.Lat+(l.rng.Float64()-0.5)*0.003, *grid.Lng+(l.rng.Float64()-0.5)*0.003
	channel := []fenliu.Channel{fenliu.Channel110, fenliu.Channel110, fenliu.Channel110, fenliu.Channel12345, fenliu.ChannelGrid, fenliu.ChannelCitizen}[l.rng.IntN(6)]
	if c.disp.PoliceSide() {
		channel = fenliu.Channel110
	}
	taker := l.actors[fenliu.RoleCallTaker]
	houseFrom, _ := houseNumbers(l.gridIndex[grid.ID]) // an address the directory places in the grid
	recv := at
	in := fenliu.IncidentInput{Channel: channel, ChannelRef: fmt.Sprintf("DEMO-%05d", i), ReceivedAt: &recv,
		CallerName: names[l.rng.IntN(len(names))], CallerPhone: fmt.Sprintf("139%08d", l.rng.IntN(1e8)),
		Text: c.text, Address: fmt.Sprintf("%s%s%d号", grid.Name[:len(grid.Name)-len("第1网格")], roads[l.rng.IntN(len(roads))], houseFrom+l.rng.IntN(100)),
		AreaID: grid.ID, Lat: &lat, Lng: &lng}
	inc, _, err := l.a.Intake(ctx, taker, in)
	if err != nil {
		return err
	}
	l.sum.Incidents++
	p := &player{l: l, now: now, clock: clock, recent: now.Sub(at) < 72*time.Hour, stop: stop}
	// The newest, and a few reported by citizens and grid workers, wait for
	// the desk to decide them, as in a live queue.
	if stop == "" && (now.Sub(at) < 20*time.Minute || (channel != fenliu.Channel110 && l.rng.IntN(100) < 4)) {
		return nil
	}
	if !p.wait(1, 3) {
		return nil
	}
	var orders []*fenliu.Order
	switch {
	case c.disp.PoliceSide():
		// 派警: the call-taker's one click sends officers (and 119/120/122).
		res, err := l.a.Transfer(ctx, taker, fenliu.TransferInput{IncidentID: inc.ID,
			Decision: fenliu.DecisionInput{Disposition: c.disp, Category: l.category(c)}, Note: "派警"})
		if err != nil {
			return err
		}
		orders = res.Orders
	case c.disp == fenliu.DispRedirect:
		_, err := l.a.Decide(ctx, taker, inc.ID, fenliu.DecisionInput{Disposition: c.disp, Category: l.category(c), Hotline: c.hot})
		return err
	default:
		if _, err := l.a.Decide(ctx, taker, inc.ID, fenliu.DecisionInput{Disposition: c.disp, Category: l.category(c)}); err != nil {
			return err
		}
		if (stop == "" && l.rng.IntN(100) < 3) || !p.wait(1, 20) {
			return nil // decided, waiting at the linkage desk to be dispatched
		}
		desk := l.actors[fenliu.RoleLinkageDesk]
		spec := []fenliu.OrderSpec{{UnitID: l.unitFor(c.units[0], grid).ID, Role: fenliu.OrderLead}}
		for _, t := range c.units[1:] {
			if u := l.unitFor(t, grid); u != nil && u.ID != spec[0].UnitID {
				spec = append(spec, fenliu.OrderSpec{UnitID: u.ID, Role: fenliu.OrderAssist})
			}
		}
		if orders, err = l.a.Dispatch(ctx, desk, inc.ID, fenliu.DispatchInput{Orders: spec, Note: "一键转派"}); err != nil {
			return err
		}
	}
	l.sum.Orders += len(orders)
	start := *clock
	for _, o := range orders {
		*clock = start
		if err := p.play(ctx, o, c.disp.PoliceSide()); err != nil {
			return err
		}
	}
	return p.callBack(ctx, inc.ID)
}

// player moves one incident's orders along, each step at a time after the
// last, never past now. Orders of the last three days are sometimes
// left waiting on purpose — a unit slow to sign, feedback not yet verified —
// so the demo has work in every queue.
type player struct {
	l      *loader
	now    time.Time
	clock  *time.Time
	recent bool
	stop   fenliu.OrderState // the state to leave the orders in ("": as chance has it)
}

// holdAt are the states the day's last calls are left in, so the demo has
// work in every queue whatever its seed.
var holdAt = []fenliu.OrderState{fenliu.StateDispatched, fenliu.StateSigned, fenliu.StateArrived, fenliu.StateFedBack,
	fenliu.StateReturned, fenliu.StateClosed, fenliu.StateReopened, fenliu.StateDispatched, fenliu.StateSigned, fenliu.StateFedBack}

// wait moves the clock on by between lo and hi minutes (and some seconds);
// false if that would pass now, and the story stops there.
func (p *player) wait(lo, hi int) bool {
	next := p.clock.Add(time.Duration(lo+p.l.rng.IntN(hi-lo+1))*time.Minute + time.Duration(p.l.rng.IntN(60))*time.Second)
	if next.After(p.now) {
		return false
	}
	*p.clock = next
	return true
}

// pause reports whether an order now in state st is left there: the state
// this call holds its work in, or by chance (r in percent) for a recent one.
func (p *player) pause(st fenliu.OrderState, r int) bool {
	if p.stop != "" {
		return p.stop == st
	}
	return p.recent && p.l.rng.IntN(100) < r
}

func (p *player) act(ctx context.Context, o **fenliu.Order, u *fenliu.User, a fenliu.Action, in fenliu.ActionInput) error {
	next, err := p.l.a.Act(ctx, u, (*o).ID, a, in)
	if err != nil {
		return fmt.Errorf("%s order %d: %w", a, (*o).ID, err)
	}
	*o = next
	return nil
}

// play moves an order along its life as far as time allows.
func (p *player) play(ctx context.Context, o *fenliu.Order, police bool) error {
	l := p.l
	staff := l.staffOf[o.UnitID]
	desk := l.actors[fenliu.RoleLinkageDesk]
	r := l.rng.IntN(100)
	signIn := [2]int{3, 25}
	if police {
		signIn = [2]int{0, 1}
	} else if r >= 90 {
		signIn = [2]int{35, 90} // signed late
	}
	if !police && (r < 5 || p.stop == fenliu.StateReturned) { // misrouted: returned, then re-routed by the desk
		if !p.wait(5, 30) {
			return nil
		}
		if err := p.act(ctx, &o, staff, fenliu.ActReturn, fenliu.ActionInput{Note: "该地址不属于本单位辖区，请改派"}); err != nil {
			return err
		}
		if p.pause(fenliu.StateReturned, 60) || !p.wait(5, 40) {
			return nil // waiting to be re-routed
		}
		prev := o
		if err := p.act(ctx, &o, desk, fenliu.ActReroute, fenliu.ActionInput{Note: "按辖区改派", UnitID: l.otherUnit(o.UnitID).ID}); err != nil {
			return err
		}
		next, err := l.a.Orders(ctx, desk, fenliu.OrderFilter{IncidentID: o.IncidentID})
		if err != nil {
			return err
		}
		for _, n := range next {
			if n.FromOrder == prev.ID {
				o, staff = n, l.staffOf[n.UnitID]
			}
		}
		l.sum.Orders++
	}
	if !police && r >= 5 && r < 7 && p.stop == "" {
		if !p.wait(10, 60) {
			return nil
		}
		return p.act(ctx, &o, desk, fenliu.ActCancel, fenliu.ActionInput{Note: "报警人来电称问题已自行解决，撤销工单"})
	}
	if p.pause(fenliu.StateDispatched, 10) || !p.wait(signIn[0], signIn[1]) {
		return nil // still waiting to be signed for
	}
	if err := p.act(ctx, &o, staff, fenliu.ActSign, fenliu.ActionInput{}); err != nil {
		return err
	}
	if o.ArriveDue != nil || r%3 != 0 || p.stop == fenliu.StateArrived {
		arrive := [2]int{20, 80}
		if police {
			arrive = [2]int{4, 12}
		}
		if p.pause(fenliu.StateSigned, 15) || !p.wait(arrive[0], arrive[1]) {
			return nil
		}
		if err := p.act(ctx, &o, staff, fenliu.ActArrive, fenliu.ActionInput{}); err != nil {
			return err
		}
	}
	feedback := [2]int{60, 600}
	if police {
		feedback = [2]int{20, 50}
	}
	if p.pause(o.State, 15) || !p.wait(feedback[0], feedback[1]) {
		return nil
	}
	if err := p.act(ctx, &o, staff, fenliu.ActFeedback, fenliu.ActionInput{Note: feedbacks[l.rng.IntN(len(feedbacks))]}); err != nil {
		return err
	}
	if p.pause(fenliu.StateFedBack, 25) || !p.wait(20, 150) {
		return nil // waiting for verification
	}
	if (r >= 80 && r < 86) || p.stop == fenliu.StateReopened { // the feedback does not satisfy the desk: 重办
		if err := p.act(ctx, &o, desk, fenliu.ActReopen, fenliu.ActionInput{Note: "反馈未附现场情况，请补充后重新反馈"}); err != nil {
			return err
		}
		if p.pause(fenliu.StateReopened, 60) || !p.wait(feedback[0], feedback[1]) {
			return nil
		}
		if err := p.act(ctx, &o, staff, fenliu.ActFeedback, fenliu.ActionInput{Note: "已补充现场照片和处理结果"}); err != nil {
			return err
		}
		if !p.wait(20, 150) {
			return nil
		}
	}
	return p.act(ctx, &o, desk, fenliu.ActVerify, fenliu.ActionInput{})
}

// callBack makes the incident's callback once its work is done, a few
// hours later: some callers cannot be reached at first, some are not
// satisfied (the order goes back to its unit, which handles it again).
func (p *player) callBack(ctx context.Context, incidentID int64) error {
	l := p.l
	cb, desk := l.actors[fenliu.RoleCallback], l.actors[fenliu.RoleLinkageDesk]
	if p.pause(fenliu.StateClosed, 30) || p.stop != "" || !p.wait(120, 900) {
		return nil
	}
	orders, err := l.a.Orders(ctx, cb, fenliu.OrderFilter{IncidentID: incidentID})
	if err != nil {
		return err
	}
	for _, o := range orders {
		if o.State != fenliu.StateClosed || o.CallbackDue == nil {
			continue
		}
		yes, no := true, false
		r := l.rng.IntN(100)
		if r < 8 {
			if err := p.act(ctx, &o, cb, fenliu.ActCallback, fenliu.ActionInput{Unreachable: true, Note: "电话无人接听"}); err != nil {
				return err
			}
			if !p.wait(60, 240) {
				return nil
			}
		}
		if r >= 8 && r < 16 { // not satisfied: 回流, the unit handles it again
			if err := p.act(ctx, &o, cb, fenliu.ActCallback, fenliu.ActionInput{Solved: &no, Satisfaction: fenliu.Unsatisfied, Note: "报警人称问题仍未解决"}); err != nil {
				return err
			}
			// Every order the callback reopened is handled again and verified.
			again, err := l.a.Orders(ctx, cb, fenliu.OrderFilter{IncidentID: incidentID, States: []fenliu.OrderState{fenliu.StateReopened}})
			if err != nil {
				return err
			}
			for _, ro := range again {
				if p.pause(fenliu.StateReopened, 50) || !p.wait(120, 600) {
					return nil
				}
				if err := p.act(ctx, &ro, l.staffOf[ro.UnitID], fenliu.ActFeedback, fenliu.ActionInput{Note: "已再次到场处理，问题已解决"}); err != nil {
					return err
				}
				if !p.wait(30, 120) {
					return nil
				}
				if err := p.act(ctx, &ro, desk, fenliu.ActVerify, fenliu.ActionInput{}); err != nil {
					return err
				}
			}
			if !p.wait(120, 600) {
				return nil
			}
			if o, err = l.a.Order(ctx, cb, o.ID); err != nil {
				return err
			}
			if o.State != fenliu.StateClosed || o.CallbackDue == nil {
				return nil
			}
		}
		sat := []fenliu.Satisfaction{fenliu.Satisfied, fenliu.Satisfied, fenliu.Satisfied, fenliu.BasicSatisfied}[l.rng.IntN(4)]
		if err := p.act(ctx, &o, cb, fenliu.ActCallback, fenliu.ActionInput{Solved: &yes, Satisfaction: sat, Note: "报警人表示满意"}); err != nil {
			return err
		}
	}
	return nil
}

// category finds the demo call's category in the active catalogue: the
// named one if the catalogue has it, else the first category with the same
// disposition and lead unit type (so the demo fits any city's catalogue and
// its orders get that category's time limits).
func (l *loader) category(c call) string {
	cat := l.a.Catalog()
	if cat == nil {
		return c.cat
	}
	if cat.Category(c.cat) != nil {
		return c.cat
	}
	for _, k := range cat.Categories() {
		if k.Disposition == c.disp && len(k.Units) > 0 && k.Units[0] == c.units[0] {
			return k.Code
		}
	}
	for _, k := range cat.Categories() {
		if k.Disposition == c.disp {
			return k.Code
		}
	}
	return c.cat
}

func (l *loader) otherUnit(id int64) *fenliu.Unit {
	for _, us := range l.unitsByType {
		for _, u := range us {
			if u.ID == id {
				for _, cand := range l.unitsByType[u.Type] {
					if cand.ID != id {
						return cand
					}
				}
				return l.unitsByType[fenliu.UTSubdistrict][0]
			}
		}
	}
	return l.unitsByType[fenliu.UTSubdistrict][0]
}

var feedbacks = []string{
	"已到现场处理，责令当事人立即整改，现场已恢复正常",
	"已联系当事人协调，双方达成一致",
	"已安排维修人员到场抢修，已恢复",
	"经核查情况属实，已立案调查，将依法处理",
	"已电话联系报警人说明政策，报警人表示理解",
	"已现场劝离，并加强该路段巡查",
}
