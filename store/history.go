package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
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
	Disposition string
}

var historyIncidentCols = []string{"id", "tracking_no", "channel", "channel_ref", "received_at", "text", "area_id", "attachments",
	"recorded_by", "created_at", "disposition", "category", "decided_at", "repeat_of", "changed_at"}

var historyOrderCols = []string{"id", "incident_id", "unit_id", "role", "state", "version", "dispatched_at", "signed_at",
	"arrived_at", "feedback_at", "closed_at", "callback_at", "updated_at", "feedback", "solved", "satisfaction", "returns",
	"reopens", "sign_due", "arrive_due", "feedback_due", "close_due", "complaint", "escalated"}

// GenerateHistory appends spec's history after the incidents and orders
// already stored, calling progress now and then with the orders written.
func (db *DB) GenerateHistory(ctx context.Context, spec HistorySpec, progress func(int)) error {
	if spec.Orders <= 0 || len(spec.Units) == 0 || len(spec.Areas) == 0 || len(spec.Categories) == 0 || !spec.To.After(spec.From) {
		return fmt.Errorf("history: nothing to generate from %+v", spec)
	}
	var maxInc, maxOrd sql.NullInt64
	if err := db.w.QueryRowContext(ctx, `SELECT MAX(id) FROM incidents`).Scan(&maxInc); err != nil {
		return err
	}
	if err := db.w.QueryRowContext(ctx, `SELECT MAX(id) FROM orders`).Scan(&maxOrd); err != nil {
		return err
	}
	g := &historyGen{spec: spec, rng: rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x51ed)), incID: maxInc.Int64, ordID: maxOrd.Int64}
	g.step = float64(spec.To.Sub(spec.From)) / float64(spec.Orders)
	const batch = 100_000
	for g.orders < spec.Orders {
		n := min(batch, spec.Orders-g.orders)
		incs, ords := g.next(n)
		var err error
		if db.Driver == "postgres" {
			err = db.copyRows(ctx, incs, ords)
		} else {
			err = db.insertRows(ctx, incs, ords)
		}
		if err != nil {
			return err
		}
		if progress != nil {
			progress(g.orders)
		}
	}
	if db.Driver == "postgres" {
		for _, t := range []string{"incidents", "orders"} {
			if _, err := db.w.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return err
			}
		}
		if _, err := db.w.ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
	} else if _, err := db.w.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	return nil
}

type historyGen struct {
	spec         HistorySpec
	rng          *rand.Rand
	step         float64
	incID, ordID int64
	orders       int
}

func (g *historyGen) pick(n int) int { return g.rng.IntN(n) }

func ms64(t time.Time) int64 { return t.UnixMilli() }

func (g *historyGen) minutes(mean float64) time.Duration {
	return time.Duration(-mean * math.Log(1-g.rng.Float64()) * float64(time.Minute))
}

// next makes incidents until n more orders exist.
func (g *historyGen) next(n int) (incs, ords [][]any) {
	s := g.spec
	nowMS := ms64(s.Now)
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
			if disp == "police" {
				disp = "divert"
			} else {
				disp = "police"
			}
		}
		var repeat any
		if g.rng.Float64() < 0.04 && g.incID > 50 {
			repeat = g.incID - 1 - int64(g.pick(40))
		}
		rec := ms64(at)
		incs = append(incs, []any{g.incID, fmt.Sprintf("B%010d", g.incID), "api", fmt.Sprintf("bench-%d", g.incID), rec,
			"基准测试生成的警情", s.Areas[g.pick(len(s.Areas))], "[]", s.RecordedBy, rec, disp, cat.Code, rec + 60_000, repeat, rec})
		if disp != "divert" {
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
	role := "lead"
	if k > 0 {
		role = "assist"
	}
	dd := ms64(d)
	signDue, arriveDue, fbDue, closeDue := dd+30*60_000, dd+2*3600_000, dd+24*3600_000, dd+72*3600_000
	var signed, arrived, fb, closed, cb, solved any
	sat, state, feedback := "", "dispatched", ""
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
			state = "signed"
			if g.rng.Float64() < 0.5 {
				if arrived = at(t + g.minutes(40).Milliseconds()); arrived != nil {
					state = "arrived"
				}
			}
			if g.rng.Float64() < 0.03 { // returned as not the unit's own, re-routed elsewhere
				returns = 1
				state = "rerouted"
				last = max(last, t+g.minutes(60).Milliseconds())
			} else if fb = at(t + g.minutes(600).Milliseconds()); fb != nil {
				state, feedback = "fed_back", "已处理"
				if closed = at(fb.(int64) + g.minutes(240).Milliseconds()); closed != nil {
					state = "closed"
					if cb = at(closed.(int64) + g.minutes(900).Milliseconds()); cb != nil && g.rng.Float64() < 0.9 {
						state = "visited"
						ok := g.rng.Float64() < 0.9
						solved = ok
						switch x := g.rng.Float64(); {
						case x < 0.82:
							sat = "satisfied"
						case x < 0.94:
							sat = "basic_satisfied"
						default:
							sat = "unsatisfied"
						}
						if !ok || sat == "unsatisfied" {
							reopens, state = 1, "reopened"
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
		state = "cancelled"
		last = dd + 10*60_000
	}
	if last > nowMS {
		last = nowMS
	}
	return []any{g.ordID, g.incID, s.Units[g.pick(len(s.Units))], role, state, 1, dd, signed, arrived, fb, closed, cb, last,
		feedback, solved, sat, returns, reopens, signDue, arriveDue, fbDue, closeDue, complaint, false}
}

func (db *DB) insertRows(ctx context.Context, incs, ords [][]any) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"incidents", historyIncidentCols, incs}, {"orders", historyOrderCols, ords}} {
		q := "INSERT INTO " + t.table + " (" + join(t.cols) + ") VALUES (" + marks(len(t.cols)) + ")"
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range t.rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				st.Close()
				return fmt.Errorf("%s: %w", t.table, err)
			}
		}
		st.Close()
	}
	return tx.Commit()
}

func (db *DB) copyRows(ctx context.Context, incs, ords [][]any) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"incidents"}, historyIncidentCols, pgx.CopyFromRows(incs)); err != nil {
			return fmt.Errorf("copy incidents: %w", err)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"orders"}, historyOrderCols, pgx.CopyFromRows(ords)); err != nil {
			return fmt.Errorf("copy orders: %w", err)
		}
		return tx.Commit(ctx)
	})
}

func join(cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

// CountOrders returns how many work orders are stored.
func (q *Q) CountOrders(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n)
	return n, mapErr(err)
}

// BusiestUnit returns the unit with the most orders in the last 30 days
// of those stored.
func (q *Q) BusiestUnit(ctx context.Context) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT unit_id FROM orders WHERE dispatched_at >= (SELECT MAX(dispatched_at) FROM orders) - ?
		GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1`, int64(30*24*3600_000)).Scan(&id)
	return id, mapErr(err)
}
