package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
	"github.com/fenliu/fenliu/triage"
)

// BenchmarkOneClickTransfer measures the call-taker's path with the real
// engine on the demo city: intake (stored, triaged, routed) — "intake" —
// and intake plus the one-click transfer the desk makes (decision as
// suggested and dispatch to the routed units) — "transfer". It reports
// calls per second and the p50/p99 latency of each call.
func BenchmarkOneClickTransfer(b *testing.B) {
	dbs := map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dbs["postgres"] = storetest.Postgres
	}
	train, err := triage.TrainingSet()
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, ex := range train {
		if ex.Disposition == fenliu.DispDivert {
			texts = append(texts, ex.Text)
		}
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open := dbs[name]
		if open == nil {
			continue
		}
		for _, full := range []bool{false, true} {
			what := "intake"
			if full {
				what = "transfer"
			}
			b.Run(name+"/"+what, func(b *testing.B) {
				ctx := context.Background()
				db := open(b)
				a := app.New(db, app.Options{Triage: server.Triage})
				if err := a.LoadCatalog(ctx); err != nil {
					b.Fatal(err)
				}
				if _, err := demo.Load(ctx, a, time.Now(), 0, 1); err != nil {
					b.Fatal(err)
				}
				taker := &fenliu.User{Username: "bench-taker", DisplayName: "bench", Role: fenliu.RoleCallTaker}
				if err := a.Bootstrap(ctx, taker, ""); err != nil {
					b.Fatal(err)
				}
				var grids []int64
				areas, _ := db.Areas(ctx)
				for _, ar := range areas {
					if ar.Level == fenliu.AreaGrid {
						grids = append(grids, ar.ID)
					}
				}
				lat := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				start := time.Now()
				for i := 0; i < b.N; i++ {
					t0 := time.Now()
					in := fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: fmt.Sprintf("bench-%d", i),
						Text: texts[i%len(texts)], AreaID: grids[i%len(grids)], CallerPhone: "13800000000"}
					if full { // the one-click transfer: intake, decision and dispatch in one transaction
						if _, err := a.Transfer(ctx, taker, fenliu.TransferInput{Incident: &in}); err != nil {
							b.Fatal(err)
						}
					} else if _, _, err := a.Intake(ctx, taker, in); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t0))
				}
				el := time.Since(start)
				b.StopTimer()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(b.N)/el.Seconds(), "calls/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}
