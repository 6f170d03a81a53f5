package triage

import "strings"

// Context features of a text for the danger model: who is named (a child,
// an elderly or vulnerable person), whether it is now or past, feared or
// real, a question — alone and joined with each danger cue's kind and
// state, so the model can learn that a beating now is danger and a beating
// last year in a compensation claim is not.

var (
	childWords    = runesOf(lists.words["child"])
	elderlyWords  = runesOf(lists.words["elderly"])
	nowWords      = runesOf(lists.words["now"])
	questionWords = runesOf(lists.words["question"])
)

const seedContext = 104

// textContext is what the context features are made of.
type textContext struct {
	child, elderly, person, now, past, hypo, question bool
}

func anyAt(rs []rune, words [][]rune) bool {
	for i := range rs {
		for _, w := range words {
			if hasAt(rs, i, w) {
				return true
			}
		}
	}
	return false
}

func contextOf(rs []rune) textContext {
	return textContext{
		child:    anyAt(rs, childWords),
		elderly:  anyAt(rs, elderlyWords),
		person:   anyAt(rs, personWords),
		now:      anyAt(rs, nowWords),
		past:     anyAt(rs, pastWords),
		hypo:     anyAt(rs, hypoRunes),
		question: anyAt(rs, questionWords),
	}
}

// contextFeatures emits the context flags and, for each cue, its kind and
// state joined with each flag that is set.
func contextFeatures(rs []rune, cues []Cue, emit func(h uint64, a, b int32)) {
	c := contextOf(rs)
	flags := make([]string, 0, 7)
	for _, f := range []struct {
		on   bool
		name string
	}{{c.child, "child"}, {c.elderly, "elderly"}, {c.person, "person"}, {c.now, "now"}, {c.past, "past"}, {c.hypo, "hypo"}, {c.question, "question"}} {
		if f.on {
			flags = append(flags, f.name)
			emit(hashString(seedContext, f.name), -1, -1)
		}
	}
	for _, cu := range cues {
		state := "active"
		switch {
		case cu.Negated:
			state = "denied"
		case cu.Hypo:
			state = "feared"
		case !cu.Strong:
			state = "weak"
		}
		base := string(cu.Kind) + "|" + state
		emit(hashString(seedContext, base), int32(cu.at), int32(cu.end))
		for _, f := range flags {
			emit(hashString(seedContext, base+"|"+f), int32(cu.at), int32(cu.end))
		}
	}
}

var (
	presentWords = runesOf(lists.words["present"])
	segmentStart = runesOf(lists.words["segment_start"])
)

// sentenceEnds are the punctuation marks that end a sentence (a comma
// only ends a clause).
const sentenceEnds = "。！？!?；;\n…"

// segments splits a normalised text into its sentences, [start, end) in
// runes: at a separator that stands for a sentence end in the caller's
// text, and before a phrase that starts a new matter (还有就是).
func (t *text) segments() [][2]int {
	rs := t.runes
	var out [][2]int
	start := 0
	cut := func(at int) {
		if at > start {
			out = append(out, [2]int{start, at})
		}
		start = at
	}
	for i := 0; i < len(rs); i++ {
		if rs[i] == ' ' && i < len(t.from) && strings.ContainsAny(t.orig[t.from[i]:t.to[i]], sentenceEnds) {
			cut(i + 1)
			continue
		}
		for _, w := range segmentStart {
			if i > start && hasAt(rs, i, w) {
				cut(i)
				break
			}
		}
	}
	cut(len(rs))
	if len(out) == 0 {
		out = append(out, [2]int{0, len(rs)})
	}
	return out
}

// segmentOf returns the segment that holds rune i.
func segmentOf(segs [][2]int, i int) [2]int {
	for _, s := range segs {
		if i >= s[0] && i < s[1] {
			return s
		}
	}
	return segs[len(segs)-1]
}
