// Package servertest runs the real server (server.Main, the wiring `fenliu
// serve` runs) for end-to-end and browser tests, on a fresh database.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/fenliu/fenliu/server"
)

// Start runs the server on dsn (empty: a fresh SQLite file in t's folder)
// on a free local port, with change applied to the default configuration,
// and closes it when t ends.
func Start(t testing.TB, dsn string, change func(*server.Config)) *server.Main {
	t.Helper()
	cfg, err := server.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	if dsn == "" {
		dsn = filepath.Join(t.TempDir(), "fenliu.db")
	}
	cfg.DB, cfg.Addr, cfg.Demo = dsn, "127.0.0.1:0", false
	if change != nil {
		change(&cfg)
	}
	m := server.New(cfg)
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		m.Log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
	})
	return m
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
