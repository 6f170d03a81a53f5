package fenliu

// A decision changed after dispatch (改判) carries the incident's open work
// over to what the new decision routes to: nothing is lost, nothing is left
// with a unit it no longer concerns.

// Reassign is one open order to hand to another unit.
type Reassign struct {
	Order *Order
	To    int64
}

// Redecision is what a changed decision does to an incident's orders: the
// open ones whose unit the new decision keeps in the same role are re-timed
// to the new category's limits; the others are re-routed to the units it
// adds, lead to lead and assisting to assisting; any left over are
// cancelled; units it adds beyond them get new orders. Orders already fed
// back, closed or ended stay as they are.
type Redecision struct {
	Retime  []*Order
	Reroute []Reassign
	Cancel  []*Order
	Add     []OrderSpec
}

// Changeable reports whether an order's work is still to do, so that a
// changed decision may re-time, re-route or cancel it.
func (o *Order) Changeable() bool { return o.State.Open() && o.State != StateFedBack }

// PlanRedecision matches an incident's orders with the orders the new
// decision routes to (want, lead first).
func PlanRedecision(orders []*Order, want []OrderSpec) Redecision {
	var r Redecision
	byUnit := map[int64]*Order{}
	var free []*Order
	for _, o := range orders {
		if o.State.Final() {
			continue
		}
		byUnit[o.UnitID] = o
	}
	used := map[int64]bool{}
	var rest []OrderSpec
	for _, w := range want {
		if o := byUnit[w.UnitID]; o != nil && (o.Role == w.Role || !o.Changeable()) {
			used[o.ID] = true
			if o.Changeable() {
				r.Retime = append(r.Retime, o)
			}
			continue
		}
		rest = append(rest, w) // a new unit, or the same unit in another role
	}
	for _, o := range orders {
		if o.Changeable() && !used[o.ID] {
			free = append(free, o)
		}
	}
	for _, role := range []OrderRole{OrderLead, OrderAssist} {
		var left []OrderSpec
		for _, w := range rest {
			if w.Role != role {
				left = append(left, w)
				continue
			}
			matched := false
			for i, o := range free {
				if o.Role == role {
					r.Reroute = append(r.Reroute, Reassign{Order: o, To: w.UnitID})
					free = append(free[:i], free[i+1:]...)
					matched = true
					break
				}
			}
			if !matched {
				left = append(left, w)
			}
		}
		rest = left
	}
	r.Cancel, r.Add = free, rest
	return r
}
