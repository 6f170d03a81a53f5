package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/triage"
)

func init() {
	register("classify", "triage call texts: JSON lines {id, text} in, one answer line each out", func(ctx context.Context, args []string) error {
		return runClassify(ctx, args, os.Stdin, os.Stdout)
	})
}

// classifyOut is one answer line of `fenliu classify` (TRIAGE_CONTRACT.md).
type classifyOut struct {
	ID          json.RawMessage    `json:"id"`
	Disposition fenliu.Disposition `json:"disposition"`
	Units       []fenliu.UnitType  `json:"units"`
	Hotline     string             `json:"hotline"`
	Category    string             `json:"category"`
	Confidence  float64            `json:"confidence"`
	Reason      *triage.Reason     `json:"reason,omitempty"`
}

type classifyErr struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

var idInBrokenLine = regexp.MustCompile(`"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)`)

func runClassify(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	catFile := fs.String("catalog", "", "catalogue YAML file (default: the built-in catalogue)")
	withReason := fs.Bool("reason", false, "add a \"reason\" key (deciding words, danger cues, sentences)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (input is read from stdin)", fs.Args())
	}
	eng, err := loadEngine(*catFile)
	if err != nil {
		return err
	}
	r := bufio.NewReaderSize(in, 1<<16)
	w := bufio.NewWriterSize(out, 1<<16)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line, rerr := r.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			return rerr
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			if err := enc.Encode(classifyLine(eng, trimmed, *withReason)); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	return w.Flush()
}

func classifyLine(eng *triage.Engine, line []byte, withReason bool) any {
	var req struct {
		ID   json.RawMessage `json:"id"`
		Text *string         `json:"text"`
	}
	if err := json.Unmarshal(line, &req); err != nil {
		id := json.RawMessage(`""`)
		if m := idInBrokenLine.FindSubmatch(line); m != nil && json.Valid(m[1]) {
			id = json.RawMessage(m[1])
		}
		return classifyErr{id, "invalid JSON: " + err.Error()}
	}
	if len(req.ID) == 0 || string(req.ID) == "null" {
		req.ID = json.RawMessage(`""`)
	}
	if req.Text == nil || strings.TrimSpace(*req.Text) == "" {
		return classifyErr{req.ID, "no text"}
	}
	res := eng.Classify(*req.Text)
	o := classifyOut{ID: req.ID, Disposition: res.Disposition, Units: res.Ranked(), Hotline: res.Hotline, Category: res.Category, Confidence: res.Confidence}
	if withReason {
		o.Reason = &res.Reason
	}
	return o
}

// loadEngine returns the default engine, or one trained for a catalogue
// file on the embedded corpus' training split.
func loadEngine(file string) (*triage.Engine, error) {
	if file == "" {
		return triage.Default()
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	train, err := triage.TrainingSet()
	if err != nil {
		return nil, err
	}
	eng, err := triage.New(cat, train)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("%s", file), err)
	}
	return eng, nil
}
