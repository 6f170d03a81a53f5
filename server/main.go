package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	_ "time/tzdata" // the city's time zone works on machines without tzdata

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/console"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/httpapi"
	"github.com/fenliu/fenliu/open311"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/triage"
	"github.com/fenliu/fenliu/webhook"
)

// Main is one running server. Run opens everything and starts serving;
// Close stops it and waits for what it started (in the manner of
// benbjohnson/wtf's cmd/wtfd Main).
type Main struct {
	Config Config
	Log    *slog.Logger
	// Out receives what the server prints for its operator: the address,
	// the demo's accounts (default: discarded).
	Out io.Writer
	// Now replaces the clock (tests); nil is the real one.
	Now func() time.Time

	DB      *store.DB
	App     *app.App
	Console *console.Server
	API     *httpapi.API
	Demo    *demo.Summary // what the demo loaded, if it ran
	// Webhooks delivers the outbox to the subscribers.
	Webhooks *webhook.Dispatcher
	// Metrics are served at /metrics.
	Metrics *Metrics

	ln     net.Listener
	srv    *http.Server
	cancel context.CancelFunc
	wg     sync.WaitGroup
	errc   chan error
}

// New returns a server for cfg, not yet running.
func New(cfg Config) *Main {
	return &Main{Config: cfg, Out: io.Discard}
}

// URL is the server's base URL, once Run has returned.
func (m *Main) URL() string { return "http://" + m.ln.Addr().String() }

// Run opens the database (migrating it), builds the service layer with the
// triage engine on the active catalogue, loads the demo city if asked,
// starts the scheduler and the outbox's delivery workers, and serves the console and
// the API on the configured address. It returns once the server listens;
// Close stops it.
func (m *Main) Run(ctx context.Context) (err error) {
	if m.Log == nil {
		m.Log = NewLogger(m.Config.LogFormat, m.Out)
	}
	log := m.Log
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	ctx, m.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if m.DB, err = OpenDB(ctx, m.Config.DB); err != nil {
		return err
	}
	live := console.NewBroker()
	opts := app.Options{Now: m.Now, RepeatWindow: m.Config.RepeatWindow, Log: log, Triage: Triage, OnChange: live.Publish,
		MinFreeDisk: m.Config.MinFreeDisk, SchedulerInterval: m.Config.SchedulerInterval}
	m.Metrics = NewMetrics()
	m.Metrics.Observe(&opts)
	if m.DB.Driver == "postgres" {
		// Several servers may share the database: every change goes through
		// NOTIFY, and each server's listener feeds its own screens.
		db := m.DB
		opts.OnChange = func(id int64) {
			if _, err := db.NotifyChange(context.WithoutCancel(ctx), id); err != nil {
				log.Warn("notify", "err", err)
				live.Publish(id)
			}
		}
		m.goRun(func() { db.ListenChanges(ctx, live.Publish, func(err error) { log.Warn("listen", "err", err) }) })
	}
	m.App = app.New(m.DB, opts)
	m.Metrics.Watch(m.App, log)
	if err := m.App.LoadCatalog(ctx); err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	if m.Config.Demo {
		if err := m.loadDemo(ctx); err != nil {
			return err
		}
	}
	if m.Console, err = console.New(m.App, log, console.Options{TileURL: m.Config.Tiles, SecureCookie: m.Config.SecureCookies, Live: live,
		TrustedProxies: m.Config.TrustedProxies}); err != nil {
		return err
	}
	m.API = httpapi.New(m.App, log)
	// Deadlines are in the database: the scheduler re-arms them at start
	// and fires each exactly once, even with several servers.
	interval := m.Config.SchedulerInterval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	m.goRun(func() { m.App.RunScheduler(ctx, interval) })
	// The outbox goes out to its subscribers, one worker each; their
	// streams are in the database and go on after a restart.
	m.Webhooks = &webhook.Dispatcher{App: m.App, Log: log, Client: &http.Client{Timeout: m.Config.WebhookTimeout},
		Backoff: m.Config.WebhookBackoff, MaxBackoff: m.Config.WebhookBackoffMax, Poll: m.Config.WebhookPoll, OnAttempt: m.Metrics.Attempt}
	m.goRun(func() { m.Webhooks.Run(ctx) })

	mux := http.NewServeMux()
	m.API.Register(mux)
	open311.New(m.App, log).Register(mux)
	mux.Handle("GET /metrics", m.Metrics.Handler())
	m.Console.Register(mux)
	m.srv = &http.Server{
		Handler:           m.Metrics.Instrument(log, httpapi.Recover(log, mux)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return err
	}
	log.Info("fenliu listening", "addr", m.URL(), "db", m.DB.Driver)
	// Tests and scripts read the address from this line.
	fmt.Fprintf(m.Out, "listening on %s\n", m.URL())
	m.errc = make(chan error, 1)
	srv, ln := m.srv, m.ln
	go func() { m.errc <- srv.Serve(ln) }()
	return nil
}

// Wait blocks until the server stops serving on its own (an error) or ctx
// ends.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case err := <-m.errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close stops serving (letting requests in flight finish), stops the
// scheduler and the listeners, and closes the database.
func (m *Main) Close() error {
	var errs []error
	if m.srv != nil {
		shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		if err := m.srv.Shutdown(shutCtx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		m.srv = nil
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			errs = append(errs, err)
		}
		m.DB = nil
	}
	return errors.Join(errs...)
}

func (m *Main) goRun(f func()) {
	m.wg.Add(1)
	go func() { defer m.wg.Done(); f() }()
}

func (m *Main) loadDemo(ctx context.Context) error {
	empty, err := m.App.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		fmt.Fprintln(m.Out, "demo: the database already has data; not loading the demo again")
		return nil
	}
	start := time.Now()
	sum, err := demo.Load(ctx, m.App, m.App.Now(), m.Config.DemoIncidents, uint64(time.Now().UnixNano()))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	m.Demo = sum
	PrintDemo(m.Out, sum, time.Since(start))
	return nil
}

// PrintDemo prints what the demo loaded and its accounts' tokens.
func PrintDemo(w io.Writer, sum *demo.Summary, took time.Duration) {
	fmt.Fprintf(w, "demo city 临江市 loaded in %s: %d areas, %d units, %d incidents, %d work orders\n",
		took.Round(time.Millisecond), sum.Areas, sum.Units, sum.Incidents, sum.Orders)
	fmt.Fprintf(w, "every demo user's password: %s\n", demo.Password)
	fmt.Fprintln(w, "API tokens (Authorization: Bearer <token>):")
	for _, acc := range sum.Accounts {
		unit := ""
		if acc.Unit != "" {
			unit = " (" + acc.Unit + ")"
		}
		fmt.Fprintf(w, "  %-28s %-13s %s%s\n", acc.Username, acc.Role, acc.Token, unit)
	}
}

// OpenDB opens and migrates the database.
func OpenDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}

// IsPostgres: the DSN names a PostgreSQL database (else a SQLite file).
func IsPostgres(dsn string) bool { return store.IsPostgres(dsn) }

// NewLogger returns the server's logger: text or JSON lines on w.
// Every line written while serving a request carries its request_id.
func NewLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(requestHandler{slog.NewJSONHandler(w, nil)})
	}
	return slog.New(requestHandler{slog.NewTextHandler(w, nil)})
}

// Triage builds the triage engine for a catalogue: the built-in model for
// the built-in catalogue, else one trained on the project's corpus for it.
func Triage(c *catalog.Catalog) (app.Classifier, error) {
	e, err := triage.ForCatalog(c)
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	return e, nil
}
