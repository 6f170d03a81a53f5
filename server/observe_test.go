package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestMetricsAndRequestLog: /metrics is valid Prometheus text with the
// request latency by route, intakes by channel, triage latency, timers,
// the outbox per subscriber and the database pool; every request leaves one
// JSON log line carrying its request id.
func TestMetricsAndRequestLog(t *testing.T) {
	cfg, err := server.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB, cfg.Addr, cfg.LogFormat = filepath.Join(t.TempDir(), "fenliu.db"), "127.0.0.1:0", "json"
	var logs syncBuffer
	m := server.New(cfg)
	m.Log = server.NewLogger("json", &logs)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := m.App.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.App.Intake(ctx, admin, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "小区垃圾没人清运"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.App.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: "dash", URL: "http://127.0.0.1:9/", Active: new(bool)}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/health", nil)
	req.Header.Set("X-Request-Id", "req-test-1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Request-Id") != "req-test-1" {
		t.Errorf("request id not echoed: %q", resp.Header.Get("X-Request-Id"))
	}
	resp, err = http.Get(m.URL() + "/api/v1/no-such")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if id := resp.Header.Get("X-Request-Id"); len(id) != 16 {
		t.Errorf("no request id made: %q", id)
	}

	resp, err = http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v", err)
	}
	for _, name := range []string{"fenliu_http_request_duration_seconds", "fenliu_intakes_total", "fenliu_triage_duration_seconds",
		"fenliu_timers_pending", "fenliu_outbox_pending", "fenliu_outbox_oldest_pending_seconds", "fenliu_db_connections_open", "go_goroutines"} {
		if families[name] == nil {
			t.Errorf("/metrics has no %s", name)
		}
	}
	text := string(body)
	for _, want := range []string{`route="GET /api/v1/health"`, `fenliu_intakes_total{channel="12345"} 1`, `fenliu_outbox_pending{subscriber="dash"}`, `route="/api/"`} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	found := false
	for _, line := range strings.Split(logs.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec["msg"] == "request" && rec["request_id"] == "req-test-1" {
			found = true
			if rec["route"] != "GET /api/v1/health" || rec["status"] != float64(200) || rec["method"] != "GET" {
				t.Errorf("request line: %v", rec)
			}
		}
	}
	if !found {
		t.Errorf("no request line with the request id in:\n%s", logs.String())
	}
}
