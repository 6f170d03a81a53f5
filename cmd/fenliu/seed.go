package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server"
)

func init() {
	register("seed", "load the demo city into an empty database and print its accounts", func(ctx context.Context, args []string) error {
		fs := flag.NewFlagSet("seed", flag.ContinueOnError)
		dsn := dbFlag(fs)
		n := fs.Int("incidents", 300, "incidents the demo makes")
		if err := fs.Parse(args); err != nil {
			return err
		}
		db, err := openDB(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		a := newApp(db)
		if err := a.LoadCatalog(ctx); err != nil {
			return err
		}
		if empty, err := a.Empty(ctx); err != nil || !empty {
			if err == nil {
				fmt.Println("demo: the database already has data; not loading the demo again")
			}
			return err
		}
		start := time.Now()
		sum, err := demo.Load(ctx, a, time.Now().UTC(), *n, uint64(time.Now().UnixNano()))
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		server.PrintDemo(os.Stdout, sum, time.Since(start))
		return nil
	})
	register("user", "add a user and print an API token for it", func(ctx context.Context, args []string) error {
		fs := flag.NewFlagSet("user", flag.ContinueOnError)
		dsn := dbFlag(fs)
		name := fs.String("name", "", "username (required)")
		display := fs.String("display", "", "display name (default: the username)")
		role := fs.String("role", "", "role: call_taker, linkage_desk, unit_staff, supervisor, callback, leader, admin")
		unit := fs.Int64("unit", 0, "unit id (unit_staff only)")
		password := fs.String("password", "", "console password (optional)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		if *name == "" || *role == "" {
			return errors.New("-name and -role are required")
		}
		if *display == "" {
			*display = *name
		}
		db, err := openDB(ctx, *dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		a := newApp(db)
		u := &fenliu.User{Username: *name, DisplayName: *display, Role: fenliu.Role(*role), UnitID: *unit}
		if err := a.Bootstrap(ctx, u, *password); err != nil {
			return err
		}
		tok, err := a.CreateToken(ctx, nil, u.ID, "cli "+time.Now().UTC().Format(time.RFC3339))
		if err != nil {
			return err
		}
		fmt.Printf("user %d %s (%s)\ntoken %s\n", u.ID, u.Username, u.Role, tok)
		return nil
	})
}
