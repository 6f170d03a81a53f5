package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// BenchmarkIntakeVsRaw puts HTTP intake beside its baseline, in the same
// run on the same database kind: "raw" commits one incident row alone per
// transaction (the raw durable-insert rate: no event, no repeat lookup, no
// HTTP), "raw-grouped" the same row through the group-commit writer
// (store.TxShared: the batched raw writer), and "http" is POST
// /api/v1/incidents on the real server (token check, validation, triage,
// repeat lookup, incident and intake event). Each at 1 and 16 concurrent
// clients; every write is acknowledged only after its commit.
//
//	go test -run '^$' -bench IntakeVsRaw -benchtime 2000x ./cmd/fenliu
func BenchmarkIntakeVsRaw(b *testing.B) {
	kinds := []string{"sqlite"}
	if os.Getenv(storetest.EnvPostgres) != "" {
		kinds = append(kinds, "postgres")
	}
	for _, kind := range kinds {
		for _, clients := range []int{1, 16} {
			for _, path := range []string{"raw", "raw-grouped", "http"} {
				b.Run(fmt.Sprintf("%s/%s/clients=%d", kind, path, clients), func(b *testing.B) {
					dsn := benchDSN(b, kind)
					tok, recorder := benchAdmin(b, dsn)
					var do func(i int) error
					switch path {
					case "raw", "raw-grouped":
						db, err := store.Open(context.Background(), dsn)
						if err != nil {
							b.Fatal(err)
						}
						b.Cleanup(func() { db.Close() })
						tx := db.Tx
						if path == "raw-grouped" {
							tx = db.TxShared
						}
						do = func(i int) error {
							ctx := context.Background()
							now := time.Now().UTC()
							return tx(ctx, func(q *store.Q) error {
								_, _, err := q.InsertIncident(ctx, &fenliu.Incident{TrackingNo: fmt.Sprintf("R%d", i), Channel: fenliu.ChannelAPI,
									ChannelRef: fmt.Sprintf("raw-%d", i), ReceivedAt: now, CallerPhone: "13800000000",
									Text: benchText, Address: "民族大道100号", RecordedBy: recorder, CreatedAt: now})
								return err
							})
						}
					case "http":
						m := servertest.Start(b, dsn, nil)
						hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
						url := m.URL() + "/api/v1/incidents"
						do = func(i int) error {
							body, _ := json.Marshal(map[string]any{"channel": "api", "channel_ref": fmt.Sprintf("http-%d", i),
								"caller_phone": "13800000000", "text": benchText, "address": "民族大道100号"})
							req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
							req.Header.Set("Authorization", "Bearer "+tok)
							req.Header.Set("Content-Type", "application/json")
							resp, err := hc.Do(req)
							if err != nil {
								return err
							}
							io.Copy(io.Discard, resp.Body)
							resp.Body.Close()
							if resp.StatusCode != http.StatusCreated {
								return fmt.Errorf("status %d", resp.StatusCode)
							}
							return nil
						}
					}
					runClients(b, clients, do)
				})
			}
		}
	}
}

const benchText = "凌晨两点楼下烧烤摊还在放音乐，吵得睡不着，麻烦派人来管管"

func benchDSN(b *testing.B, kind string) string {
	if kind == "postgres" {
		return storetest.PostgresDSN(b)
	}
	return b.TempDir() + "/fenliu.db"
}

// benchAdmin migrates the database and makes an admin with a token (the
// HTTP path's caller and the raw rows' recorder).
func benchAdmin(b *testing.B, dsn string) (string, int64) {
	ctx := context.Background()
	db, err := openDB(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a := app.New(db, app.Options{})
	u := &fenliu.User{Username: "root", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, u, ""); err != nil {
		b.Fatal(err)
	}
	tok, err := a.CreateToken(ctx, nil, u.ID, "bench")
	if err != nil {
		b.Fatal(err)
	}
	return tok, u.ID
}

// runClients runs b.N calls of do from clients goroutines and reports the
// rate and the p50/p99 latency.
func runClients(b *testing.B, clients int, do func(i int) error) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, b.N)
		wg   sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for {
				i := int(next.Add(1))
				if i > b.N {
					break
				}
				t0 := time.Now()
				if err := do(i); err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(len(lat))/el.Seconds(), "writes/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
