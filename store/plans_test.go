package store_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestHotPathPlans checks that the queries on the hot paths are served by an
// index that matches their predicate, on a skewed table — thousands of
// incidents at one address, from one caller, in one area — before the
// database has statistics and after: EXPLAIN QUERY PLAN on SQLite;
// EXPLAIN on PostgreSQL with autovacuum off (no statistics), then after
// ANALYZE, each with the values bound and as a generic plan. A full scan,
// a bitmap scan or an index that leaves one of the query's equality
// columns to a filter fails: that is the cliff a busy station, hospital or
// market finds in production.
func TestHotPathPlans(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		pg := db.Driver == "postgres"
		if pg {
			for _, tb := range []string{"incidents", "orders", "timers", "events"} {
				if err := store.ExecRaw(ctx, db, "ALTER TABLE "+tb+" SET (autovacuum_enabled = false)"); err != nil {
					t.Fatal(err)
				}
			}
		}
		// A busy place, caller and unit: thousands of rows each, a tenth
		// of the table; the rest spread over many places and callers.
		const busy, n = "江南火车站", 30000
		areas := []int64{f.grid.ID, f.street.ID, f.district.ID}
		var cats []string
		for i := 0; i < 40; i++ {
			cats = append(cats, fmt.Sprintf("matter.%02d", i))
		}
		var rows [][]any
		for i := 0; i < n; i++ {
			at := t0.Add(-time.Duration(i) * 10 * time.Second)
			addr, phone := fmt.Sprintf("别处%d号", i%2000), fmt.Sprintf("139%08d", i%5000)
			if i%10 == 0 {
				addr, phone = busy, "13800000000"
			}
			rows = append(rows, []any{fmt.Sprintf("T%d", i), "110", fmt.Sprintf("P-%d", i), at.UnixMilli(), "", phone, "警情",
				addr, areas[i%3], "[]", f.taker.ID, at.UnixMilli(), "divert", cats[i%40], at.UnixMilli()})
		}
		cols := []string{"tracking_no", "channel", "channel_ref", "received_at", "caller_name", "caller_phone", "text",
			"address", "area_id", "attachments", "recorded_by", "created_at", "disposition", "category", "changed_at"}
		if err := db.BulkInsert(ctx, store.BulkTable{Table: "incidents", Cols: cols, Rows: rows}); err != nil {
			t.Fatal(err)
		}
		// One unit's orders (most closed), two events and a timer each.
		for _, stmt := range []string{
			fmt.Sprintf(`INSERT INTO orders (incident_id, unit_id, role, state, version, dispatched_at, updated_at)
				SELECT id, CASE WHEN id %% 10 = 0 THEN %d ELSE %d END, 'lead', CASE WHEN id %% 50 = 0 THEN 'dispatched' ELSE 'closed' END,
				1, received_at, received_at FROM incidents`, f.um.ID, f.housing.ID),
			`INSERT INTO events (incident_id, order_id, at, actor_id, kind) SELECT incident_id, id, dispatched_at, 1, 'dispatch' FROM orders`,
			`INSERT INTO events (incident_id, order_id, at, actor_id, kind) SELECT incident_id, id, dispatched_at, 1, 'sign' FROM orders`,
			`INSERT INTO timers (order_id, kind, fire_at, fired_at)
				SELECT id, 'sign', dispatched_at + 3600000, CASE WHEN state = 'closed' THEN dispatched_at END FROM orders`,
		} {
			if err := store.ExecRaw(ctx, db, stmt); err != nil {
				t.Fatal(err)
			}
		}
		since, before := t0.Add(-72*time.Hour).UnixMilli(), t0.Add(time.Second).UnixMilli()
		type probe struct {
			name  string
			query string
			args  []any
			eq    []string // the equality columns an index must match
		}
		var probes []probe
		for _, k := range fenliu.RepeatKeys(&fenliu.Incident{CallerPhone: "13800000000", AreaID: f.grid.ID, Address: busy}, cats[0]) {
			q, args := store.RepeatQuery(k)
			var eq []string
			for _, c := range []struct {
				on  bool
				col string
			}{{k.Phone != "", "caller_phone"}, {k.AreaID != 0, "area_id"}, {k.Address != "", "address"}, {k.Category != "", "category"}} {
				if c.on {
					eq = append(eq, c.col)
				}
			}
			probes = append(probes, probe{"repeat lookup by " + strings.Join(eq, "+"), q, append(args, since, before, int64(0)), eq})
		}
		probes = append(probes,
			probe{"intake resend (channel, reference)", `SELECT id FROM incidents WHERE channel = ? AND channel_ref = ?`, []any{"110", "P-17"}, []string{"channel", "channel_ref"}},
			probe{"orders of an incident", `SELECT id FROM orders WHERE incident_id = ? ORDER BY id`, []any{int64(17)}, []string{"incident_id"}},
			probe{"events of an incident", `SELECT id FROM events WHERE incident_id = ? ORDER BY id`, []any{int64(17)}, []string{"incident_id"}},
			probe{"due timers", `SELECT id, order_id, kind, fire_at FROM timers WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT ?`, []any{before, 100}, nil},
			probe{"an order's timers", `SELECT id, kind, fire_at, fired_at IS NOT NULL FROM timers WHERE order_id = ?`, []any{int64(17)}, []string{"order_id"}},
		)
		check := func(stage string, generic bool) {
			for _, p := range probes {
				plan, err := store.Explain(ctx, db, p.query, p.args, generic)
				if err != nil {
					t.Fatalf("%s, %s: %v", stage, p.name, err)
				}
				if why := badPlan(plan, p.eq, pg); why != "" {
					t.Errorf("%s, %s: %s\n%s", stage, p.name, why, strings.Join(plan, "\n"))
				}
			}
		}
		if !pg {
			check("no statistics", false)
			if err := store.ExecRaw(ctx, db, "ANALYZE"); err != nil {
				t.Fatal(err)
			}
			check("after ANALYZE", false)
			return
		}
		check("no statistics, values bound", false)
		check("no statistics, generic plan", true)
		if err := store.ExecRaw(ctx, db, "ANALYZE"); err != nil {
			t.Fatal(err)
		}
		check("after ANALYZE, values bound", false)
		check("after ANALYZE, generic plan", true)
	})
}

var sqliteSearch = regexp.MustCompile(`SEARCH \w+ USING (?:COVERING |INTEGER PRIMARY KEY |)(?:INDEX \w+ )?\((.*)\)`)

// badPlan says what is wrong with a plan (empty if nothing).
func badPlan(plan []string, eq []string, pg bool) string {
	if !pg {
		var conds string
		for _, l := range plan {
			if strings.HasPrefix(l, "SCAN ") && !strings.Contains(l, "SUBQUERY") {
				return "full scan: " + l
			}
			if m := sqliteSearch.FindStringSubmatch(l); m != nil {
				conds += m[1] + " "
			}
		}
		for _, c := range eq {
			if !strings.Contains(conds, c+"=?") {
				return c + " is not matched by the index"
			}
		}
		return ""
	}
	var conds string
	for _, l := range plan {
		switch {
		case strings.Contains(l, "Seq Scan"):
			return "full scan: " + strings.TrimSpace(l)
		case strings.Contains(l, "BitmapAnd") || strings.Contains(l, "BitmapOr"):
			return "bitmaps of several indexes combined: " + strings.TrimSpace(l)
		case strings.Contains(l, "Index Cond:"):
			conds += l
		case strings.Contains(l, "Filter:"):
			for _, c := range eq {
				if strings.Contains(l, c) {
					return c + " is filtered, not matched by the index: " + strings.TrimSpace(l)
				}
			}
		}
	}
	for _, c := range eq {
		if !strings.Contains(conds, c+" =") {
			return c + " is not matched by an index"
		}
	}
	return ""
}
