package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/fenliu/fenliu"
)

// incident records one demo call at time at and plays its orders forward as
// far as its age allows, moving *clock as the people involved act.
func (l *loader) incident(ctx context.Context, i int, at time.Time, age time.Duration, clock *time.Time) error {
	c := calls[l.rng.IntN(len(calls))]
	grid := l.areas[l.rng.IntN(len(l.areas))]
	lat, lng := *grid.Lat+(l.rng.Float64()-0.5)*0.003, *grid.Lng+(l.rng.Float64()-0.5)*0.003
	channel := []fenliu.Channel{fenliu.Channel110, fenliu.Channel110, fenliu.Channel110, fenliu.Channel12345, fenliu.ChannelGrid, fenliu.ChannelCitizen}[l.rng.IntN(6)]
	*clock = at
	taker := l.actors[fenliu.RoleCallTaker]
	recv := at
	in := fenliu.IncidentInput{Channel: channel, ChannelRef: fmt.Sprintf("DEMO-%05d", i), ReceivedAt: &recv,
		CallerName: names[l.rng.IntN(len(names))], CallerPhone: fmt.Sprintf("139%08d", l.rng.IntN(1e8)),
		Text: c.text, Address: fmt.Sprintf("%s%s%d号", grid.Name[:len(grid.Name)-len("第1网格")], roads[l.rng.IntN(len(roads))], 1+l.rng.IntN(300)),
		AreaID: grid.ID, Lat: &lat, Lng: &lng}
	inc, _, err := l.a.Intake(ctx, taker, in)
	if err != nil {
		return err
	}
	l.sum.Incidents++
	step := func(minutes int) {
		*clock = clock.Add(time.Duration(minutes)*time.Minute + time.Duration(l.rng.IntN(60))*time.Second)
	}
	step(1)
	// The newest, and a few reported by citizens and grid workers, wait for
	// the desk to decide them, as in a live queue.
	if age < 6*time.Hour || (channel != fenliu.Channel110 && l.rng.IntN(100) < 5) {
		return nil
	}
	if _, err := l.a.Decide(ctx, taker, inc.ID, fenliu.DecisionInput{Disposition: c.disp, Category: l.category(c), Hotline: c.hot}); err != nil {
		return err
	}
	if c.disp != fenliu.DispDivert {
		return nil
	}
	if l.rng.IntN(100) < 4 {
		return nil // decided, waiting at the linkage desk to be dispatched
	}
	desk := l.actors[fenliu.RoleLinkageDesk]
	spec := []fenliu.OrderSpec{{UnitID: l.unitFor(c.units[0], grid).ID, Role: fenliu.OrderLead}}
	for _, t := range c.units[1:] {
		if u := l.unitFor(t, grid); u != nil && u.ID != spec[0].UnitID {
			spec = append(spec, fenliu.OrderSpec{UnitID: u.ID, Role: fenliu.OrderAssist})
		}
	}
	step(1)
	orders, err := l.a.Dispatch(ctx, desk, inc.ID, fenliu.DispatchInput{Orders: spec, Note: "一键转派"})
	if err != nil {
		return err
	}
	l.sum.Orders += len(orders)
	for _, o := range orders {
		if err := l.play(ctx, o, age, clock, at); err != nil {
			return err
		}
	}
	return nil
}

// play moves an order along its life: how far depends on the incident's age
// and on chance, so the demo holds orders in every state.
func (l *loader) play(ctx context.Context, o *fenliu.Order, age time.Duration, clock *time.Time, at time.Time) error {
	staff := l.staffOf[o.UnitID]
	desk := l.actors[fenliu.RoleLinkageDesk]
	cb := l.actors[fenliu.RoleCallback]
	*clock = at.Add(3 * time.Minute)
	act := func(u *fenliu.User, a fenliu.Action, in fenliu.ActionInput, minutes int) error {
		*clock = clock.Add(time.Duration(minutes)*time.Minute + time.Duration(l.rng.IntN(300))*time.Second)
		var err error
		o, err = l.a.Act(ctx, u, o.ID, a, in)
		return err
	}
	r := l.rng.IntN(100)
	if age < 2*time.Hour || r < 4 {
		return nil // still waiting to be signed for
	}
	if r < 9 { // misrouted: returned, then re-routed by the desk
		if err := act(staff, fenliu.ActReturn, fenliu.ActionInput{Note: "该地址不属于本单位辖区，请改派"}, 10); err != nil {
			return err
		}
		if r < 6 {
			return nil // waiting to be re-routed
		}
		other := l.otherUnit(o.UnitID)
		if err := act(desk, fenliu.ActReroute, fenliu.ActionInput{Note: "按辖区改派", UnitID: other.ID}, 15); err != nil {
			return err
		}
		next, err := l.a.Orders(ctx, desk, storeFilterIncident(o.IncidentID))
		if err != nil {
			return err
		}
		for _, n := range next {
			if n.FromOrder == o.ID {
				o, staff = n, l.staffOf[n.UnitID]
			}
		}
		l.sum.Orders++
	}
	if r >= 9 && r < 11 {
		return act(desk, fenliu.ActCancel, fenliu.ActionInput{Note: "报警人来电称问题已自行解决，撤销工单"}, 20)
	}
	if err := act(staff, fenliu.ActSign, fenliu.ActionInput{}, 5+l.rng.IntN(40)); err != nil {
		return err
	}
	if age < 6*time.Hour || r < 16 {
		return nil
	}
	if r%3 != 0 {
		if err := act(staff, fenliu.ActArrive, fenliu.ActionInput{}, 20+l.rng.IntN(60)); err != nil {
			return err
		}
	}
	if age < 24*time.Hour || r < 24 {
		return nil
	}
	if err := act(staff, fenliu.ActFeedback, fenliu.ActionInput{Note: feedbacks[l.rng.IntN(len(feedbacks))]}, 60+l.rng.IntN(600)); err != nil {
		return err
	}
	if r < 32 {
		return nil // waiting for verification
	}
	if err := act(desk, fenliu.ActVerify, fenliu.ActionInput{}, 30+l.rng.IntN(120)); err != nil {
		return err
	}
	if age < 48*time.Hour || r < 42 {
		return nil // waiting for the callback
	}
	yes, no := true, false
	if r < 50 { // the caller is not satisfied: reopened, handled again
		if err := act(cb, fenliu.ActCallback, fenliu.ActionInput{Solved: &no, Satisfaction: fenliu.Unsatisfied, Note: "报警人称问题仍未解决"}, 600); err != nil {
			return err
		}
		if r < 45 {
			return nil // reopened, waiting for the unit
		}
		if err := act(staff, fenliu.ActFeedback, fenliu.ActionInput{Note: "已再次到场处理，问题已解决"}, 240); err != nil {
			return err
		}
		if err := act(desk, fenliu.ActVerify, fenliu.ActionInput{}, 60); err != nil {
			return err
		}
	}
	sat := []fenliu.Satisfaction{fenliu.Satisfied, fenliu.Satisfied, fenliu.Satisfied, fenliu.BasicSatisfied}[l.rng.IntN(4)]
	return act(cb, fenliu.ActCallback, fenliu.ActionInput{Solved: &yes, Satisfaction: sat, Note: "报警人表示满意"}, 300+l.rng.IntN(600))
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
