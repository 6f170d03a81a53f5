// Package webhook delivers the outbox to subscribers as signed HTTP POSTs
// (the Standard Webhooks convention). Each subscriber has its own ordered
// stream and its own worker: one slow or broken receiver holds up only its
// own stream. The stream's position, its retries and its dead letters are in
// the database, so nothing is lost when the receiver is down, nor when the
// server stops; an entry is sent again (same webhook-id) only when no
// success was recorded for it, so a receiver that drops repeats by id acts
// on each entry once.
package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// Dispatcher runs one worker per active subscriber.
type Dispatcher struct {
	App    *app.App
	Log    *slog.Logger
	Client *http.Client // default: Timeout 10 s
	// Backoff is the wait after the first failed attempt, doubled after each
	// further one up to MaxBackoff (defaults 5 s and 1 h). How long an entry
	// is retried is the subscriber's own setting (default 24 h).
	Backoff, MaxBackoff time.Duration
	// Poll is how often a worker looks for entries written by other
	// servers and for changed subscribers (default 2 s); entries written
	// by this server wake it at once.
	Poll time.Duration
	// Lease is how long a worker holds its stream between renewals
	// (default 30 s); a server that dies leaves it free after this.
	Lease time.Duration
	// OnAttempt, if set, is told of every attempt (metrics, tests).
	OnAttempt func(s *fenliu.Subscriber, d *fenliu.Delivery)

	owner   string
	mu      sync.Mutex
	workers map[int64]*worker
	wg      sync.WaitGroup
}

type worker struct {
	cancel context.CancelFunc
	wake   chan struct{}
}

// Run delivers until ctx ends, then waits for its workers and releases
// their streams.
func (d *Dispatcher) Run(ctx context.Context) {
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Backoff <= 0 {
		d.Backoff = 5 * time.Second
	}
	if d.MaxBackoff < d.Backoff {
		d.MaxBackoff = max(time.Hour, d.Backoff)
	}
	if d.Poll <= 0 {
		d.Poll = 2 * time.Second
	}
	if d.Lease <= 0 {
		d.Lease = 30 * time.Second
	}
	var b [8]byte
	rand.Read(b[:])
	d.owner = hex.EncodeToString(b[:])
	d.workers = map[int64]*worker{}
	defer d.wg.Wait()
	t := time.NewTicker(d.Poll)
	defer t.Stop()
	for {
		d.sync(ctx)
		select {
		case <-ctx.Done():
			d.mu.Lock()
			for _, w := range d.workers {
				w.cancel()
			}
			d.mu.Unlock()
			return
		case <-d.App.OutboxWake():
		case <-t.C:
		}
	}
}

// sync starts a worker for each active subscriber, stops those of
// subscribers gone or paused, and wakes the rest.
func (d *Dispatcher) sync(ctx context.Context) {
	subs, err := d.App.StreamSubscribers(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.Log.Error("webhook: listing subscribers", "err", err)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	active := map[int64]bool{}
	for _, s := range subs {
		if !s.Active {
			continue
		}
		active[s.ID] = true
		if w, ok := d.workers[s.ID]; ok {
			select {
			case w.wake <- struct{}{}:
			default:
			}
			continue
		}
		wctx, cancel := context.WithCancel(ctx)
		w := &worker{cancel: cancel, wake: make(chan struct{}, 1)}
		d.workers[s.ID] = w
		d.wg.Add(1)
		go func(id int64) {
			defer d.wg.Done()
			d.stream(wctx, id, w)
		}(s.ID)
	}
	for id, w := range d.workers {
		if !active[id] {
			w.cancel()
			delete(d.workers, id)
		}
	}
}

// stream is one subscriber's worker.
func (d *Dispatcher) stream(ctx context.Context, id int64, w *worker) {
	defer func() {
		if err := d.App.ReleaseStream(context.WithoutCancel(ctx), id, d.owner); err != nil {
			d.Log.Warn("webhook: releasing stream", "subscriber", id, "err", err)
		}
		d.mu.Lock()
		if d.workers[id] == w {
			delete(d.workers, id)
		}
		d.mu.Unlock()
	}()
	var held time.Time // until when this worker holds the stream's lease
	for ctx.Err() == nil {
		wait, err := d.step(ctx, id, &held)
		if err != nil && ctx.Err() == nil && !app.StreamMoved(err) {
			d.Log.Error("webhook: stream", "subscriber", id, "err", err)
			wait = d.Poll
		}
		if wait < 0 {
			return
		}
		if wait == 0 {
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// step sends what is due on one stream and says how long to wait before
// the next step (0: at once; negative: the worker is done).
func (d *Dispatcher) step(ctx context.Context, id int64, held *time.Time) (time.Duration, error) {
	// The lease is renewed once half of it has passed, not at every step.
	if time.Until(*held) < d.Lease/2 {
		ok, err := d.App.ClaimStream(ctx, id, d.owner, d.Lease)
		if err != nil {
			return d.Poll, err
		}
		if !ok {
			*held = time.Time{}
			return d.Poll, nil // another server has it, or it was paused
		}
		*held = time.Now().Add(d.Lease)
	}
	s, err := d.App.StreamSubscriber(ctx, id)
	if fenliu.ErrorCode(err) == fenliu.ENotFound {
		return -1, nil // removed
	}
	if err != nil {
		return d.Poll, err
	}
	if !s.Active {
		return -1, nil // paused: the worker stops; resuming starts a new one
	}
	key, err := fenliu.WebhookKey(s.Secret)
	if err != nil {
		return d.Poll, err
	}
	// Replays an administrator asked for go first.
	dls, entries, err := d.App.ReplaysDue(ctx, id)
	if err != nil {
		return d.Poll, err
	}
	for i, dl := range dls {
		del := d.send(ctx, s, key, entries[i])
		if err := d.App.Replayed(ctx, dl, del); err != nil {
			return d.Poll, err
		}
	}
	if s.NextAt != nil {
		if wait := s.NextAt.Sub(d.App.Now()); wait > 0 {
			return min(wait, d.Lease/2), nil
		}
	}
	e, err := d.App.NextEntry(ctx, s)
	if err != nil || e == nil {
		return d.Poll, err
	}
	del := d.send(ctx, s, key, e)
	if ctx.Err() != nil {
		// Stopping: the attempt is not counted; it is made again at the
		// next start.
		return -1, nil
	}
	if del.OK {
		return 0, d.App.Delivered(ctx, s, del)
	}
	dead, err := d.App.DeliveryFailed(ctx, s, del, d.Backoff, d.MaxBackoff)
	if dead {
		d.Log.Warn("webhook: dead letter", "subscriber", s.Name, "entry", e.ID, "attempts", del.Attempt, "err", del.Error)
	}
	return 0, err
}

// send makes one attempt.
func (d *Dispatcher) send(ctx context.Context, s *fenliu.Subscriber, key []byte, e *fenliu.OutboxEntry) *fenliu.Delivery {
	body := e.Body()
	start := time.Now()
	del := &fenliu.Delivery{OutboxID: e.ID, At: d.App.Now()}
	status, err := post(ctx, d.Client, s.URL, key, e.ID, del.At.Unix(), body)
	del.TookMS, del.Status = time.Since(start).Milliseconds(), status
	if err != nil {
		del.Error = err.Error()
		if len(del.Error) > 500 {
			del.Error = del.Error[:500]
		}
	} else {
		del.OK = true
	}
	if d.OnAttempt != nil {
		d.OnAttempt(s, del)
	}
	return del
}

// post sends a message with the Standard Webhooks headers; a 2xx answer is
// a delivery.
func post(ctx context.Context, c *http.Client, url string, key []byte, entryID, ts int64, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	msgID := fenliu.WebhookMessageID(entryID)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Fenliu-Webhook/1")
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", fmt.Sprint(ts))
	req.Header.Set("webhook-signature", fenliu.SignWebhook(key, msgID, ts, body))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
