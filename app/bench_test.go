package app_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// BenchmarkIntake measures acknowledged incidents per second: each Intake
// call returns only after the incident and its intake event are committed
// (SQLite synchronous=FULL; PostgreSQL's default fsync on commit).
// Run: go test -run '^$' -bench Intake ./app   (set FENLIU_TEST_POSTGRES for PostgreSQL)
func BenchmarkIntake(b *testing.B) {
	dbs := map[string]func(testing.TB) *store.DB{"sqlite": storetest.SQLite}
	if os.Getenv(storetest.EnvPostgres) != "" {
		dbs["postgres"] = storetest.Postgres
	}
	for _, name := range []string{"sqlite", "postgres"} {
		open := dbs[name]
		if open == nil {
			continue
		}
		for _, clients := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/clients=%d", name, clients), func(b *testing.B) {
				db := open(b)
				a := app.New(db, app.Options{})
				ctx := context.Background()
				u := &fenliu.User{Username: "bench", DisplayName: "bench", Role: fenliu.RoleCallTaker}
				if err := a.Bootstrap(ctx, u, ""); err != nil {
					b.Fatal(err)
				}
				var seq atomic.Int64
				b.SetParallelism(clients) // × GOMAXPROCS goroutines
				b.ResetTimer()
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := seq.Add(1)
						_, _, err := a.Intake(ctx, u, fenliu.IncidentInput{Channel: fenliu.ChannelAPI,
							ChannelRef: fmt.Sprintf("B-%d", i), CallerPhone: "13800000000",
							Text: "凌晨两点楼下烧烤摊还在放音乐，吵得睡不着，麻烦派人来管管", Address: "民族大道100号"})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "incidents/s")
			})
		}
	}
}
