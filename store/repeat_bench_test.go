package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// BenchmarkRepeatLookup times the repeat-call lookup (RecentIncident with
// the three keys of fenliu.RepeatKeys) for a call about a rare matter at
// a busy address — FENLIU_BENCH_BUSY incidents there (default 200,000),
// all about another matter — against the same lookup on a table of 1,000
// incidents, in the same run; "old-indexes" puts back the indexes before
// migration 0013 ((address, received_at), (caller_phone, received_at),
// (area_id, category, received_at)). Each is timed before ANALYZE (the
// server never runs it on SQLite; PostgreSQL's autovacuum is held off)
// and after.
//
//	FENLIU_BENCH_BUSY=1000000 go test -run '^$' -bench RepeatLookup ./store
func BenchmarkRepeatLookup(b *testing.B) {
	busy := 200000
	if v, err := strconv.Atoi(os.Getenv("FENLIU_BENCH_BUSY")); err == nil && v > 0 {
		busy = v
	}
	kinds := map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		kinds["postgres"] = storetest.Postgres
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		open := kinds[kind]
		if open == nil {
			continue
		}
		for _, rows := range []int{1000, busy} {
			for _, idx := range []string{"new-indexes", "old-indexes"} {
				b.Run(fmt.Sprintf("%s/rows=%d/%s", kind, rows, idx), func(b *testing.B) {
					ctx := context.Background()
					db := open(b)
					f := benchFixture(b, db)
					if kind == "postgres" {
						store.ExecRaw(ctx, db, "ALTER TABLE incidents SET (autovacuum_enabled = false)")
					}
					if idx == "old-indexes" {
						for _, s := range []string{"DROP INDEX incidents_address_category", "DROP INDEX incidents_phone",
							"DROP INDEX incidents_area_category", "CREATE INDEX incidents_phone ON incidents(caller_phone, received_at)",
							"CREATE INDEX incidents_area_category ON incidents(area_id, category, received_at)"} {
							if err := store.ExecRaw(ctx, db, s); err != nil {
								b.Fatal(err)
							}
						}
					}
					now := time.Now().UTC()
					cols := []string{"tracking_no", "channel", "channel_ref", "received_at", "caller_name", "caller_phone", "text",
						"address", "area_id", "attachments", "recorded_by", "created_at", "disposition", "category", "changed_at"}
					for done := 0; done < rows; {
						var chunk [][]any
						for ; done < rows && len(chunk) < 50000; done++ {
							at := now.Add(-time.Duration(done) * time.Second).UnixMilli() // all inside the 72-hour window or just before
							chunk = append(chunk, []any{fmt.Sprintf("T%d", done), "110", fmt.Sprintf("P-%d", done), at, "",
								fmt.Sprintf("139%08d", done), "车站门口有人拉客", "江南火车站", f, "[]", f, at, "divert", "traffic.touting", at})
						}
						if err := db.BulkInsert(ctx, store.BulkTable{Table: "incidents", Cols: cols, Rows: chunk}); err != nil {
							b.Fatal(err)
						}
					}
					keys := fenliu.RepeatKeys(&fenliu.Incident{CallerPhone: "13700000000", AreaID: f, Address: "江南火车站"}, "city_appearance.night_market_noise")
					for _, stats := range []string{"no-statistics", "analyzed"} {
						if stats == "analyzed" {
							if err := store.ExecRaw(ctx, db, "ANALYZE"); err != nil {
								b.Fatal(err)
							}
						}
						b.Run(stats, func(b *testing.B) {
							for i := 0; i < b.N; i++ {
								if _, err := db.RecentIncident(ctx, keys, now.Add(-72*time.Hour), now.Add(time.Second), 0); err != nil {
									b.Fatal(err)
								}
							}
						})
					}
				})
			}
		}
	}
}

// benchFixture makes an area and a user and returns their id (both 1).
func benchFixture(b *testing.B, db *store.DB) int64 {
	ctx := context.Background()
	var id int64
	err := db.Tx(ctx, func(q *store.Q) error {
		ar := &fenliu.Area{Code: "G1", Name: "江南1号网格", Level: fenliu.AreaDistrict}
		if err := q.CreateArea(ctx, ar); err != nil {
			return err
		}
		u := &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker, CreatedAt: time.Now()}
		if err := q.CreateUser(ctx, u, ""); err != nil {
			return err
		}
		if ar.ID != u.ID {
			return fmt.Errorf("area %d, user %d", ar.ID, u.ID)
		}
		id = ar.ID
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return id
}
