package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// HistorySpec describes a synthetic history of incidents and work orders,
// for measuring reports at the scale of a province over years
// (`fenliu bench-dashboard`). It is never used by the server.
type HistorySpec struct {
	Orders     int       // how many work orders
	From, To   time.Time // dispatched in [From, To), evenly with jitter
	Now        time.Time // nothing happens after it
	Units      []int64
	Areas      []int64
	Categories []HistoryCategory
	RecordedBy int64
	Seed       uint64
}

// HistoryCategory is a catalogue category as the generator needs it.
type HistoryCategory struct {
	Code        string
	Disposition fenliu.Disposition
}

var historyIncidentCols = []string{"id", "tracking_no", "channel", "channel_ref", "received_at", "text", "area_id", "attachments",
	"recorded_by", "created_at", "disposition", "category", "decided_at", "repeat_of", "changed_at"}

var historyOrderCols = []string{"id", "incident_id", "unit_id", "role", "state", "version", "dispatched_at", "signed_at",
	"arrived_at", "feedback_at", "closed_at", "callback_at", "updated_at", "feedback", "solved", "satisfaction", "returns",
	"reopens", "sign_due", "arrive_due", "feedback_due", "close_due", "complaint", "escalated", "limits_from", "watch_warn", "watch_due"}

// History appends spec's history after the incidents and orders already
// stored, in batches, calling progress with the orders written so far.
// The orders are played forward as the service layer would have moved
// them (signed, arrived, fed back, closed, called back; some returned and
// re-routed, reopened after an unsatisfied callback, cancelled or never
// signed), but written straight into the tables.
func History(ctx context.Context, db *app.App, spec HistorySpec, progress func(int)) error {
	if spec.Orders <= 0 || len(spec.Units) == 0 || len(spec.Areas) == 0 || len(spec.Categories) == 0 || !spec.To.After(spec.From) {
		return fmt.Errorf("history: nothing to generate from %+v", spec)
	}
	maxInc, err := db.MaxID(ctx, "incidents")
	if err != nil {
		return err
	}
	maxOrd, err := db.MaxID(ctx, "orders")
	if err != nil {
		return err
	}
	g := &historyGen{spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x51ed)), incID: maxInc, ordID: maxOrd}
	g.step = float64(spec.To.Sub(spec.From)) / float64(spec.Orders)
	const batch = 100_000
	for g.orders < spec.Orders {
		incs, ords := g.next(min(batch, spec.Orders-g.orders))
		err := db.BulkInsert(ctx, app.BulkTable{Table: "incidents", Cols: historyIncidentCols, Rows: incs},
			app.BulkTable{Table: "orders", Cols: historyOrderCols, Rows: ords})
		if err != nil {
			return err
		}
		if progress != nil {
			progress(g.orders)
		}
	}
	return db.FinishBulk(ctx)
}

type historyGen struct {
	spec         HistorySpec
	rng          *rand.Rand
	step         float64
	incID, ordID int64
	orders       int
}

func (g *historyGen) pick(n int) int { return g.rng.IntN(n) }

func (g *historyGen) minutes(mean float64) time.Duration {
	return time.Duration(-mean * math.Log(1-g.rng.Float64()) * float64(time.Minute))
}

// next makes incidents until n more orders exist.
func (g *historyGen) next(n int) (incs, ords [][]any) {
	s := g.spec
	nowMS := s.Now.UnixMilli()
	target := g.orders + n
	for g.orders < target {
		at := s.From.Add(time.Duration((float64(g.orders) + g.rng.Float64()) * g.step))
		if !at.Before(s.Now) {
			at = s.Now.Add(-time.Minute)
		}
		g.incID++
		cat := s.Categories[g.pick(len(s.Categories))]
		disp := cat.Disposition
		if g.rng.Float64() < 0.03 { // a non-police matter still answered with officers, or the reverse
			if disp == fenliu.DispPolice {
				disp = fenliu.DispDivert
			} else {
				disp = fenliu.DispPolice
			}
		}
		var repeat any
		if g.rng.Float64() < 0.04 && g.incID > 50 {
			repeat = g.incID - 1 - int64(g.pick(40))
		}
		rec := at.UnixMilli()
		incs = append(incs, []any{g.incID, fmt.Sprintf("B%010d", g.incID), string(fenliu.ChannelAPI), fmt.Sprintf("bench-%d", g.incID), rec,
			"基准测试生成的警情", s.Areas[g.pick(len(s.Areas))], "[]", s.RecordedBy, rec, string(disp), cat.Code, rec + 60_000, repeat, rec})
		if disp != fenliu.DispDivert {
			continue
		}
		count := 1
		if g.rng.Float64() < 0.2 {
			count = 2
		}
		for k := 0; k < count && g.orders < target; k++ {
			g.ordID++
			g.orders++
			ords = append(ords, g.order(at.Add(2*time.Minute), k, nowMS))
		}
	}
	return incs, ords
}

// order makes one order dispatched at d, played forward to now.
func (g *historyGen) order(d time.Time, k int, nowMS int64) []any {
	s := g.spec
	role := fenliu.OrderLead
	if k > 0 {
		role = fenliu.OrderAssist
	}
	dd := d.UnixMilli()
	signDue, arriveDue, fbDue, closeDue := dd+30*60_000, dd+2*3600_000, dd+24*3600_000, dd+72*3600_000
	var signed, arrived, fb, closed, cb, solved any
	sat, state, feedback := fenliu.Satisfaction(""), fenliu.StateDispatched, ""
	returns, reopens, complaint := 0, 0, false
	last := dd
	at := func(t int64) any {
		if t > nowMS {
			return nil
		}
		last = max(last, t)
		return t
	}
	r := g.rng.Float64()
	cancelled := r < 0.02
	neverSigned := r >= 0.02 && r < 0.05
	t := dd + g.minutes(25).Milliseconds()
	if !cancelled && !neverSigned {
		if signed = at(t); signed != nil {
			state = fenliu.StateSigned
			if g.rng.Float64() < 0.5 {
				if arrived = at(t + g.minutes(40).Milliseconds()); arrived != nil {
					state = fenliu.StateArrived
				}
			}
			if g.rng.Float64() < 0.03 { // returned as not the unit's own, re-routed elsewhere
				returns = 1
				state = fenliu.StateRerouted
				last = max(last, t+g.minutes(60).Milliseconds())
			} else if fb = at(t + g.minutes(600).Milliseconds()); fb != nil {
				state, feedback = fenliu.StateFedBack, "已处理"
				if closed = at(fb.(int64) + g.minutes(240).Milliseconds()); closed != nil {
					state = fenliu.StateClosed
					if cb = at(closed.(int64) + g.minutes(900).Milliseconds()); cb != nil && g.rng.Float64() < 0.9 {
						state = fenliu.StateVisited
						ok := g.rng.Float64() < 0.9
						solved = ok
						switch x := g.rng.Float64(); {
						case x < 0.82:
							sat = fenliu.Satisfied
						case x < 0.94:
							sat = fenliu.BasicSatisfied
						default:
							sat = fenliu.Unsatisfied
						}
						if !ok || sat == fenliu.Unsatisfied {
							reopens, state = 1, fenliu.StateReopened
							complaint = g.rng.Float64() < 0.3
						}
					} else {
						cb = nil
					}
				}
			}
		}
	}
	if cancelled {
		state = fenliu.StateCancelled
		last = dd + 10*60_000
	}
	if last > nowMS {
		last = nowMS
	}
	// The supervision times the domain keeps with every order.
	msT := func(v int64) *time.Time { t := time.UnixMilli(v); return &t }
	o := &fenliu.Order{State: state, DispatchedAt: d, LimitsFrom: d, SignDue: msT(signDue), ArriveDue: msT(arriveDue), FeedbackDue: msT(fbDue), CloseDue: msT(closeDue)}
	if a, ok := arrived.(int64); ok {
		o.ArrivedAt = msT(a)
	}
	warn, due := fenliu.Watch(o)
	var warnMS, dueMS any
	if warn != nil {
		warnMS, dueMS = warn.UnixMilli(), due.UnixMilli()
	}
	return []any{g.ordID, g.incID, s.Units[g.pick(len(s.Units))], string(role), string(state), 1, dd, signed, arrived, fb, closed, cb, last,
		feedback, solved, string(sat), returns, reopens, signDue, arriveDue, fbDue, closeDue, complaint, false, dd, warnMS, dueMS}
}
