package triage

import (
	"strings"
	"testing"
)

// TestWordLists: the embedded word lists parse, and the parser refuses a
// phrase listed twice, the same phrase under two kinds or strengths, and a
// phrase that is both a cue and an exception.
func TestWordLists(t *testing.T) {
	l, err := parseWordLists(cuesTSV, wordsTSV)
	if err != nil {
		t.Fatalf("embedded word lists: %v", err)
	}
	if _, err := parseRewrites(rewritesTSV); err != nil {
		t.Fatalf("embedded rewrites: %v", err)
	}
	kinds := map[CueKind]int{}
	for _, c := range l.cues {
		kinds[c.kind]++
	}
	for k := range cueInfos {
		if kinds[k] == 0 {
			t.Errorf("no cue phrase of kind %s", k)
		}
	}
	if kinds[""] < 100 || len(l.cues) < 2000 {
		t.Errorf("%d cues, %d exceptions: the lists lost lines", len(l.cues), kinds[""])
	}
	const words = "negator\t没有\n"
	for _, tc := range []struct{ name, cues, words, want string }{
		{"duplicate", "fire\tstrong\t着火\nfire\tstrong\t着火\n", words, "listed twice"},
		{"duplicate once normalised", "fire\tstrong\t着火\nfire\tstrong\t著火\n", words, "listed twice"},
		{"two kinds", "fire\tstrong\t冒烟\ngas_leak\tstrong\t冒烟\n", words, "contradicts"},
		{"weak and strong", "fire\tstrong\t冒烟\nfire\tweak\t冒烟\n", words, "contradicts"},
		{"cue and exception", "fire\tweak\t火锅\nexception\t-\t火锅\n", words, "contradicts"},
		{"unknown kind", "firee\tstrong\t着火\n", words, "unknown cue kind"},
		{"bad strength", "fire\tvery\t着火\n", words, "strength"},
		{"empty once normalised", "fire\tstrong\t，\n", words, "empty"},
		{"word twice", "fire\tstrong\t着火\n", "negator\t没有\nnegator\t没有\n", "listed twice"},
		{"unknown list", "fire\tstrong\t着火\n", "negatorr\t没有\n", "unknown list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseWordLists(tc.cues, fullWords(t, tc.words))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := parseRewrites("咋\t怎么\n咋\t什么\n"); err == nil {
		t.Error("a phrase rewritten twice was accepted")
	}
}

// fullWords returns extra plus one word for every other list, so that only
// the case under test fails.
func fullWords(t *testing.T, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(extra)
	for _, n := range wordListNames {
		if !strings.HasPrefix(extra, n+"\t") {
			b.WriteString(n + "\t字\n")
		}
	}
	return b.String()
}
