package fenliu

import (
	"testing"
	"time"
)

func TestTimers(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	o := &Order{State: StateDispatched, DispatchedAt: t0, SignDue: at(30 * time.Minute), FeedbackDue: at(24 * time.Hour), CloseDue: at(72 * time.Hour)}
	got := Timers(o)
	want := []Timer{
		{TimerWarnSign, t0.Add(24 * time.Minute)}, {TimerOverSign, t0.Add(30 * time.Minute)}, {TimerEscalate, t0.Add(60 * time.Minute)},
		{TimerWarnClose, t0.Add(time.Duration(float64(72*time.Hour) * 0.8))}, {TimerOverClose, t0.Add(72 * time.Hour)},
	}
	if len(got) != len(want) {
		t.Fatalf("timers = %v", got)
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || !got[i].At.Equal(want[i].At) {
			t.Errorf("timer %d = %v, want %v", i, got[i], want[i])
		}
	}
	o.State = StateSigned
	got = Timers(o)
	if got[0].Kind != TimerWarnFeedback || !got[1].At.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("signed timers = %v", got)
	}
	for _, st := range []OrderState{StateClosed, StateVisited, StateCancelled, StateRerouted, StateReturned} {
		o.State = st
		if ts := Timers(o); len(ts) != 0 {
			t.Errorf("%s has timers %v", st, ts)
		}
	}
	if ts := Timers(&Order{State: StateDispatched, DispatchedAt: t0}); len(ts) != 0 {
		t.Errorf("no limits, timers %v", ts)
	}
}

func TestStillDueAndOverdue(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	due := t0.Add(time.Hour)
	for _, tc := range []struct {
		state OrderState
		kind  TimerKind
		now   time.Time
		still bool
	}{
		{StateDispatched, TimerOverSign, t0, true},
		{StateSigned, TimerOverSign, t0, false}, // signed since: the sign timer does nothing
		{StateSigned, TimerOverFeedback, t0, true},
		{StateFedBack, TimerOverFeedback, t0, false},
		{StateFedBack, TimerOverClose, t0, true},
		{StateClosed, TimerOverClose, t0, false},
		{StateDispatched, TimerEscalate, t0.Add(2 * time.Hour), true},
		{StateDispatched, TimerEscalate, t0.Add(30 * time.Minute), false},
		{StateSigned, TimerEscalate, t0.Add(2 * time.Hour), false}, // signed: no sign escalation
	} {
		o := &Order{State: tc.state, DispatchedAt: t0, SignDue: &due}
		if got := StillDue(o, tc.kind, tc.now); got != tc.still {
			t.Errorf("%s/%s at %v: %v", tc.state, tc.kind, tc.now.Sub(t0), got)
		}
	}
}

func TestEscalateByHistory(t *testing.T) {
	for _, tc := range []struct {
		returns, reopens, units int
		want                    bool
	}{{0, 0, 1, false}, {2, 0, 2, false}, {1, 2, 1, true}, {0, 3, 1, true}, {0, 0, 3, true}} {
		if got := EscalateByHistory(&Order{Returns: tc.returns, Reopens: tc.reopens}, tc.units); got != tc.want {
			t.Errorf("%+v: %v", tc, got)
		}
	}
	if n := NoticesFor(TimerOverFeedback); len(n) != 2 || n[1] != NoticeSupervision {
		t.Errorf("notices = %v", n)
	}
}
