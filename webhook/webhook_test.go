package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
)

func TestSenderRetriesAndSigns(t *testing.T) {
	var calls atomic.Int32
	got := make(chan map[string]any, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // first attempt fails
			return
		}
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write(body)
		if r.Header.Get("X-Fenliu-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			t.Error("bad signature")
		}
		var m map[string]any
		json.Unmarshal(body, &m)
		got <- m
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &Sender{URL: srv.URL, Secret: "s3cret", Backoff: 10 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.Start(ctx)
	s.Send(&fenliu.Notice{ID: 7, Kind: fenliu.NoticeSupervision, UnitID: 3, Text: "督办"})
	select {
	case m := <-got:
		n := m["notice"].(map[string]any)
		if m["type"] != "notice" || n["kind"] != "supervision" || n["id"] != 7.0 {
			t.Fatalf("body = %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	if calls.Load() != 2 {
		t.Fatalf("%d calls, want 2 (one retry)", calls.Load())
	}
}
