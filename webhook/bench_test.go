package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
	"github.com/fenliu/fenliu/webhook"
)

// BenchmarkDelivery: b.N incidents recorded one after another, each an
// outbox entry delivered to one subscriber; reports the entries delivered
// per second and the latency from commit to receipt (p50, p99).
//
//	go test ./webhook -run '^$' -bench Delivery -benchtime 2000x
func BenchmarkDelivery(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDelivery(b, storetest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) {
		db, err := store.Open(context.Background(), storetest.PostgresDSN(b))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Migrate(context.Background()); err != nil {
			b.Fatal(err)
		}
		benchDelivery(b, db)
	})
}

func benchDelivery(b *testing.B, db *store.DB) {
	ctx := context.Background()
	a := app.New(db, app.Options{})
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, ""); err != nil {
		b.Fatal(err)
	}
	var (
		mu       sync.Mutex
		received = map[int64]time.Time{} // incident → first receipt
		all      = make(chan struct{})
	)
	n := b.N
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var e fenliu.OutboxEntry
		json.Unmarshal(body, &e)
		mu.Lock()
		if _, ok := received[e.IncidentID]; !ok {
			received[e.IncidentID] = time.Now()
			if len(received) == n {
				close(all)
			}
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	if _, err := a.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: "bench", URL: rcv.URL, Kinds: []string{"intake"}}); err != nil {
		b.Fatal(err)
	}
	wctx, cancel := context.WithCancel(ctx)
	d := &webhook.Dispatcher{App: a, Poll: 100 * time.Millisecond}
	done := make(chan struct{})
	go func() { d.Run(wctx); close(done) }()
	defer func() { cancel(); <-done }()

	committed := make(map[int64]time.Time, n)
	b.ResetTimer()
	start := time.Now()
	for i := range n {
		inc, _, err := a.Intake(ctx, admin, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "路灯不亮", ChannelRef: "bench-" + time.Now().Format("150405.000000") + "-" + string(rune('a'+i%26))})
		if err != nil {
			b.Fatal(err)
		}
		committed[inc.ID] = time.Now()
	}
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		b.Fatalf("only %d of %d delivered", len(received), n)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	var lat []time.Duration
	mu.Lock()
	for id, at := range committed {
		lat = append(lat, received[id].Sub(at))
	}
	mu.Unlock()
	slices.Sort(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
