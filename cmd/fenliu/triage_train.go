package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/triage"
)

func init() {
	register("triage-train", "learn a triage model from a city's history (JSONL/CSV) and decided incidents, compared with the current one", func(ctx context.Context, args []string) error {
		return runTriageTrain(ctx, args, os.Stdout, os.Stderr)
	})
}

// stringList is a flag that may be given several times.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func runTriageTrain(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("triage-train", flag.ContinueOnError)
	var history stringList
	fs.Var(&history, "history", "history file: JSON lines or CSV with a header (text, units | unit_type | unit, category, disposition); may be repeated, further files may follow the flags")
	catFile := fs.String("catalog", "", "catalogue YAML file (default: the built-in catalogue)")
	dsn := fs.String("db", "", "also learn from the incidents people decided in this database (SQLite file or postgres:// URL)")
	current := fs.String("model", "", "the current model to compare with (default: the built-in model)")
	outFile := fs.String("out", "", "model file to write (required)")
	force := fs.Bool("force", false, "write the new model even when it is refused (worse on safety or units)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	history = append(history, fs.Args()...)
	if *outFile == "" || (len(history) == 0 && *dsn == "") {
		return errors.New("usage: fenliu triage-train --history FILE... [--catalog FILE] [--db DSN] --out MODEL")
	}
	cur, err := loadEngine(*catFile, *current)
	if err != nil {
		return err
	}
	var lines []triage.HistoryLine
	var resolve triage.UnitResolver
	if *dsn != "" {
		dbLines, res, err := decidedHistory(ctx, *dsn, cur)
		if err != nil {
			return err
		}
		resolve = res
		lines = append(lines, dbLines...)
		fmt.Fprintf(errOut, "%s: %d decided incidents\n", *dsn, len(dbLines))
	}
	for _, name := range history {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		hl, skipped, err := triage.ReadHistory(f, resolve)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if len(skipped) > 0 {
			fmt.Fprintf(errOut, "%s: %d lines skipped, e.g. %s\n", name, len(skipped), skipped[0])
		}
		lines = append(lines, hl...)
	}
	corpus, err := triage.Corpus()
	if err != nil {
		return err
	}
	eng, rep, err := triage.Train(cur, corpus, lines)
	if err != nil {
		return err
	}
	rep.Write(out)
	if !rep.Accepted && !*force {
		return fmt.Errorf("new model refused (%s); nothing written (--force writes it anyway)", rep.Why)
	}
	var b bytes.Buffer
	v, err := eng.WriteModel(&b)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*outFile, b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: model %s, %d bytes\n", *outFile, v, b.Len())
	return nil
}

// correctionWeight: a decision that changed the engine's suggestion
// counts this many times.
const correctionWeight = 2

// decidedHistory reads the incidents people decided in a database as
// history lines (the final category and lead unit; the desk's corrections
// weighted up), and a resolver from the directory's units to unit types.
func decidedHistory(ctx context.Context, dsn string, eng *triage.Engine) ([]triage.HistoryLine, triage.UnitResolver, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	a := newApp(db)
	decided, err := a.DecidedIncidents(ctx)
	if err != nil {
		return nil, nil, err
	}
	types, err := a.UnitTypes(ctx)
	if err != nil {
		return nil, nil, err
	}
	var lines []triage.HistoryLine
	for _, d := range decided {
		h := triage.HistoryLine{ID: fmt.Sprintf("incident-%d", d.ID), Text: d.Text, Disposition: d.Disposition, Weight: 1}
		if eng.Catalog().Category(d.Category) != nil {
			h.Category = d.Category
		}
		if d.LeadUnit.Valid() {
			h.Units = append(h.Units, d.LeadUnit)
		}
		if h.Category == "" && len(h.Units) == 0 && !d.Disposition.Valid() {
			continue
		}
		if d.Corrected() {
			h.Weight = correctionWeight
		}
		lines = append(lines, h)
	}
	resolve := func(name string) (fenliu.UnitType, bool) {
		u, ok := types[name]
		return u, ok
	}
	return lines, resolve, nil
}
