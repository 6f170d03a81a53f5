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
	"runtime"
	"strings"
	"sync"

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
	Review      bool               `json:"review,omitempty"`
	Reason      *classifyReason    `json:"reason,omitempty"`
}

// classifyReason is the "reason" key of --reason.
type classifyReason struct {
	Words  []string `json:"words"`
	Cues   []string `json:"cues"`
	Denied []string `json:"denied,omitempty"`
	Danger []string `json:"danger,omitempty"`
	Rule   string   `json:"rule"`
	ZH     string   `json:"zh"`
	EN     string   `json:"en"`
	AskZH  string   `json:"ask_zh,omitempty"`
	AskEN  string   `json:"ask_en,omitempty"`
}

type classifyErr struct {
	ID    json.RawMessage `json:"id"`
	Error string          `json:"error"`
}

var idInBrokenLine = regexp.MustCompile(`"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)`)

// classifyBatch is how many lines a worker takes at a time.
const classifyBatch = 256

func runClassify(ctx context.Context, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	catFile := fs.String("catalog", "", "catalogue YAML file (default: the built-in catalogue)")
	modelFile := fs.String("model", "", "model file written by triage-train (default: the built-in model)")
	withReason := fs.Bool("reason", false, "add a \"reason\" key (deciding words, danger cues, sentences)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "lines classified at once (output keeps the input's order)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (input is read from stdin)", fs.Args())
	}
	eng, err := loadEngine(*catFile, *modelFile)
	if err != nil {
		return err
	}
	if *workers < 1 {
		*workers = 1
	}
	r := bufio.NewReaderSize(in, 1<<16)
	w := bufio.NewWriterSize(out, 1<<16)
	defer w.Flush()

	// Batches of lines go to the workers in order; each batch's answers
	// come back on its own channel, which the writer reads in order.
	type batch struct {
		lines [][]byte
		out   chan []byte
	}
	jobs := make(chan *batch, *workers)
	order := make(chan *batch, *workers*2)
	var wg sync.WaitGroup
	for i := 0; i < *workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for b := range jobs {
				buf.Reset()
				for _, l := range b.lines {
					enc.Encode(classifyLine(eng, l, *withReason))
				}
				b.out <- append([]byte(nil), buf.Bytes()...)
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		var cur *batch
		flush := func() {
			if cur != nil {
				jobs <- cur
				order <- cur
				cur = nil
			}
		}
		for n := 0; ; n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				readErr <- ctx.Err()
				return
			}
			line, rerr := r.ReadBytes('\n')
			if rerr != nil && rerr != io.EOF {
				readErr <- rerr
				return
			}
			if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
				if cur == nil {
					cur = &batch{out: make(chan []byte, 1)}
				}
				cur.lines = append(cur.lines, trimmed)
				if len(cur.lines) == classifyBatch {
					flush()
				}
			}
			if rerr == io.EOF {
				flush()
				readErr <- nil
				return
			}
		}
	}()
	var werr error
	for b := range order {
		res := <-b.out
		if werr == nil {
			_, werr = w.Write(res)
		}
	}
	wg.Wait()
	if err := <-readErr; err != nil {
		return err
	}
	if werr != nil {
		return werr
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
	res := eng.Answer(*req.Text, withReason)
	o := classifyOut{ID: req.ID, Disposition: res.Disposition, Units: res.RankedUnits(), Hotline: res.Hotline, Category: res.Category,
		Confidence: res.Confidence, Review: res.Review}
	if withReason {
		o.Reason = &classifyReason{Words: res.Words, Cues: res.Cues, Denied: res.Denied, Danger: res.Danger, Rule: res.Rule,
			ZH: res.ReasonZH, EN: res.ReasonEN, AskZH: res.AskZH, AskEN: res.AskEN}
		if o.Reason.Words == nil {
			o.Reason.Words = []string{}
		}
		if o.Reason.Cues == nil {
			o.Reason.Cues = []string{}
		}
	}
	return o
}

// loadEngine returns the engine for a catalogue file (default: the
// built-in catalogue) with a model file (default: the built-in model, or
// one trained on the corpus' training split for another catalogue).
func loadEngine(catFile, modelFile string) (*triage.Engine, error) {
	cat, err := catalog.Default()
	if catFile != "" {
		b, rerr := os.ReadFile(catFile)
		if rerr != nil {
			return nil, rerr
		}
		if cat, err = catalog.Parse(b); err != nil {
			return nil, fmt.Errorf("%s: %w", catFile, err)
		}
	}
	if err != nil {
		return nil, err
	}
	if modelFile == "" {
		if catFile == "" {
			return triage.Default()
		}
		eng, err := triage.ForCatalog(cat)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("%s", catFile), err)
		}
		return eng, nil
	}
	f, err := os.Open(modelFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	eng, err := triage.Load(cat, f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", modelFile, err)
	}
	return eng, nil
}
