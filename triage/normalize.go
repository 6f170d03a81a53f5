package triage

import (
	"bufio"
	_ "embed"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The OpenCC Traditional→Simplified character table (Apache-2.0, see
// THIRD_PARTY.md), one "traditional simplified" pair a line.
//
//go:embed data/t2s.txt
var t2sData string

var (
	t2sOnce sync.Once
	t2sMap  map[rune]rune
)

func t2s() map[rune]rune {
	t2sOnce.Do(func() {
		m := make(map[rune]rune, 3600)
		sc := bufio.NewScanner(strings.NewReader(t2sData))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' {
				continue
			}
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			a, _ := utf8.DecodeRuneInString(f[0])
			b, _ := utf8.DecodeRuneInString(f[1])
			m[a] = b
		}
		// A few characters OpenCC only converts inside phrases; in callers'
		// speech they are nearly always the simplified reading below.
		for a, b := range map[rune]rune{'著': '着', '瞭': '了', '乾': '干', '摺': '折', '於': '于', '藉': '借', '祇': '只'} {
			m[a] = b
		}
		t2sMap = m
	})
	return t2sMap
}

// ToSimplified converts Traditional Chinese characters to Simplified, one
// character at a time (OpenCC's character table), and leaves everything
// else unchanged.
func ToSimplified(s string) string {
	m := t2s()
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if x, ok := m[r]; ok {
			r = x
		}
		b.WriteRune(r)
	}
	return b.String()
}

// text is a normalised call text: its runes, and for each rune the byte
// span of the original text it came from, so that deciding n-grams can be
// shown as the caller said them.
type text struct {
	orig  string
	runes []rune
	from  []int32 // byte offset in orig where runes[i] starts
	to    []int32 // byte offset in orig where runes[i] ends
}

// sub returns runes [a, b) of t as a text of their own.
func (t *text) sub(a, b int) *text {
	return &text{orig: t.orig, runes: t.runes[a:b], from: t.from[a:b], to: t.to[a:b]}
}

// span returns the original text behind normalised runes [i, j).
func (t *text) span(i, j int) string {
	if i < 0 || j > len(t.runes) || i >= j {
		return ""
	}
	a, b := t.from[i], t.to[j-1]
	if b < a {
		a, b = b, a
	}
	return t.orig[a:b]
}

// rewrites (data/rewrites.tsv, parsed in wordlists.go) are applied after
// character conversion: dialect words, common phone-input typos and
// homophones, and callers' fillers (rewritten to nothing). Longest match
// wins.

var rewriteIndex = func() map[rune][]string {
	idx := map[rune][]string{}
	for k := range rewrites {
		r, _ := utf8.DecodeRuneInString(k)
		idx[r] = append(idx[r], k)
	}
	for r := range idx {
		ks := idx[r]
		sort.Slice(ks, func(i, j int) bool {
			if len(ks[i]) != len(ks[j]) {
				return len(ks[i]) > len(ks[j])
			}
			return ks[i] < ks[j]
		})
	}
	return idx
}()

// fold maps one rune to its normal form: full-width → half-width,
// Traditional → Simplified, ASCII lower case, digits to '0', and all
// punctuation and spaces to a single separator (' ').
func fold(r rune, m map[rune]rune) rune {
	switch {
	case r == 0x3000:
		return ' '
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	}
	if x, ok := m[r]; ok {
		return x
	}
	switch {
	case r >= 'A' && r <= 'Z':
		return r + 'a' - 'A'
	case r >= 'a' && r <= 'z':
		return r
	case r >= '0' && r <= '9':
		return '0'
	case unicode.Is(unicode.Han, r):
		return r
	case unicode.IsLetter(r):
		return unicode.ToLower(r)
	case unicode.IsDigit(r):
		return '0'
	}
	return ' '
}

// normalize turns a caller's text into the form the features are read from.
func normalize(s string) *text {
	m := t2s()
	// Pass 1: fold runes one to one, remembering their byte spans.
	n := utf8.RuneCountInString(s)
	runes := make([]rune, 0, n)
	from := make([]int32, 0, n)
	to := make([]int32, 0, n)
	for i, r := range s {
		f := fold(r, m)
		w := utf8.RuneLen(r)
		if w < 0 {
			w = 1
		}
		if f == ' ' && len(runes) > 0 && runes[len(runes)-1] == ' ' {
			to[len(to)-1] = int32(i + w)
			continue
		}
		runes = append(runes, f)
		from = append(from, int32(i))
		to = append(to, int32(i+w))
	}
	t := &text{orig: s, runes: runes, from: from, to: to}
	// Pass 2: phrase rewrites (dialect, typos, fillers).
	var (
		out           []rune
		ofrom, oto    []int32
		changed       bool
		rewriteBuffer [16]rune
	)
	for i := 0; i < len(runes); {
		cands := rewriteIndex[runes[i]]
		hit := ""
		hitLen := 0
		for _, k := range cands {
			kl := utf8.RuneCountInString(k)
			if i+kl > len(runes) {
				continue
			}
			ok := true
			j := i
			for _, kr := range k {
				if runes[j] != kr {
					ok = false
					break
				}
				j++
			}
			if ok {
				hit, hitLen = k, kl
				break
			}
		}
		if hitLen == 0 {
			if changed {
				if runes[i] == ' ' && len(out) > 0 && out[len(out)-1] == ' ' {
					oto[len(oto)-1] = to[i]
					i++
					continue
				}
				out = append(out, runes[i])
				ofrom = append(ofrom, from[i])
				oto = append(oto, to[i])
			}
			i++
			continue
		}
		if !changed {
			changed = true
			out = append(make([]rune, 0, len(runes)+8), runes[:i]...)
			ofrom = append(make([]int32, 0, len(runes)+8), from[:i]...)
			oto = append(make([]int32, 0, len(runes)+8), to[:i]...)
		}
		repl := append(rewriteBuffer[:0], []rune(rewrites[hit])...)
		a, b := from[i], to[i+hitLen-1]
		if len(repl) == 0 {
			// a filler becomes a separator, so n-grams do not join across it
			if len(out) > 0 && out[len(out)-1] != ' ' {
				out = append(out, ' ')
				ofrom = append(ofrom, a)
				oto = append(oto, b)
			}
		}
		for _, r := range repl {
			out = append(out, r)
			ofrom = append(ofrom, a)
			oto = append(oto, b)
		}
		i += hitLen
	}
	if changed {
		t.runes, t.from, t.to = out, ofrom, oto
	}
	return t
}

// Normalize returns the normalised form of a text as the engine reads it
// (Simplified, half-width, dialect and typos rewritten, punctuation as
// spaces). It is exported for tools and tests.
func Normalize(s string) string { return string(normalize(s).runes) }
