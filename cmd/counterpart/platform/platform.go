// Package platform is the counterpart 12345 platform: a webhook receiver
// that drops repeats and acts on each order dispatched to it once, by
// signing for it and feeding it back through Fenliu's API. It speaks to
// Fenliu only over HTTP, as an outside system would.
package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
)

// Platform receives webhooks and works the orders they announce.
type Platform struct {
	api, token string
	key        []byte
	log        *slog.Logger
	client     *http.Client

	mu     sync.Mutex
	seen   map[string]bool // webhook-ids acted on
	queue  chan int64      // orders to work
	Worked []int64         // orders signed and fed back, in order
}

// New returns a platform speaking to Fenliu at api with token, trusting
// messages signed with secret.
func New(api, token, secret string, log *slog.Logger) (*Platform, error) {
	key, err := fenliu.WebhookKey(secret)
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if token == "" {
		return nil, fmt.Errorf("an API token is required")
	}
	return &Platform{api: api, token: token, key: key, log: log, client: &http.Client{Timeout: 10 * time.Second},
		seen: map[string]bool{}, queue: make(chan int64, 1000)}, nil
}

// ServeHTTP receives one webhook: a bad signature or a stale timestamp is
// refused (401), a repeat is acknowledged and dropped, a dispatch is queued.
func (p *Platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable", http.StatusBadRequest)
		return
	}
	id := r.Header.Get("webhook-id")
	ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
	if age := time.Since(time.Unix(ts, 0)); age > 5*time.Minute || age < -5*time.Minute {
		http.Error(w, "stale", http.StatusUnauthorized)
		return
	}
	if !fenliu.VerifyWebhook(p.key, id, ts, body, r.Header.Get("webhook-signature")) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	p.mu.Lock()
	repeat := p.seen[id]
	p.seen[id] = true
	p.mu.Unlock()
	if repeat {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	var e fenliu.OutboxEntry
	if err := json.Unmarshal(body, &e); err != nil {
		http.Error(w, "not an outbox entry", http.StatusBadRequest)
		return
	}
	if e.Kind == string(fenliu.EvDispatch) && e.OrderID != 0 {
		p.queue <- e.OrderID
	}
	w.WriteHeader(http.StatusNoContent)
}

// Work signs for and feeds back each queued order until ctx ends; an
// order whose API call fails is tried again a little later.
func (p *Platform) Work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-p.queue:
			if err := p.work(ctx, id); err != nil {
				p.log.Warn("counterpart: order not worked yet", "order", id, "err", err)
				go func() {
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
						p.queue <- id
					}
				}()
				continue
			}
			p.mu.Lock()
			p.Worked = append(p.Worked, id)
			p.mu.Unlock()
		}
	}
}

// WorkedOrders returns the orders worked so far.
func (p *Platform) WorkedOrders() []int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int64(nil), p.Worked...)
}

func (p *Platform) work(ctx context.Context, order int64) error {
	var got struct {
		Order fenliu.Order `json:"order"`
	}
	if err := p.call(ctx, "GET", fmt.Sprintf("/api/v1/orders/%d", order), nil, "", &got); err != nil {
		return err
	}
	steps := map[fenliu.OrderState][]fenliu.Action{
		fenliu.StateDispatched: {fenliu.ActSign, fenliu.ActFeedback},
		fenliu.StateSigned:     {fenliu.ActFeedback},
	}[got.Order.State]
	for _, a := range steps {
		body := map[string]any{"note": "12345 平台已受理并处理 / handled by the 12345 platform"}
		// The key makes a retried call act once.
		if err := p.call(ctx, "POST", fmt.Sprintf("/api/v1/orders/%d/%s", order, a), body, fmt.Sprintf("counterpart-%d-%s", order, a), nil); err != nil {
			return err
		}
	}
	return nil
}

func (p *Platform) call(ctx context.Context, method, path string, body any, key string, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.api+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
