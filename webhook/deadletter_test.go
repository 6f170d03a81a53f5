package webhook_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
	"github.com/fenliu/fenliu/webhook"
)

// TestDeadLettersAndReplay: an entry the receiver refuses for longer than
// the subscriber's retry period becomes a dead letter and the stream moves
// on; an administrator sees it and replays it, and it is delivered with its
// webhook-id. The clock runs a second ahead at every reading, so the
// minute of retries passes in a moment.
func TestDeadLettersAndReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var ticks atomic.Int64
		base := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
		a := app.New(db, app.Options{Now: func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Second) }})
		admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
		if err := a.Bootstrap(ctx, admin, ""); err != nil {
			t.Fatal(err)
		}
		taker := &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker}
		if err := a.CreateUser(ctx, admin, taker, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateSubscriber(ctx, taker, fenliu.SubscriberInput{Name: "x", URL: "http://127.0.0.1:1/"}); fenliu.StatusOf(err) != 403 {
			t.Errorf("a call-taker adds a subscriber: %v", err)
		}
		rcv := newReceiver(t, 0, true)
		sub, err := a.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: "dashboard", URL: rcv.URL(), RetryFor: "1m", Kinds: []string{"intake"}})
		if err != nil {
			t.Fatal(err)
		}
		rcv.trust(sub.Secret)
		rcv.setMode("fail")

		wctx, cancel := context.WithCancel(ctx)
		d := &webhook.Dispatcher{App: a, Backoff: time.Second, MaxBackoff: 10 * time.Second, Poll: 20 * time.Millisecond}
		done := make(chan struct{})
		go func() { d.Run(wctx); close(done) }()
		defer func() { cancel(); <-done }()

		for _, text := range []string{"第一起", "第二起"} {
			if _, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		var dead []*fenliu.DeadLetter
		eventually(t, "two dead letters", func() bool {
			dead, err = a.DeadLetters(ctx, admin, sub.ID, 10)
			return err == nil && len(dead) == 2
		})
		if acted, _, _ := rcv.snapshot(); len(acted) != 0 {
			t.Fatalf("a refusing receiver acted on %v", acted)
		}
		s, _ := a.Subscriber(ctx, admin, sub.ID)
		if s.Dead != 2 || s.Delivered != 0 || s.Failed < 4 || dead[0].Attempts < 2 || dead[0].Kind != "intake" || dead[0].LastError == "" {
			t.Errorf("stream %+v, dead letter %+v", s, dead[0])
		}
		if fails, _ := a.SubscriberDeliveries(ctx, admin, sub.ID, true, 500); int64(len(fails)) != s.Failed {
			t.Errorf("%d failed deliveries in the log, the stream counts %d", len(fails), s.Failed)
		}
		// The stream goes on after the dead letters.
		rcv.setMode("up")
		if _, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "第三起"}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the third entry", func() bool { acted, _, _ := rcv.snapshot(); return len(acted) == 1 })
		// Replayed by an administrator, oldest first.
		for i := len(dead) - 1; i >= 0; i-- {
			if _, err := a.ReplayDeadLetter(ctx, admin, dead[i].ID); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, "the replays", func() bool { acted, _, _ := rcv.snapshot(); return len(acted) == 3 })
		acted, repeats, problems := rcv.snapshot()
		if acted[1] != dead[1].OutboxID || acted[2] != dead[0].OutboxID || repeats != 0 || len(problems) > 0 {
			t.Errorf("acted on %v (dead letters %d, %d), %d repeats, %v", acted, dead[1].OutboxID, dead[0].OutboxID, repeats, problems)
		}
		eventually(t, "the replays recorded", func() bool {
			dead, _ = a.DeadLetters(ctx, admin, sub.ID, 10)
			return dead[0].DeliveredAt != nil && dead[1].DeliveredAt != nil
		})
		if _, err := a.ReplayDeadLetter(ctx, admin, dead[0].ID); fenliu.StatusOf(err) != 409 {
			t.Errorf("replaying a delivered dead letter: %v", err)
		}
	})
}
