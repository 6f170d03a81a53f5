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
	install := fs.Bool("install", false, "with --db: install the new model in that database as a new version, made active when the server's comparison with the active model accepts it")
	note := fs.String("note", "", "with --install: a note kept with the model version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	history = append(history, fs.Args()...)
	if (*outFile == "" && !*install) || (len(history) == 0 && *dsn == "") || (*install && *dsn == "") {
		return errors.New("usage: fenliu triage-train --history FILE... [--catalog FILE] [--db DSN [--install [--note TEXT]]] [--out MODEL]")
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
	if *outFile != "" {
		if err := os.WriteFile(*outFile, b.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(out, "wrote %s: model %s, %d bytes\n", *outFile, v, b.Len())
	}
	if *install {
		return installModel(ctx, *dsn, b.Bytes(), *note, out)
	}
	return nil
}

// installModel installs a model file in a database through the service
// layer, which compares it with the active model again and refuses a worse one.
func installModel(ctx context.Context, dsn string, body []byte, note string, out io.Writer) error {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := newApp(db)
	if err := a.LoadCatalog(ctx); err != nil {
		return err
	}
	res, err := a.InstallModel(ctx, nil, body, note)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "installed model %s as version %d (active): %s\n", res.Version.Version, res.Version.ID, res.Evaluation.Why)
	return nil
}

// decidedHistory reads the incidents people decided in a database as
// history lines, and a resolver from the directory's units to unit types.
func decidedHistory(ctx context.Context, dsn string, eng *triage.Engine) ([]triage.HistoryLine, triage.UnitResolver, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	a := newApp(db)
	lines, err := a.DecidedHistory(ctx, eng.Catalog())
	if err != nil {
		return nil, nil, err
	}
	types, err := a.UnitTypes(ctx)
	if err != nil {
		return nil, nil, err
	}
	resolve := func(name string) (fenliu.UnitType, bool) {
		u, ok := types[name]
		return u, ok
	}
	return lines, resolve, nil
}
