package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fenliu/fenliu"
)

func TestDefaultCatalogue(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Categories()); n < 100 {
		t.Errorf("default catalogue has %d categories, want at least 100", n)
	}
	if n := len(c.Groups); n < 20 {
		t.Errorf("default catalogue has %d groups, want at least 20", n)
	}
	covered := map[fenliu.UnitType]bool{}
	for _, cat := range c.Categories() {
		for _, u := range cat.Units {
			covered[u] = true
		}
	}
	for _, u := range fenliu.UnitTypes {
		if !covered[u.Code] {
			t.Errorf("no category names unit type %s", u.Code)
		}
	}
}

// corpusLine is one labelled text of triage/corpus/*.jsonl.
type corpusLine struct {
	ID          string            `json:"id"`
	Text        string            `json:"text"`
	Disposition string            `json:"disposition"`
	UnitsOK     []fenliu.UnitType `json:"units_ok"`
	UnitsAll    []fenliu.UnitType `json:"units_all"`
	Hotline     string            `json:"hotline"`
	Category    string            `json:"category"`
	Style       string            `json:"style"`
	Note        string            `json:"note,omitempty"`
}

// TestCorpusLabels checks every labelled corpus line against the catalogue:
// run it with `go test ./catalog -run Corpus` while writing the corpus.
func TestCorpusLabels(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../triage/corpus/*.jsonl")
	ids := map[string]string{}
	texts := map[string]string{}
	styles := map[string]bool{"caller": true, "taker": true, "trad": true, "dialect": true, "typo": true, "tricky": true}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			raw := strings.TrimSpace(sc.Text())
			if raw == "" {
				continue
			}
			where := filepath.Base(f) + ":" + itoa(n)
			var l corpusLine
			dec := json.NewDecoder(strings.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&l); err != nil {
				t.Errorf("%s: %v", where, err)
				continue
			}
			if prev, dup := ids[l.ID]; dup || l.ID == "" {
				t.Errorf("%s: id %q empty or already used at %s", where, l.ID, prev)
			}
			ids[l.ID] = where
			if prev, dup := texts[l.Text]; dup {
				t.Errorf("%s: same text as %s", where, prev)
			}
			texts[l.Text] = where
			if n := utf8.RuneCountInString(l.Text); n < 4 || n > 300 {
				t.Errorf("%s: text of %d characters", where, n)
			}
			if !styles[l.Style] {
				t.Errorf("%s: unknown style %q", where, l.Style)
			}
			cat := c.Category(l.Category)
			if cat == nil {
				t.Errorf("%s: unknown category %q", where, l.Category)
				continue
			}
			if string(cat.Disposition) != l.Disposition {
				t.Errorf("%s: disposition %s but category %s is %s", where, l.Disposition, cat.Code, cat.Disposition)
			}
			if l.Hotline != cat.Hotline {
				t.Errorf("%s: hotline %q but category %s has %q", where, l.Hotline, cat.Code, cat.Hotline)
			}
			if len(l.UnitsOK) == 0 {
				t.Errorf("%s: units_ok is empty", where)
			}
			for _, u := range append(append([]fenliu.UnitType{}, l.UnitsOK...), l.UnitsAll...) {
				if !u.Valid() {
					t.Errorf("%s: unknown unit type %q", where, u)
				}
			}
			if d := fenliu.Disposition(l.Disposition); d.PoliceSide() && !contains(l.UnitsAll, fenliu.UTPolice) {
				t.Errorf("%s: %s line must list police in units_all", where, d)
			}
		}
	}
	t.Logf("%d corpus lines in %d files", len(ids), len(files))
}

func itoa(n int) string { return jsonNum(n) }

func jsonNum(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestDurations(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		out  string
	}{
		{"30m", 30 * time.Minute, "30m"},
		{"2h", 2 * time.Hour, "2h"},
		{"3d", 72 * time.Hour, "3d"},
		{"1d12h", 36 * time.Hour, "1d12h"},
		{"", 0, "0"},
	} {
		got, err := ParseDuration(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if s := FormatDuration(got); s != tc.out {
			t.Errorf("FormatDuration(%v) = %q, want %q", got, s, tc.out)
		}
	}
	for _, bad := range []string{"x", "-3h", "d", "3x"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}
