package triage

import (
	"cmp"
	"math"
	"math/rand"
	"slices"
)

// Features are hashed: character n-grams of the normalised text, the
// catalogue keywords found in it and the danger cues found in it.

var (
	minGram = 1
	maxGram = 4
	// training: a police-side text scored under a non-police category
	// needs this margin and moves the weights this much more
	policeMargin float32 = 2
	policeStep   float32 = 1.5
)

func hashRunes(seed uint64, rs []rune) uint64 {
	h := uint64(14695981039346656037) ^ seed*0x9E3779B97F4A7C15
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

func hashString(seed uint64, s string) uint64 {
	h := uint64(14695981039346656037) ^ seed*0x9E3779B97F4A7C15
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

const (
	seedKeyword = 100
	seedCue     = 101
	seedNegCue  = 102
	seedBias    = 103
)

var biasFeature = hashString(seedBias, "bias")

// feature is one hashed feature with where it came from in the text
// (normalised rune span), for explaining a decision.
type feature struct {
	h    uint64
	a, b int32
}

// extract returns the features of t (deduplicated, first occurrence kept).
func (e *Engine) extract(t *text, cues []Cue, buf []feature) []feature {
	rs := t.runes
	out := buf[:0]
	out = append(out, feature{biasFeature, -1, -1})
	for i := range rs {
		if rs[i] == ' ' {
			continue
		}
		for n := minGram; n <= maxGram && i+n <= len(rs); n++ {
			if rs[i+n-1] == ' ' {
				break
			}
			// single characters only for Han (a lone digit or letter says nothing)
			if n == 1 && rs[i] < 0x2E80 {
				continue
			}
			out = append(out, feature{hashRunes(uint64(n), rs[i:i+n]), int32(i), int32(i + n)})
		}
	}
	for _, k := range e.kw.find(rs) {
		out = append(out, feature{hashString(seedKeyword, k.phrase), int32(k.at), int32(k.end)})
	}
	for _, c := range cues {
		s := seedCue
		if c.Negated {
			s = seedNegCue
		}
		name := string(c.Kind)
		if !c.Strong || c.Hypo {
			name += "~"
		}
		out = append(out, feature{hashString(uint64(s), name), int32(c.at), int32(c.end)})
	}
	// dedupe, keeping the first occurrence
	slices.SortFunc(out, func(x, y feature) int {
		if c := cmp.Compare(x.h, y.h); c != 0 {
			return c
		}
		return cmp.Compare(x.a, y.a)
	})
	w := 0
	for i := range out {
		if w > 0 && out[w-1].h == out[i].h {
			continue
		}
		out[w] = out[i]
		w++
	}
	return out[:w]
}

// model is a sparse linear model over categories: for each feature, the
// classes it has a weight for.
type model struct {
	index   map[uint64]uint32 // feature → start in cls/w; end is next start
	start   []uint32
	cls     []uint16
	w       []float32
	classes int
}

func (m *model) scores(fs []feature, out []float32) {
	for i := range out {
		out[i] = 0
	}
	for _, f := range fs {
		k, ok := m.index[f.h]
		if !ok {
			continue
		}
		for j := m.start[k]; j < m.start[k+1]; j++ {
			out[m.cls[j]] += m.w[j]
		}
	}
}

// weight returns the weight of feature h for class c.
func (m *model) weight(h uint64, c int) float32 {
	k, ok := m.index[h]
	if !ok {
		return 0
	}
	for j := m.start[k]; j < m.start[k+1]; j++ {
		if int(m.cls[j]) == c {
			return m.w[j]
		}
	}
	return 0
}

// trainDoc is one training text as feature ids with its class and weight.
type trainDoc struct {
	fs     []int32
	class  int
	weight float32
}

type trainW struct {
	cls []int32
	w   []float32
	acc []float32
}

// trainPerceptron fits an averaged multi-class perceptron with a margin;
// errors that put a police-side text on the non-police side cost more.
// hashes[i] is the hash of feature id i.
func trainPerceptron(docs []trainDoc, hashes []uint64, classes int, police []bool, epochs int) *model {
	ws := make([]trainW, len(hashes))
	var c float32 = 1
	add := func(tw *trainW, cls int, d float32) {
		for i, x := range tw.cls {
			if int(x) == cls {
				tw.w[i] += d
				tw.acc[i] += c * d
				return
			}
		}
		tw.cls = append(tw.cls, int32(cls))
		tw.w = append(tw.w, d)
		tw.acc = append(tw.acc, c*d)
	}
	scores := make([]float32, classes)
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewSource(1))
	for ep := 0; ep < epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, di := range order {
			d := &docs[di]
			for i := range scores {
				scores[i] = 0
			}
			for _, f := range d.fs {
				tw := &ws[f]
				for i, x := range tw.cls {
					scores[x] += tw.w[i]
				}
			}
			best, bs := -1, float32(math.Inf(-1))
			for k, s := range scores {
				if k != d.class && s > bs {
					best, bs = k, s
				}
			}
			margin := float32(1)
			step := d.weight
			if best >= 0 && police[d.class] && !police[best] {
				margin, step = policeMargin, step*policeStep
			}
			if best >= 0 && scores[d.class]-bs < margin {
				for _, f := range d.fs {
					add(&ws[f], d.class, step)
					add(&ws[f], best, -step)
				}
			}
			c++
		}
	}
	// averaged weights, zeros dropped, packed
	m := &model{index: make(map[uint64]uint32, len(hashes)), classes: classes}
	for id, h := range hashes {
		tw := &ws[id]
		first := true
		for i, x := range tw.cls {
			v := tw.w[i] - tw.acc[i]/c
			if v > -1e-4 && v < 1e-4 {
				continue
			}
			if first {
				m.index[h] = uint32(len(m.start))
				m.start = append(m.start, uint32(len(m.cls)))
				first = false
			}
			m.cls = append(m.cls, uint16(x))
			m.w = append(m.w, v)
		}
	}
	m.start = append(m.start, uint32(len(m.cls)))
	return m
}
