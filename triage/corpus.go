package triage

import (
	"bufio"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/fenliu/fenliu"
)

// Example is one labelled text: the lines of triage/corpus/*.jsonl and of
// shared/triage-sample.jsonl. Category is optional (the sample has none).
type Example struct {
	ID          string             `json:"id"`
	Text        string             `json:"text"`
	Disposition fenliu.Disposition `json:"disposition"`
	UnitsOK     []fenliu.UnitType  `json:"units_ok"`
	UnitsAll    []fenliu.UnitType  `json:"units_all"`
	Hotline     string             `json:"hotline"`
	Category    string             `json:"category,omitempty"`
	Style       string             `json:"style,omitempty"`
	Note        string             `json:"note,omitempty"`
	// Weight counts the example this many times in training (0: once); the
	// desk's corrections weigh more (history.go).
	Weight float64 `json:"weight,omitempty"`
}

// Heldout reports whether the line with this id belongs to the held-out
// split (about one line in five, by a hash of the id). Training never sees
// held-out lines; `fenliu triage-eval --heldout` scores only them.
func Heldout(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%5 == 0
}

// ReadExamples reads labelled JSON lines. Blank lines are skipped; a line
// that does not parse, or has no id or text, is an error naming its line.
func ReadExamples(r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var ex Example
		if err := json.Unmarshal([]byte(line), &ex); err != nil {
			return out, fmt.Errorf("line %d: %w", n, err)
		}
		if ex.ID == "" || strings.TrimSpace(ex.Text) == "" {
			return out, fmt.Errorf("line %d: id and text are required", n)
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}

//go:embed corpus
var corpusFS embed.FS

var (
	corpusOnce sync.Once
	corpusAll  []Example
	corpusErr  error
)

// Corpus returns every labelled line embedded from triage/corpus/*.jsonl,
// in file and line order (lines that do not parse are skipped).
func Corpus() ([]Example, error) {
	corpusOnce.Do(func() {
		names, err := fs.Glob(corpusFS, "corpus/*.jsonl")
		if err != nil {
			corpusErr = err
			return
		}
		sort.Strings(names)
		for _, n := range names {
			f, err := corpusFS.Open(n)
			if err != nil {
				corpusErr = err
				return
			}
			// lenient: a broken line (checked by the catalogue's corpus test)
			// must not take the engine down, so it is skipped
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 1<<20)
			for sc.Scan() {
				var ex Example
				if json.Unmarshal(sc.Bytes(), &ex) != nil || ex.ID == "" || strings.TrimSpace(ex.Text) == "" {
					continue
				}
				corpusAll = append(corpusAll, ex)
			}
			f.Close()
		}
	})
	return corpusAll, corpusErr
}

// TrainingSet returns the embedded corpus lines that are not held out.
func TrainingSet() ([]Example, error) {
	all, err := Corpus()
	if err != nil {
		return nil, err
	}
	out := make([]Example, 0, len(all))
	for _, ex := range all {
		if !Heldout(ex.ID) {
			out = append(out, ex)
		}
	}
	return out, nil
}

// HeldoutSet returns the embedded corpus lines that are held out.
func HeldoutSet() ([]Example, error) {
	all, err := Corpus()
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, ex := range all {
		if Heldout(ex.ID) {
			out = append(out, ex)
		}
	}
	return out, nil
}
