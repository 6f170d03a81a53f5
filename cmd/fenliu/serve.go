package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/console"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/httpapi"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/webhook"
)

// Settings come from flags, with environment variables as defaults.
const (
	envDB   = "FENLIU_DB"   // SQLite file path or PostgreSQL URL
	envAddr = "FENLIU_ADDR" // listen address
)

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", envOr(envDB, "fenliu.db"), "SQLite file, or PostgreSQL URL (postgres://…); env "+envDB)
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*store.DB, error) {
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

func init() {
	register("serve", "run the server (API on an embedded SQLite file by default)", serve)
	register("migrate", "apply database migrations and exit", func(ctx context.Context, args []string) error {
		fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
		dsn := dbFlag(fs)
		if err := fs.Parse(args); err != nil {
			return err
		}
		db, err := store.Open(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		n, err := db.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("applied %d migration(s) to %s database\n", n, db.Driver)
		return nil
	})
}

// onListen, if set (by tests), is told the address once the server listens.
var onListen func(addr string)

func serve(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dsn := dbFlag(fs)
	addr := fs.String("addr", envOr(envAddr, "127.0.0.1:8080"), "listen address; env "+envAddr)
	withDemo := fs.Bool("demo", false, "load the demo city into an empty database")
	demoN := fs.Int("demo-incidents", 300, "incidents the demo makes")
	tiles := fs.String("tiles", os.Getenv("FENLIU_TILES"), "map tile URL template (e.g. https://tile.example/{z}/{x}/{y}.png); empty draws maps without tiles; env FENLIU_TILES")
	hook := fs.String("webhook", os.Getenv("FENLIU_WEBHOOK_URL"), "URL that receives notices (warnings, supervision, escalation) as JSON POSTs; env FENLIU_WEBHOOK_URL (FENLIU_WEBHOOK_SECRET signs them)")
	repeatWindow := fs.Duration("repeat-window", 72*time.Hour, "a call within this time of an earlier one from the same caller, or about the same place and matter, is a repeat call")
	secure := fs.Bool("secure-cookies", os.Getenv("FENLIU_SECURE_COOKIES") == "1", "mark cookies Secure (serve behind HTTPS); env FENLIU_SECURE_COOKIES=1")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := app.New(db)
	a.RepeatWindow = *repeatWindow
	if err := wireTriage(a); err != nil {
		return err
	}
	if err := a.LoadCatalog(ctx); err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	if *withDemo {
		if err := loadDemo(ctx, a, *demoN); err != nil {
			return err
		}
	}
	web, err := console.New(a, log, console.Options{TileURL: *tiles, SecureCookie: *secure})
	if err != nil {
		return err
	}
	a.Changed = web.Live.Publish
	if db.Driver == "postgres" {
		// Several servers may share the database: every change goes through
		// NOTIFY, and each server's listener feeds its own screens.
		a.Changed = func(id int64) {
			if _, err := db.NotifyChange(context.WithoutCancel(ctx), id); err != nil {
				log.Warn("notify", "err", err)
				web.Live.Publish(id)
			}
		}
		go db.ListenChanges(ctx, web.Live.Publish, func(err error) { log.Warn("listen", "err", err) })
	}
	if *hook != "" {
		sender := &webhook.Sender{URL: *hook, Secret: os.Getenv("FENLIU_WEBHOOK_SECRET"), Log: log}
		sender.Start(ctx)
		a.Notify = sender.Send
	}
	// Deadlines are in the database: the scheduler re-arms them at start
	// and fires each exactly once, even with several servers.
	a.Location = web.Opts.Location // report rollups are kept by the city's days
	go a.RunScheduler(ctx, 30*time.Second, web.Opts.Location, func(err error) { log.Error("scheduler", "err", err) })
	mux := http.NewServeMux()
	httpapi.New(a, log).Routes(mux)
	web.Routes(mux)
	srv := &http.Server{
		Handler:           httpapi.Recover(log, mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("fenliu listening", "addr", "http://"+ln.Addr().String(), "db", db.Driver)
	// Tests and scripts read the address from this line.
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if onListen != nil {
		onListen(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func loadDemo(ctx context.Context, a *app.App, n int) error {
	empty, err := demo.Empty(ctx, a.DB)
	if err != nil {
		return err
	}
	if !empty {
		fmt.Println("demo: the database already has data; not loading the demo again")
		return nil
	}
	start := time.Now()
	sum, err := demo.Load(ctx, a, time.Now().UTC(), n, uint64(time.Now().UnixNano()))
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	printDemo(sum, time.Since(start))
	return nil
}

func printDemo(sum *demo.Summary, took time.Duration) {
	fmt.Printf("demo city 临江市 loaded in %s: %d areas, %d units, %d incidents, %d work orders\n",
		took.Round(time.Millisecond), sum.Areas, sum.Units, sum.Incidents, sum.Orders)
	fmt.Printf("every demo user's password: %s\n", demo.Password)
	fmt.Println("API tokens (Authorization: Bearer <token>):")
	for _, acc := range sum.Accounts {
		unit := ""
		if acc.Unit != "" {
			unit = " (" + acc.Unit + ")"
		}
		fmt.Printf("  %-28s %-13s %s%s\n", acc.Username, acc.Role, acc.Token, unit)
	}
}
