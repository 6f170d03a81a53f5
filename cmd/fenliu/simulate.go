package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/fenliu/fenliu/sim"
)

func init() {
	register("simulate", "play a city for days on a simulated clock and check it holds together", simulate)
}

// simulate runs the city simulator (package sim) and prints what it played
// and checked; a broken invariant prints the incident's story and fails.
func simulate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	days := fs.Int("days", 30, "simulated days")
	dsn := fs.String("db", "", "database (SQLite file or PostgreSQL URL; default a fresh SQLite file in a temporary folder); it must be empty")
	seed := fs.Uint64("seed", 1, "the same seed plays the same city")
	calls := fs.Int("calls", 240, "average calls a day")
	quiet := fs.Bool("quiet", false, "no progress lines")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := sim.Config{DSN: *dsn, Days: *days, Seed: *seed, CallsPerDay: *calls}
	if !*quiet {
		cfg.Out = os.Stdout
	}
	if cfg.DSN == "" {
		dir, err := os.MkdirTemp("", "fenliu-sim-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	sum, err := sim.Run(ctx, cfg)
	if sum != nil {
		sum.Print(os.Stdout)
	}
	var f *sim.Failure
	if errors.As(err, &f) {
		return fmt.Errorf("the city broke an invariant")
	}
	return err
}
