package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/metrics"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestRollupsMatchLive: a report answered from the rollups is the report
// counted live from the orders — before and after a refresh, after changes
// the rollups have not seen yet, and as the clock moves past pending limits.
func TestRollupsMatchLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cst := time.FixedZone("CST", 8*3600)
		now := time.Date(2027, 1, 15, 15, 30, 0, 0, cst) // the demo's month straddles a new year
		var clock time.Time
		a := app.New(db, app.Options{Now: func() time.Time { return clock }})
		if _, err := demo.Load(ctx, a, now, 160, 3); err != nil {
			t.Fatal(err)
		}
		clock = now
		leader := &fenliu.User{ID: 1, Role: fenliu.RoleLeader}
		type query struct {
			name     string
			from, to time.Time
			unit     int64
		}
		units, _ := db.Units(ctx)
		var unitID int64
		for _, u := range units {
			if os, _ := db.Orders(ctx, fenliu.OrderFilter{UnitID: u.ID, Limit: 5}); len(os) >= 5 {
				unitID = u.ID
				break
			}
		}
		check := func(stage string, wantRollups bool) {
			t.Helper()
			queries := []query{
				{"last 30 days", clock.Add(-30 * 24 * time.Hour), clock.Add(time.Minute), 0},
				{"November and December", time.Date(2026, 11, 1, 0, 0, 0, 0, cst), time.Date(2027, 1, 1, 0, 0, 0, 0, cst), 0},
				{"the whole of 2026 and after", time.Date(2026, 1, 1, 0, 0, 0, 0, cst), clock.Add(time.Hour), 0},
				{"whole days", time.Date(2026, 12, 20, 0, 0, 0, 0, cst), time.Date(2027, 1, 8, 0, 0, 0, 0, cst), 0},
				{"one unit", clock.Add(-40 * 24 * time.Hour), clock, unitID},
			}
			used := 0
			for _, qq := range queries {
				for _, g := range []string{"", app.ByUnit, app.ByUnitType, app.ByCategory, app.ByArea, app.ByDay} {
					for _, asOf := range []time.Time{clock, clock.Add(72 * time.Hour)} {
						actor := leader
						if qq.unit != 0 {
							actor = &fenliu.User{ID: 2, Role: fenliu.RoleUnitStaff, UnitID: qq.unit}
						}
						q := app.ReportQuery{From: qq.from, To: qq.to, AsOf: asOf, GroupBy: g, Location: cst, Daily: g == app.ByUnit || g == ""}
						got, err := a.Report(ctx, actor, q)
						if err != nil {
							t.Fatal(err)
						}
						q.Live = true
						want, err := a.Report(ctx, actor, q)
						if err != nil {
							t.Fatal(err)
						}
						used += got.RollupPeriods
						if wantRollups && qq.name == "the whole of 2026 and after" && g == app.ByCategory && got.RollupPeriods > 32 {
							// the year 2026 as one period, then the days of January 2027
							t.Errorf("%s: a whole year and some days read as %d periods", stage, got.RollupPeriods)
						}
						if q.Daily {
							bq := q
							bq.GroupBy, bq.Daily, bq.Live = app.ByDay, false, false
							byDay, err := a.Report(ctx, actor, bq)
							if err != nil {
								t.Fatal(err)
							}
							dj, _ := json.Marshal(got.Days)
							bj, _ := json.Marshal(byDay.Rows)
							if string(dj) != string(bj) {
								t.Fatalf("%s: %s: the daily totals differ from the report by day", stage, qq.name)
							}
						}
						if q.Daily && len(want.Days) == 0 {
							t.Fatalf("%s: %s by %q: no days in a daily report", stage, qq.name, g)
						}
						gj, _ := json.Marshal(struct {
							T    app.ReportRow
							R, D []*app.ReportRow
						}{got.Total, got.Rows, got.Days})
						wj, _ := json.Marshal(struct {
							T    app.ReportRow
							R, D []*app.ReportRow
						}{want.Total, want.Rows, want.Days})
						if string(gj) != string(wj) {
							i := 0
							for i < len(gj) && i < len(wj) && gj[i] == wj[i] {
								i++
							}
							lo := max(0, i-300)
							t.Fatalf("%s: %s by %q as of %s: rollups (%d periods) differ from live at byte %d:\n…%s\n…%s",
								stage, qq.name, g, asOf.Format(time.RFC3339), got.RollupPeriods, i, gj[lo:min(len(gj), i+100)], wj[lo:min(len(wj), i+100)])
						}
					}
				}
			}
			if wantRollups && used == 0 {
				t.Errorf("%s: no report used the rollups", stage)
			} else if !wantRollups && used != 0 {
				t.Errorf("%s: %d rollup periods used before any were built", stage, used)
			}
		}
		check("before any refresh", false)
		n, err := a.RefreshRollups(ctx)
		if err != nil || n < 20 {
			t.Fatalf("refresh built %d periods: %v", n, err)
		}
		check("after the refresh", true)
		if again, _ := a.RefreshRollups(ctx); again != 0 {
			t.Errorf("a second refresh with no change rebuilt %d periods", again)
		}

		// Changes the rollups have not seen: a complaint on an old order, a
		// decision changed on an old incident.
		clock = clock.Add(10 * time.Minute)
		old, err := db.Orders(ctx, fenliu.OrderFilter{To: now.Add(-8 * 24 * time.Hour), Limit: 3})
		if err != nil || len(old) < 3 {
			t.Fatalf("old orders: %v %v", old, err)
		}
		for _, o := range old[:2] {
			o.Complaint, o.UpdatedAt = true, clock
			if err := db.Tx(ctx, func(q *store.Q) error { return q.UpdateOrder(ctx, o, o.Version) }); err != nil {
				t.Fatal(err)
			}
		}
		in, err := db.Incident(ctx, old[2].IncidentID)
		if err != nil {
			t.Fatal(err)
		}
		in.Category, in.DecidedAt = "city_appearance.garbage", &clock
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UpdateDecision(ctx, in, in.Version) }); err != nil {
			t.Fatal(err)
		}
		check("after unseen changes", true)
		// The clock moves past limits that were pending when the rollups
		// were built.
		clock = clock.Add(6 * 24 * time.Hour)
		check("six days later", true)
		if n, err := a.RefreshRollups(ctx); err != nil || n == 0 {
			t.Fatalf("refresh after changes built %d: %v", n, err)
		}
		check("after the second refresh", true)
	})
}

// TestReportFactsMatchOrders: the reports' lean read of the orders carries
// what the rates need exactly as the full read does.
func TestReportFactsMatchOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
		a := app.New(db, app.Options{})
		if _, err := demo.Load(ctx, a, now, 120, 5); err != nil {
			t.Fatal(err)
		}
		from, to := now.Add(-40*24*time.Hour), now
		// Some incidents were called in again: link later incidents to
		// the incidents of a few orders.
		some, err := db.Orders(ctx, fenliu.OrderFilter{Limit: 40})
		if err != nil || len(some) < 40 {
			t.Fatalf("orders: %d %v", len(some), err)
		}
		err = db.Tx(ctx, func(q *store.Q) error {
			for i := 0; i < 5; i++ {
				if err := q.SetRepeat(ctx, some[i].IncidentID, some[20+i].IncidentID); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		facts, err := db.ReportFacts(ctx, from, to, 0)
		if err != nil {
			t.Fatal(err)
		}
		full := map[int64]*store.ReportOrder{}
		repeats := 0
		err = db.ReportOrders(ctx, from, to, 0, func(o *store.ReportOrder) error {
			full[o.Order.ID] = o
			if o.RepeatCalled {
				repeats++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(facts) != len(full) || len(facts) < 100 {
			t.Fatalf("%d facts, %d orders", len(facts), len(full))
		}
		for _, f := range facts {
			o := full[f.Order.ID]
			if o == nil {
				t.Fatalf("fact for unknown order %d", f.Order.ID)
			}
			m1 := metrics.Membership(metrics.OrderFact{Order: f.Order, UnitType: o.UnitType, RepeatCalled: f.RepeatCalled}, now)
			m2 := metrics.Membership(metrics.OrderFact{Order: o.Order, UnitType: o.UnitType, RepeatCalled: o.RepeatCalled}, now)
			if m1 != m2 || f.Category != o.Category || f.AreaID != o.AreaID || f.RepeatCalled != o.RepeatCalled ||
				!f.Order.DispatchedAt.Equal(o.Order.DispatchedAt) {
				t.Fatalf("order %d: fact %+v %+v, full %+v %+v", f.Order.ID, f, m1, o, m2)
			}
		}
		if repeats == 0 {
			t.Fatal("no order on an incident called in again: the test does not exercise it")
		}
		t.Logf("%d orders, %d of them on incidents called in again", len(facts), repeats)
	})
}
