// Package webhook sends notices to other systems (a department's own system,
// the 12345 platform) as JSON POSTs, in the background, with retries.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
)

// Sender posts notices to a URL. Each body is signed with HMAC-SHA256 of the
// secret in the X-Fenliu-Signature header so the receiver can trust it.
type Sender struct {
	URL     string
	Secret  string
	Client  *http.Client
	Log     *slog.Logger
	Retries int           // attempts after the first (default 3)
	Backoff time.Duration // first wait between attempts, doubled each time (default 2s)
	queue   chan *fenliu.Notice
}

// Start runs the sender until ctx ends; Send queues without blocking.
func (s *Sender) Start(ctx context.Context) {
	if s.Client == nil {
		s.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if s.Retries == 0 {
		s.Retries = 3
	}
	if s.Backoff == 0 {
		s.Backoff = 2 * time.Second
	}
	s.queue = make(chan *fenliu.Notice, 1000)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-s.queue:
				s.deliver(ctx, n)
			}
		}
	}()
}

// Send queues a notice; if the queue is full the notice is logged and
// dropped (it is in the database and in the console all the same).
func (s *Sender) Send(n *fenliu.Notice) {
	select {
	case s.queue <- n:
	default:
		s.Log.Warn("webhook queue full; notice not sent", "notice", n.ID)
	}
}

func (s *Sender) deliver(ctx context.Context, n *fenliu.Notice) {
	body, _ := json.Marshal(map[string]any{"type": "notice", "notice": n})
	mac := hmac.New(sha256.New, []byte(s.Secret))
	mac.Write(body)
	sig := hex.EncodeToString(mac.Sum(nil))
	wait := s.Backoff
	for attempt := 0; attempt <= s.Retries; attempt++ {
		err := s.post(ctx, body, sig)
		if err == nil {
			return
		}
		s.Log.Warn("webhook", "notice", n.ID, "attempt", attempt+1, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
	s.Log.Error("webhook gave up", "notice", n.ID)
}

func (s *Sender) post(ctx context.Context, body []byte, sig string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Fenliu-Signature", "sha256="+sig)
	resp, err := s.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
