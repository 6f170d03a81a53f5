package metrics

import (
	"math"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
)

var t0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { v := t0.Add(d); return &v }

// order builds an order dispatched at t0 with limits sign 30m, feedback 4h,
// close 24h, then lets mod set what happened.
func order(mod func(o *fenliu.Order)) *fenliu.Order {
	o := &fenliu.Order{State: fenliu.StateDispatched, DispatchedAt: t0, SignDue: at(30 * time.Minute),
		FeedbackDue: at(4 * time.Hour), CloseDue: at(24 * time.Hour)}
	if mod != nil {
		mod(o)
	}
	return o
}

func val(r Rate) float64 {
	if r.Value == nil {
		return math.NaN()
	}
	return *r.Value
}

func TestRatesOnHandBuiltHistories(t *testing.T) {
	yes, no := true, false
	asOf := t0.Add(48 * time.Hour)
	orders := []OrderFact{
		// 1. Signed in 10 min, fed back in 2 h, closed in 20 h, satisfied.
		{Order: order(func(o *fenliu.Order) {
			o.State, o.SignedAt, o.FeedbackAt, o.ClosedAt = fenliu.StateVisited, at(10*time.Minute), at(2*time.Hour), at(20*time.Hour)
			o.Solved, o.Satisfaction = &yes, fenliu.Satisfied
		}), UnitType: fenliu.UTUrbanManagement},
		// 2. Signed late (45 min), fed back late (5 h), closed late (30 h), basically satisfied.
		{Order: order(func(o *fenliu.Order) {
			o.State, o.SignedAt, o.FeedbackAt, o.ClosedAt = fenliu.StateVisited, at(45*time.Minute), at(5*time.Hour), at(30*time.Hour)
			o.Solved, o.Satisfaction = &yes, fenliu.BasicSatisfied
		}), UnitType: fenliu.UTUrbanManagement},
		// 3. Still open: never signed (past every limit) — due, not done.
		{Order: order(nil), UnitType: fenliu.UTHousing},
		// 4. Reopened after an unsatisfied callback: not closed now, flow-back, complaint.
		{Order: order(func(o *fenliu.Order) {
			o.State, o.SignedAt, o.FeedbackAt, o.Reopens, o.Complaint = fenliu.StateReopened, at(5*time.Minute), at(time.Hour), 1, true
			o.Solved, o.Satisfaction = &no, fenliu.Unsatisfied
		}), UnitType: fenliu.UTMediation},
		// 5. Moved between units: returned and re-routed — flow-back only.
		{Order: order(func(o *fenliu.Order) {
			o.State, o.SignedAt, o.Returns = fenliu.StateRerouted, at(20*time.Minute), 1
		}), UnitType: fenliu.UTHousing},
		// 6. Cancelled: not assessed at all.
		{Order: order(func(o *fenliu.Order) { o.State = fenliu.StateCancelled })},
		// 7. Dispatched an hour before the report: nothing due yet but signing.
		{Order: &fenliu.Order{State: fenliu.StateSigned, DispatchedAt: asOf.Add(-time.Hour), SignedAt: ptr(asOf.Add(-50 * time.Minute)),
			SignDue: ptr(asOf.Add(-30 * time.Minute)), FeedbackDue: ptr(asOf.Add(3 * time.Hour)), CloseDue: ptr(asOf.Add(23 * time.Hour))}, RepeatCalled: true},
	}
	var c Counts
	for _, f := range orders {
		c.AddOrder(f, asOf)
	}
	for _, f := range []IncidentFact{
		{Disposition: fenliu.DispDivert, NonPolice: true},
		{Disposition: fenliu.DispRedirect, NonPolice: true},
		{Disposition: fenliu.DispPolice, NonPolice: true, Repeat: true}, // a non-police matter still answered with officers
		{Disposition: fenliu.DispPolice},                                // a police matter: not in the diversion rate
		{Disposition: "", NonPolice: true},                              // undecided: not yet counted
	} {
		c.AddIncident(f)
	}
	r := Compute(&c)
	for _, tc := range []struct {
		name     string
		rate     Rate
		num, den int
	}{
		{"sign-for (on time) = signed within limit / dispatched", r.SignFor, 4, 6},        // 1, 4, 5, 7 on time; 2 late; 3 never
		{"sign-for (any time)", r.SignForAny, 5, 6},                                       // all but 3
		{"feedback = fed back on time / due", r.Feedback, 2, 4},                           // due: 1,2,3,4 (5 re-routed, 7 not due); on time: 1,4
		{"completion = closed / due", r.Completion, 2, 4},                                 // due: 1,2,3,4; closed: 1,2
		{"on-time completion", r.OnTimeCompletion, 1, 4},                                  // only 1
		{"flow-back = returned, reopened or called again / dispatched", r.FlowBack, 3, 6}, // 4, 5, 7
		{"complaint", r.Complaint, 1, 6},
		{"satisfaction = (satisfied + basic) / rated", r.Satisfaction, 2, 3},
		{"solved", r.Solved, 2, 3},
		{"mediation success", r.Mediation, 0, 1},
		{"diversion = non-police diverted or redirected / non-police decided", r.Diversion, 2, 3},
		{"police dispatch for non-police matters", r.PoliceDispatch, 1, 3},
		{"repeat-call = repeats / incidents", r.Repeat, 1, 5},
	} {
		if tc.rate.Num != tc.num || tc.rate.Den != tc.den {
			t.Errorf("%s: %d/%d, want %d/%d", tc.name, tc.rate.Num, tc.rate.Den, tc.num, tc.den)
		}
		if tc.den > 0 && math.Abs(val(tc.rate)-float64(tc.num)/float64(tc.den)) > 1e-12 {
			t.Errorf("%s: value %v", tc.name, val(tc.rate))
		}
	}
	// Times: signed after 10, 45, 5, 20 and 10 minutes → mean 18, p90 (nearest rank, 5 values) = 45.
	if r.TimeToSign.N != 5 || math.Abs(*r.TimeToSign.Mean-18) > 1e-9 || *r.TimeToSign.P90 != 45 {
		t.Errorf("time to sign = %+v mean %v p90 %v", r.TimeToSign, *r.TimeToSign.Mean, *r.TimeToSign.P90)
	}
	if r.TimeToClose.N != 2 || *r.TimeToClose.P90 != 30*60 {
		t.Errorf("time to close = %+v", r.TimeToClose)
	}
}

func ptr(t time.Time) *time.Time { return &t }

func TestEmptyRatesAreUndefined(t *testing.T) {
	r := Compute(&Counts{})
	if r.SignFor.Value != nil || r.Satisfaction.Value != nil || r.TimeToSign.Mean != nil || Score(r, DefaultWeights) != nil {
		t.Fatal("rates of nothing must be undefined, not 0")
	}
}

func TestMergeAndScore(t *testing.T) {
	var a, b Counts
	a.AddOrder(OrderFact{Order: order(func(o *fenliu.Order) { o.State, o.SignedAt = fenliu.StateSigned, at(time.Minute) })}, t0.Add(time.Hour))
	b.AddOrder(OrderFact{Order: order(nil)}, t0.Add(time.Hour))
	a.Merge(&b)
	r := Compute(&a)
	if r.SignFor.Num != 1 || r.SignFor.Den != 2 || r.TimeToSign.N != 1 {
		t.Fatalf("merged: %+v", r.SignFor)
	}
	// Only sign-for (0.5) and flow-back (0 → counts as 1) and complaint (0 → 1) are defined:
	// (20×0.5 + 10×1 + 10×1) / 40 × 100 = 75.
	if s := Score(r, DefaultWeights); s == nil || math.Abs(*s-75) > 1e-9 {
		t.Fatalf("score = %v", s)
	}
}

// TestDrillDownAgreesWithRates: counting orders by RateMembers gives the
// same numerators and denominators as Compute, for every order rate.
func TestDrillDownAgreesWithRates(t *testing.T) {
	yes := true
	asOf := t0.Add(48 * time.Hour)
	var facts []OrderFact
	for i, mod := range []func(o *fenliu.Order){
		nil,
		func(o *fenliu.Order) { o.State, o.SignedAt = fenliu.StateSigned, at(time.Minute) },
		func(o *fenliu.Order) {
			o.State, o.SignedAt, o.FeedbackAt, o.ClosedAt, o.Solved, o.Satisfaction = fenliu.StateVisited, at(40*time.Minute), at(time.Hour), at(2*time.Hour), &yes, fenliu.Satisfied
		},
		func(o *fenliu.Order) { o.State, o.Returns = fenliu.StateRerouted, 1 },
		func(o *fenliu.Order) { o.State, o.Complaint, o.Reopens = fenliu.StateReopened, true, 2 },
	} {
		ut := fenliu.UTHousing
		if i == 2 {
			ut = fenliu.UTMediation
		}
		facts = append(facts, OrderFact{Order: order(mod), UnitType: ut})
	}
	var c Counts
	for _, f := range facts {
		c.AddOrder(f, asOf)
	}
	r := Compute(&c)
	byName := map[string]Rate{"sign_for": r.SignFor, "sign_for_any": r.SignForAny, "feedback": r.Feedback, "completion": r.Completion,
		"on_time_completion": r.OnTimeCompletion, "flow_back": r.FlowBack, "complaint": r.Complaint, "satisfaction": r.Satisfaction,
		"solved": r.Solved, "mediation": r.Mediation, "one_contact": r.OneContact, "arrive_on_time": r.ArriveOnTime,
		"partner_engaged": r.PartnerEngaged}
	for name, fns := range RateMembers {
		num, den := 0, 0
		for _, f := range facts {
			m := Membership(f, asOf)
			if fns[0](m) {
				num++
			}
			if fns[1](m) {
				den++
			}
		}
		if rate := byName[name]; rate.Num != num || rate.Den != den {
			t.Errorf("%s: drill-down %d/%d, rates %d/%d", name, num, den, rate.Num, rate.Den)
		}
	}
	if len(RateMembers) != len(byName) {
		t.Errorf("RateMembers has %d rates, test knows %d", len(RateMembers), len(byName))
	}
}
