package triage

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
)

// The word lists are data, not code: the danger cues and their exceptions
// (data/cues.tsv), the words the cue rules use (data/words.tsv) and the
// rewrites of Normalize (data/rewrites.tsv). They are parsed once, at
// start, and refused — the package does not start — when a phrase is
// listed twice or contradicts another (TestWordLists checks the files).

//go:embed data/cues.tsv data/words.tsv data/rewrites.tsv data/default.model
var dataFS embed.FS

var (
	cuesTSV     = readData("data/cues.tsv")
	wordsTSV    = readData("data/words.tsv")
	rewritesTSV = readData("data/rewrites.tsv")
)

func readData(name string) string {
	b, err := fs.ReadFile(dataFS, name)
	if err != nil {
		panic("triage: " + err.Error())
	}
	return string(b)
}

// cueEntry is one line of data/cues.tsv; kind "" is an exception.
type cueEntry struct {
	kind   CueKind
	strong bool
	phrase string // as written
	norm   string // after Normalize
	line   int
}

// wordLists are the parsed data files.
type wordLists struct {
	cues     []cueEntry
	words    map[string][]string
	rewrites map[string]string
}

// wordListNames are the lists data/words.tsv may hold.
var wordListNames = []string{"negator", "neg_filler", "hypo", "post_hypo", "person", "past", "animal", "road",
	"da_everyday", "da_next", "da_prev", "da_not_after", "child", "elderly", "now", "question", "present", "segment_start"}

// rewritesOnly parses data/rewrites.tsv: Normalize needs it before the
// cue phrases can be normalised.
var rewrites = func() map[string]string {
	m, err := parseRewrites(rewritesTSV)
	if err != nil {
		panic("triage: data/rewrites.tsv: " + err.Error())
	}
	return m
}()

var lists = func() *wordLists {
	l, err := parseWordLists(cuesTSV, wordsTSV)
	if err != nil {
		panic("triage: " + err.Error())
	}
	l.rewrites = rewrites
	return l
}()

// tsvLines calls f with the fields of each line that is not blank or a
// comment, and its number.
func tsvLines(s string, f func(n int, fields []string) error) error {
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := f(i+1, strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

func parseRewrites(s string) (map[string]string, error) {
	m := map[string]string{}
	err := tsvLines(s, func(n int, fs []string) error {
		if len(fs) != 2 || fs[0] == "" {
			return fmt.Errorf("want from<TAB>to, got %q", strings.Join(fs, "\t"))
		}
		if _, dup := m[fs[0]]; dup {
			return fmt.Errorf("%q rewritten twice", fs[0])
		}
		m[fs[0]] = fs[1]
		return nil
	})
	return m, err
}

// parseWordLists parses the cue and word files and refuses a phrase listed
// twice (after normalisation), the same phrase under two kinds or
// strengths, and a phrase that is both a cue and an exception.
func parseWordLists(cues, words string) (*wordLists, error) {
	l := &wordLists{words: map[string][]string{}}
	byNorm := map[string]cueEntry{}
	err := tsvLines(cues, func(n int, fs []string) error {
		if len(fs) != 3 {
			return fmt.Errorf("want kind<TAB>strength<TAB>phrase, got %q", strings.Join(fs, "\t"))
		}
		e := cueEntry{phrase: fs[2], norm: Normalize(fs[2]), line: n}
		switch {
		case fs[0] == "exception":
			if fs[1] != "-" {
				return fmt.Errorf("exception %q: strength must be \"-\"", fs[2])
			}
		default:
			if _, ok := cueInfos[CueKind(fs[0])]; !ok {
				return fmt.Errorf("unknown cue kind %q", fs[0])
			}
			e.kind = CueKind(fs[0])
			switch fs[1] {
			case "strong":
				e.strong = true
			case "weak":
			default:
				return fmt.Errorf("%q: strength must be strong or weak, not %q", fs[2], fs[1])
			}
		}
		if strings.TrimSpace(e.norm) == "" {
			return fmt.Errorf("%q is empty once normalised", fs[2])
		}
		if o, dup := byNorm[e.norm]; dup {
			if o.kind == e.kind && o.strong == e.strong {
				return fmt.Errorf("%q listed twice (also line %d)", fs[2], o.line)
			}
			return fmt.Errorf("%q as %s contradicts line %d (%q as %s)", fs[2], e.describe(), o.line, o.phrase, o.describe())
		}
		byNorm[e.norm] = e
		l.cues = append(l.cues, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data/cues.tsv: %w", err)
	}
	known := map[string]bool{}
	for _, n := range wordListNames {
		known[n] = true
	}
	seen := map[string]int{}
	err = tsvLines(words, func(n int, fs []string) error {
		if len(fs) != 2 || fs[1] == "" {
			return fmt.Errorf("want list<TAB>phrase, got %q", strings.Join(fs, "\t"))
		}
		if !known[fs[0]] {
			return fmt.Errorf("unknown list %q", fs[0])
		}
		k := fs[0] + "\t" + fs[1]
		if o, dup := seen[k]; dup {
			return fmt.Errorf("%s %q listed twice (also line %d)", fs[0], fs[1], o)
		}
		seen[k] = n
		l.words[fs[0]] = append(l.words[fs[0]], fs[1])
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("data/words.tsv: %w", err)
	}
	for _, n := range wordListNames {
		if len(l.words[n]) == 0 {
			return nil, fmt.Errorf("data/words.tsv: list %s is empty", n)
		}
	}
	return l, nil
}

func (e cueEntry) describe() string {
	switch {
	case e.kind == "":
		return "exception"
	case e.strong:
		return string(e.kind) + "/strong"
	}
	return string(e.kind) + "/weak"
}
