package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fenliu/fenliu/triage"
)

func init() {
	register("triage-eval", "score the triage engine on labelled JSON lines", func(ctx context.Context, args []string) error {
		return runTriageEval(ctx, args, os.Stdout)
	})
}

func runTriageEval(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("triage-eval", flag.ContinueOnError)
	catFile := fs.String("catalog", "", "catalogue YAML file (default: the built-in catalogue)")
	heldout := fs.Bool("heldout", false, "score only the held-out lines (triage.Heldout of the id)")
	modelFile := fs.String("model", "", "model file written by triage-train (default: the built-in model)")
	history := fs.Bool("history", false, "the files are history lines (text, units, …: the triage-train format), not labelled examples")
	verbose := fs.Bool("v", false, "list every wrong answer")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: fenliu triage-eval [--catalog FILE] [--model MODEL] [--history] [--heldout] [-v] FILE...")
	}
	var exs []triage.Example
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		var lines []triage.Example
		if *history {
			var hl []triage.HistoryLine
			hl, _, err = triage.ReadHistory(f, nil)
			for _, h := range hl {
				lines = append(lines, h.Example())
			}
		} else {
			lines, err = triage.ReadExamples(f)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, ex := range lines {
			if !*heldout || triage.Heldout(ex.ID) {
				exs = append(exs, ex)
			}
		}
	}
	eng, err := loadEngine(*catFile, *modelFile)
	if err != nil {
		return err
	}
	m := triage.Evaluate(eng, exs)
	m.Write(out, *verbose)
	return nil
}
