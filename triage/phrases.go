package triage

import "sort"

// phraseIndex finds catalogue keywords in a normalised text.
type phraseIndex struct {
	byFirst map[rune][]phraseEntry
}

type phraseEntry struct {
	rs     []rune
	phrase string
	cats   []int
}

type phraseHit struct {
	phrase  string
	at, end int
	cats    []int
}

func newPhraseIndex() *phraseIndex { return &phraseIndex{byFirst: map[rune][]phraseEntry{}} }

func (p *phraseIndex) add(phrase string, cat int) {
	rs := []rune(phrase)
	// drop separators at the ends; keywords of one character are too vague
	for len(rs) > 0 && rs[0] == ' ' {
		rs = rs[1:]
	}
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	if len(rs) < 2 {
		return
	}
	list := p.byFirst[rs[0]]
	for i := range list {
		if string(list[i].rs) == string(rs) {
			for _, c := range list[i].cats {
				if c == cat {
					return
				}
			}
			list[i].cats = append(list[i].cats, cat)
			return
		}
	}
	list = append(list, phraseEntry{rs, string(rs), []int{cat}})
	sort.Slice(list, func(i, j int) bool { return len(list[i].rs) > len(list[j].rs) })
	p.byFirst[rs[0]] = list
}

// find returns every keyword occurrence (overlaps allowed).
func (p *phraseIndex) find(rs []rune) []phraseHit {
	var out []phraseHit
	for i := range rs {
		for _, e := range p.byFirst[rs[i]] {
			if hasAt(rs, i, e.rs) {
				out = append(out, phraseHit{e.phrase, i, i + len(e.rs), e.cats})
			}
		}
	}
	return out
}
