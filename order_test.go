package fenliu

import (
	"testing"
	"time"
)

func TestTransitionTable(t *testing.T) {
	// Every (state, action) pair: the target state, or "" if refused.
	want := map[OrderState]map[Action]OrderState{
		StateDispatched: {ActSign: StateSigned, ActReturn: StateReturned, ActCancel: StateCancelled, ActReroute: StateRerouted, ActHandDown: StateRerouted},
		StateSigned:     {ActArrive: StateArrived, ActFeedback: StateFedBack, ActReturn: StateReturned, ActCancel: StateCancelled, ActReroute: StateRerouted, ActHandDown: StateRerouted},
		StateArrived:    {ActFeedback: StateFedBack, ActCancel: StateCancelled, ActReroute: StateRerouted},
		StateFedBack:    {ActVerify: StateClosed, ActReopen: StateReopened, ActCancel: StateCancelled},
		StateClosed:     {ActReopen: StateReopened, ActCallback: StateVisited},
		StateVisited:    {ActReopen: StateReopened},
		StateReopened:   {ActArrive: StateArrived, ActFeedback: StateFedBack, ActCancel: StateCancelled, ActReroute: StateRerouted},
		StateReturned:   {ActReroute: StateRerouted, ActCancel: StateCancelled, ActReject: StateDispatched},
		StateRerouted:   {},
		StateCancelled:  {},
	}
	for _, s := range OrderStates {
		for _, a := range Actions {
			got, err := Transition(s, a)
			exp := want[s][a]
			if exp == "" {
				if err == nil {
					t.Errorf("%s --%s--> %s allowed, want refused", s, a, got)
					continue
				}
				e := err.(*Error)
				if e.Code != EInvalidTransition || e.ZH == "" || e.EN != "cannot "+string(a)+" an order in state "+string(s) {
					t.Errorf("%s/%s: error %+v", s, a, e)
				}
				continue
			}
			if err != nil || got != exp {
				t.Errorf("%s --%s--> %s, %v; want %s", s, a, got, err, exp)
			}
		}
		if s.Final() != (len(want[s]) == 0) {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
	}
	if _, err := Transition(StateSigned, Action("fly")); ErrorCode(err) != EInvalid {
		t.Errorf("unknown action: %v", err)
	}
}

func TestApply(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	yes, no := true, false
	for _, tc := range []struct {
		name    string
		from    OrderState
		action  Action
		in      ActionInput
		state   OrderState
		check   func(o *Order, e *Event) bool
		refused bool
	}{
		{name: "sign", from: StateDispatched, action: ActSign, state: StateSigned,
			check: func(o *Order, e *Event) bool { return o.SignedAt.Equal(now) && e.FromState == StateDispatched }},
		{name: "feedback keeps text", from: StateArrived, action: ActFeedback, in: ActionInput{Note: "已劝离"}, state: StateFedBack,
			check: func(o *Order, e *Event) bool {
				return o.Feedback == "已劝离" && o.FeedbackAt.Equal(now) && e.Note == "已劝离"
			}},
		{name: "verify closes", from: StateFedBack, action: ActVerify, state: StateClosed,
			check: func(o *Order, e *Event) bool { return o.ClosedAt.Equal(now) }},
		{name: "satisfied callback ends", from: StateClosed, action: ActCallback,
			in: ActionInput{Solved: &yes, Satisfaction: BasicSatisfied}, state: StateVisited,
			check: func(o *Order, e *Event) bool { return *o.Solved && o.Reopens == 0 && e.Data["reopened"] == nil }},
		{name: "unsatisfied callback reopens", from: StateClosed, action: ActCallback,
			in: ActionInput{Solved: &yes, Satisfaction: Unsatisfied}, state: StateReopened,
			check: func(o *Order, e *Event) bool {
				return o.Reopens == 1 && o.ClosedAt == nil && e.Data["reopened"] == true
			}},
		{name: "very unsatisfied (five levels) reopens", from: StateClosed, action: ActCallback,
			in: ActionInput{Solved: &yes, Satisfaction: VeryUnsatisfied}, state: StateReopened,
			check: func(o *Order, e *Event) bool { return o.Reopens == 1 }},
		{name: "very satisfied ends", from: StateClosed, action: ActCallback,
			in: ActionInput{Solved: &yes, Satisfaction: VerySatisfied}, state: StateVisited,
			check: func(o *Order, e *Event) bool { return o.Reopens == 0 }},
		{name: "unsolved callback reopens", from: StateClosed, action: ActCallback,
			in: ActionInput{Solved: &no, Satisfaction: Satisfied, Complaint: true}, state: StateReopened,
			check: func(o *Order, e *Event) bool { return o.Reopens == 1 && e.Data["complaint"] == true }},
		{name: "return counts", from: StateSigned, action: ActReturn, in: ActionInput{Note: "非本单位职责"}, state: StateReturned,
			check: func(o *Order, e *Event) bool { return o.Returns == 1 }},
		{name: "reroute names unit", from: StateReturned, action: ActReroute, in: ActionInput{Note: "改派", UnitID: 7}, state: StateRerouted,
			check: func(o *Order, e *Event) bool { return e.Data["to_unit"] == int64(7) }},
		{name: "reopen after feedback", from: StateFedBack, action: ActReopen, in: ActionInput{Note: "反馈不实"}, state: StateReopened,
			check: func(o *Order, e *Event) bool { return o.Reopens == 1 }},
		{name: "no feedback before signing", from: StateDispatched, action: ActFeedback, in: ActionInput{Note: "x"}, refused: true},
		{name: "no callback twice", from: StateVisited, action: ActCallback, in: ActionInput{Solved: &yes, Satisfaction: Satisfied}, refused: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &Order{ID: 3, IncidentID: 9, State: tc.from}
			e, err := Apply(o, tc.action, tc.in, now)
			if tc.refused {
				if err == nil || o.State != tc.from {
					t.Fatalf("allowed: state %s", o.State)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.State != tc.state || e.ToState != tc.state || e.Kind != EventKind(tc.action) || e.OrderID != 3 || e.IncidentID != 9 || !o.UpdatedAt.Equal(now) {
				t.Fatalf("order %+v event %+v", o, e)
			}
			if !tc.check(o, e) {
				t.Errorf("check failed: order %+v event %+v", o, e)
			}
		})
	}
}

func TestPermissions(t *testing.T) {
	order := &Order{UnitID: 5}
	own := &User{Role: RoleUnitStaff, UnitID: 5}
	other := &User{Role: RoleUnitStaff, UnitID: 6}
	for _, tc := range []struct {
		u    *User
		a    Action
		code string
	}{
		{own, ActSign, ""}, {own, ActFeedback, ""}, {own, ActReturn, ""},
		{other, ActSign, ENotFound}, {own, ActVerify, EForbidden}, {own, ActCallback, EForbidden},
		{&User{Role: RoleCallTaker}, ActVerify, ""}, {&User{Role: RoleCallTaker}, ActSign, EForbidden},
		{&User{Role: RoleLinkageDesk}, ActReroute, ""}, {&User{Role: RoleCallback}, ActCallback, ""},
		{&User{Role: RoleCallback}, ActVerify, EForbidden}, {&User{Role: RoleLeader}, ActSign, EForbidden},
		{&User{Role: RoleLeader}, ActCancel, EForbidden}, {&User{Role: RoleSupervisor}, ActSign, ""},
		{&User{Role: RoleAdmin}, ActCallback, ""},
	} {
		err := CanAct(tc.u, tc.a, order)
		if got := codeOf(err); got != tc.code {
			t.Errorf("%s/unit %d %s: %v, want %q", tc.u.Role, tc.u.UnitID, tc.a, err, tc.code)
		}
	}
	if CanSeeOrder(other, order) == nil || CanSeeOrder(own, order) != nil || CanSeeOrder(&User{Role: RoleLeader}, order) != nil {
		t.Error("CanSeeOrder")
	}
	if CanDecide(&User{Role: RoleUnitStaff}) == nil || CanDecide(&User{Role: RoleLinkageDesk}) != nil {
		t.Error("CanDecide")
	}
	if CanIntake(&User{Role: RoleLeader}) == nil || CanIntake(&User{Role: RoleCallTaker}) != nil {
		t.Error("CanIntake")
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return ErrorCode(err)
}

func TestInputValidation(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	lat := 22.0
	future := now.Add(time.Hour)
	for _, tc := range []struct {
		name  string
		in    IncidentInput
		field string
	}{
		{"ok", IncidentInput{Channel: Channel110, Text: " 楼下太吵 "}, ""},
		{"bad channel", IncidentInput{Channel: "fax", Text: "x"}, "channel"},
		{"no text", IncidentInput{Channel: Channel110, Text: "  "}, "text"},
		{"bad utf8", IncidentInput{Channel: Channel110, Text: "ab\xff"}, "text"},
		{"long text", IncidentInput{Channel: Channel110, Text: string(make([]rune, MaxTextRunes+1))}, "text"},
		{"bad phone", IncidentInput{Channel: Channel110, Text: "x", CallerPhone: "call me"}, "caller_phone"},
		{"half coords", IncidentInput{Channel: Channel110, Text: "x", Lat: &lat}, "lat"},
		{"future", IncidentInput{Channel: Channel110, Text: "x", ReceivedAt: &future}, "received_at"},
		{"bad attachment", IncidentInput{Channel: Channel110, Text: "x", Attachments: []Attachment{{Kind: "exe", URI: "a"}}}, "attachments"},
	} {
		err := tc.in.Validate(now)
		if tc.field == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Field != tc.field || e.Code != EInvalid || e.ZH == "" || e.EN == "" {
			t.Errorf("%s: %#v, want field %s", tc.name, err, tc.field)
		}
	}
	d := DecisionInput{Disposition: DispRedirect}
	if err := d.Validate(""); codeOf(err) != EInvalid {
		t.Error("redirect without hotline accepted")
	}
	d = DecisionInput{Disposition: DispDivert}
	if err := d.Validate(DispPolice); err == nil {
		t.Error("change without reason accepted")
	}
	dis := DispatchInput{Orders: []OrderSpec{{UnitID: 1, Role: OrderLead}, {UnitID: 2, Role: OrderLead}}}
	if err := dis.Validate(); err == nil {
		t.Error("two leads accepted")
	}
	dis = DispatchInput{Orders: []OrderSpec{{UnitID: 1, Role: OrderLead}, {UnitID: 1, Role: OrderAssist}}}
	if err := dis.Validate(); err == nil {
		t.Error("unit twice accepted")
	}
	a := ActionInput{}
	if err := a.Validate(ActReturn); err == nil {
		t.Error("return without reason accepted")
	}
	if err := a.Validate(ActCallback); err == nil {
		t.Error("callback without result accepted")
	}
	if err := a.Validate(ActSign); err != nil {
		t.Error(err)
	}
}
