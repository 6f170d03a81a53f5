package fenliu

import (
	"fmt"
	"strings"
	"testing"
)

func TestPlanRedecision(t *testing.T) {
	o := func(id, unit int64, role OrderRole, st OrderState) *Order {
		return &Order{ID: id, UnitID: unit, Role: role, State: st}
	}
	lead, assist := OrderLead, OrderAssist
	spec := func(unit int64, role OrderRole) OrderSpec { return OrderSpec{UnitID: unit, Role: role} }
	show := func(r Redecision) string {
		var b strings.Builder
		for _, x := range r.Retime {
			fmt.Fprintf(&b, "retime:%d ", x.ID)
		}
		for _, x := range r.Reroute {
			fmt.Fprintf(&b, "reroute:%d→%d ", x.Order.ID, x.To)
		}
		for _, x := range r.Cancel {
			fmt.Fprintf(&b, "cancel:%d ", x.ID)
		}
		for _, x := range r.Add {
			fmt.Fprintf(&b, "add:%d/%s ", x.UnitID, x.Role)
		}
		return strings.TrimSpace(b.String())
	}
	for _, tc := range []struct {
		name   string
		orders []*Order
		want   []OrderSpec
		plan   string
	}{
		{"same units: re-timed", []*Order{o(1, 10, lead, StateSigned), o(2, 20, assist, StateDispatched)},
			[]OrderSpec{spec(10, lead), spec(20, assist)}, "retime:1 retime:2"},
		{"another lead unit: re-routed", []*Order{o(1, 10, lead, StateSigned)},
			[]OrderSpec{spec(30, lead)}, "reroute:1→30"},
		{"fewer units: the rest cancelled", []*Order{o(1, 10, lead, StateSigned), o(2, 20, assist, StateDispatched)},
			[]OrderSpec{spec(10, lead)}, "retime:1 cancel:2"},
		{"more units: added", []*Order{o(1, 10, lead, StateSigned)},
			[]OrderSpec{spec(10, lead), spec(40, assist)}, "retime:1 add:40/assist"},
		{"fed back and closed stay", []*Order{o(1, 10, lead, StateFedBack), o(2, 20, assist, StateClosed)},
			[]OrderSpec{spec(30, lead)}, "add:30/lead"},
		{"ended orders are not counted", []*Order{o(1, 10, lead, StateRerouted), o(2, 11, lead, StateReturned)},
			[]OrderSpec{spec(10, lead)}, "reroute:2→10"},
		{"same unit, now assisting: the lead goes to the new lead, the unit assists anew", []*Order{o(1, 10, lead, StateSigned)},
			[]OrderSpec{spec(30, lead), spec(10, assist)}, "reroute:1→30 add:10/assist"},
		{"redirect: nothing wanted, all open cancelled", []*Order{o(1, 10, lead, StateSigned), o(2, 20, assist, StateFedBack)},
			nil, "cancel:1"},
	} {
		if got := show(PlanRedecision(tc.orders, tc.want)); got != tc.plan {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.plan)
		}
	}
}
