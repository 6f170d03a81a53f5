package metrics

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
)

// randomOrders builds orders in every kind of state, some still short of
// their limits at t0+2h.
func randomOrders(n int, seed int64) []OrderFact {
	r := rand.New(rand.NewSource(seed))
	yes := true
	states := []fenliu.OrderState{fenliu.StateDispatched, fenliu.StateSigned, fenliu.StateFedBack, fenliu.StateClosed,
		fenliu.StateVisited, fenliu.StateReopened, fenliu.StateRerouted, fenliu.StateCancelled}
	var out []OrderFact
	for i := 0; i < n; i++ {
		st := states[r.Intn(len(states))]
		out = append(out, OrderFact{Order: order(func(o *fenliu.Order) {
			o.State = st
			if r.Intn(3) == 0 {
				o.FeedbackDue, o.CloseDue = at(time.Duration(r.Intn(600))*time.Minute), at(time.Duration(r.Intn(3000))*time.Minute)
			}
			if st != fenliu.StateDispatched {
				o.SignedAt = at(time.Duration(r.Intn(90)) * time.Minute)
			}
			if st == fenliu.StateFedBack || st == fenliu.StateClosed || st == fenliu.StateVisited {
				o.FeedbackAt = at(time.Duration(r.Intn(400)) * time.Minute)
			}
			if st == fenliu.StateClosed || st == fenliu.StateVisited {
				o.ClosedAt = at(time.Duration(r.Intn(2000)) * time.Minute)
			}
			if st == fenliu.StateVisited {
				o.Solved, o.Satisfaction = &yes, fenliu.Satisfied
			}
		}), UnitType: fenliu.UTHousing, RepeatCalled: r.Intn(5) == 0})
	}
	return out
}

// TestSettleMatchesLiveCount: counts made at t1 with their pending limits,
// carried forward to t2 (also through Encode/Decode and Merge), equal the
// counts made directly at t2 — the property the report rollups rest on.
func TestSettleMatchesLiveCount(t *testing.T) {
	facts := randomOrders(400, 7)
	for _, tc := range []struct{ t1, t2 time.Duration }{
		{0, 0}, {0, 2 * time.Hour}, {time.Hour, 5 * time.Hour}, {2 * time.Hour, 30 * time.Hour},
		{3 * time.Hour, 3 * time.Hour}, {10 * time.Minute, 100 * time.Hour},
	} {
		t1, t2 := t0.Add(tc.t1), t0.Add(tc.t2)
		var live Counts
		for _, f := range facts {
			live.AddOrder(f, t2)
		}
		// Build in two halves, encode each, decode, merge, settle.
		var a, b Counts
		for i, f := range facts {
			if i%2 == 0 {
				a.AddOrderPending(f, t1)
			} else {
				b.AddOrderPending(f, t1)
			}
		}
		ea, err := a.Encode()
		if err != nil {
			t.Fatal(err)
		}
		eb, _ := b.Encode()
		da, err := Decode(ea)
		if err != nil {
			t.Fatal(err)
		}
		db, _ := Decode(eb)
		got := da.Clone()
		got.Merge(db)
		got.Settle(t2)
		if got.Pendings() == 0 && tc.t1 < tc.t2 && tc.t2 < 10*time.Hour {
			// not a failure by itself, but the case should exercise pendings
			t.Logf("%v→%v: no pending limits left", tc.t1, tc.t2)
		}
		if !reflect.DeepEqual(Compute(got), Compute(&live)) {
			t.Errorf("%v→%v: settled rates\n%+v\nlive rates\n%+v", tc.t1, tc.t2, Compute(got), Compute(&live))
		}
		gw, lw := *got, live
		gw.fbFlips, gw.clFlips, lw.fbFlips, lw.clFlips = nil, nil, nil, nil
		if gw.FeedbackDue != lw.FeedbackDue || gw.CloseDue != lw.CloseDue || gw.Dispatched != lw.Dispatched {
			t.Errorf("%v→%v: counts %+v, live %+v", tc.t1, tc.t2, gw, lw)
		}
	}
	// The case t1 < t2 must actually carry pendings forward.
	var c Counts
	for _, f := range facts {
		c.AddOrderPending(f, t0)
	}
	if c.Pendings() == 0 {
		t.Fatal("no order was pending at t0: the test does not exercise Settle")
	}
}

func TestBucket(t *testing.T) {
	for _, tc := range []struct {
		min  float64
		want int32
	}{{-3, 0}, {0, 0}, {0.5, 0}, {10, 10}, {45.9, 45}, {119.99, 119}, {120, 120}, {123, 120}, {1439, 1435},
		{1440, 1440}, {1800, 1800}, {1829, 1800}, {10080, 10080}, {10500, 10440}} {
		if got := Bucket(tc.min); got != tc.want {
			t.Errorf("Bucket(%v) = %d, want %d", tc.min, got, tc.want)
		}
	}
}

// TestEncodeCoversEveryCounter: a counter added to Counts but not to the
// encoding would be lost in the rollups.
func TestEncodeCoversEveryCounter(t *testing.T) {
	var c Counts
	n := 0
	rt := reflect.TypeOf(c)
	for i := 0; i < rt.NumField(); i++ {
		if rt.Field(i).IsExported() && rt.Field(i).Type.Kind() == reflect.Int {
			n++
		}
	}
	if got := len(c.ints(formatVersion)); got != n {
		t.Fatalf("Counts has %d counters, the encoding %d", n, got)
	}
	for i, p := range c.ints(formatVersion) {
		*p = i + 1
	}
	b, _ := c.Encode()
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.ints(formatVersion), c.ints(formatVersion)) && !reflect.DeepEqual(*d, c) {
		for i, p := range d.ints(formatVersion) {
			if *p != i+1 {
				t.Errorf("counter %d decoded as %d", i, *p)
			}
		}
	}
}

// FuzzDecode: corrupt rollup bytes are an error, never a panic.
func FuzzDecode(f *testing.F) {
	var c Counts
	for _, fact := range randomOrders(50, 3) {
		c.AddOrderPending(fact, t0)
	}
	b, _ := c.Encode()
	f.Add(b)
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Decode(b)
		if err != nil {
			return
		}
		again, _ := d.Encode()
		if d2, err := Decode(again); err != nil || !reflect.DeepEqual(Compute(d2), Compute(d)) {
			t.Fatalf("re-encoding changed the counts: %v", err)
		}
	})
}
