package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/store"
)

// dbFlag adds -db (env FENLIU_DB) to a tool's flags.
func dbFlag(fs *flag.FlagSet) *string {
	cfg, err := server.DefaultConfig()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fenliu:", err)
	}
	cfg.Flags(fs, "db")
	return &cfg.DB
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, dsn string) (*store.DB, error) { return server.OpenDB(ctx, dsn) }

// newApp is the service layer for a tool (no triage engine, no scheduler).
func newApp(db *store.DB) *app.App { return app.New(db, app.Options{}) }

func init() {
	register("serve", "run the server (console and API on an embedded SQLite file by default)", serve)
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

// serve runs the server until ctx ends (SIGTERM, SIGINT): every setting
// from the one configuration table (server.Options), as flags or
// environment variables.
func serve(ctx context.Context, args []string) error {
	cfg, err := server.DefaultConfig()
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	cfg.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	m := server.New(cfg)
	m.Out = os.Stdout
	m.Log = server.NewLogger(cfg.LogFormat, os.Stderr)
	if err := m.Run(ctx); err != nil {
		return err
	}
	err = m.Wait(ctx)
	m.Log.Info("shutting down")
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return err
}
