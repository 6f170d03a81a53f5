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
	// pPrune drops averaged weights smaller than it: they decide nothing
	// and the model stays small enough for the processor's cache.
	pPrune     float32 = 0.3
	policeStep float32 = 1.5
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
	a, b int32 // where in the text (runes), or -1
	id   int32 // the model's feature id once resolved, -1 if unknown
}

// features calls emit for every feature of t, in text order: the bias,
// character 1–4-grams (single characters only for Han — a lone digit or
// letter says nothing), the catalogue keywords found and the danger cues
// (denied and weak ones as features of their own). A feature may repeat.
func (e *Engine) features(t *text, cues []Cue, emit func(h uint64, a, b int32)) {
	rs := t.runes
	emit(biasFeature, -1, -1)
	for i := range rs {
		if rs[i] == ' ' {
			continue
		}
		for n := minGram; n <= maxGram && i+n <= len(rs); n++ {
			if rs[i+n-1] == ' ' {
				break
			}
			if n == 1 && rs[i] < 0x2E80 {
				continue
			}
			emit(hashRunes(uint64(n), rs[i:i+n]), int32(i), int32(i+n))
		}
	}
	for _, k := range e.kw.find(rs) {
		emit(hashString(seedKeyword, k.phrase), int32(k.at), int32(k.end))
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
		emit(hashString(uint64(s), name), int32(c.at), int32(c.end))
	}
	contextFeatures(rs, cues, emit)
}

// extract returns the features of t for training (deduplicated, first
// occurrence kept), before the model exists.
func (e *Engine) extract(t *text, cues []Cue, buf []feature) []feature {
	out := buf[:0]
	e.features(t, cues, func(h uint64, a, b int32) { out = append(out, feature{h, a, b, -1}) })
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

// extractKnown returns the features of t for classifying: only those the
// model knows, each once (where it first occurs), resolved, without
// sorting. seen is scratch with one stamp per feature id; gen must differ
// per call.
func (e *Engine) extractKnown(t *text, cues []Cue, buf []feature, seen []uint32, gen uint32) []feature {
	out := buf[:0]
	e.features(t, cues, func(h uint64, a, b int32) {
		id := e.model.tab.get(h)
		if id < 0 || seen[id] == gen {
			return
		}
		seen[id] = gen
		out = append(out, feature{h, a, b, id})
	})
	return out
}

// model scores categories for a text's features: a sparse averaged
// perceptron plus cosMix times the cosine with each category's TF-IDF
// centroid (centroid.go). Features are looked up once, by id; both parts
// keep, per feature, the classes it has a weight for.
type model struct {
	tab     *table
	classes int
	// perceptron
	pStart []uint32 // feature id → start in p; end is the next start
	p      []cell
	// centroids
	idf    []float32
	cStart []uint32
	c      []cell
	cosMix float32
}

// cell is one class's weight for a feature (class and weight side by side:
// one cache line holds eight).
type cell struct {
	cls uint16
	w   float32
}

// resolve sets the id of each feature (-1 if the model never saw it).
func (m *model) resolve(fs []feature) {
	for i := range fs {
		fs[i].id = m.tab.get(fs[i].h)
	}
}

// known reports whether the model has any weight for a resolved feature.
func (m *model) known(f feature) bool {
	return f.id >= 0 && (m.pStart[f.id] < m.pStart[f.id+1] || m.cStart[f.id] < m.cStart[f.id+1])
}

// scores writes each class's score for resolved features; acc is scratch
// of the same length. It returns the norm the centroid part divides by.
func (m *model) scores(fs []feature, out, acc []float32) float32 {
	for i := range out {
		out[i], acc[i] = 0, 0
	}
	var dn float32
	for _, f := range fs {
		k := f.id
		if k < 0 {
			continue
		}
		for _, x := range m.p[m.pStart[k]:m.pStart[k+1]] {
			out[x.cls] += x.w
		}
		if cs := m.c[m.cStart[k]:m.cStart[k+1]]; len(cs) > 0 {
			idf := m.idf[k]
			dn += idf * idf
			for _, x := range cs {
				acc[x.cls] += idf * x.w
			}
		}
	}
	if dn == 0 || m.cosMix == 0 {
		return 0
	}
	norm := float32(math.Sqrt(float64(dn)))
	inv := m.cosMix / norm
	for c := range out {
		out[c] += acc[c] * inv
	}
	return norm
}

// lift returns how much a resolved feature adds to class a's score over
// class b's, given the norm scores returned.
func (m *model) lift(f feature, a, b int, norm float32) float32 {
	if f.id < 0 {
		return 0
	}
	var w float32
	for _, x := range m.p[m.pStart[f.id]:m.pStart[f.id+1]] {
		switch int(x.cls) {
		case a:
			w += x.w
		case b:
			w -= x.w
		}
	}
	if norm > 0 {
		k := m.idf[f.id] * m.cosMix / norm
		for _, x := range m.c[m.cStart[f.id]:m.cStart[f.id+1]] {
			switch int(x.cls) {
			case a:
				w += k * x.w
			case b:
				w -= k * x.w
			}
		}
	}
	if a == b {
		return 0
	}
	return w
}

type trainDoc struct {
	fs     []int32
	class  int
	weight float32
}

type trainW struct {
	cells []tcell
}

// tcell is one class's weight of a feature while training, with the sum
// the average is made from; one slice per feature keeps them together.
type tcell struct {
	cls    int32
	w, acc float32
}

// trainPerceptron fits an averaged multi-class perceptron with a margin;
// errors that put a police-side text on the non-police side cost more.
// hashes[i] is the hash of feature id i.
func trainPerceptron(docs []trainDoc, hashes []uint64, classes int, police []bool, epochs int) *model {
	ws := make([]trainW, len(hashes))
	var c float32 = 1
	add := func(tw *trainW, cls int, d float32) {
		for i := range tw.cells {
			if x := &tw.cells[i]; int(x.cls) == cls {
				x.w += d
				x.acc += c * d
				return
			}
		}
		tw.cells = append(tw.cells, tcell{int32(cls), d, c * d})
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
				for _, x := range tw.cells {
					scores[x.cls] += x.w
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
	// averaged weights, zeros dropped, packed by feature id
	m := &model{tab: newTable(hashes), classes: classes, pStart: make([]uint32, 0, len(hashes)+1)}
	for id := range hashes {
		tw := &ws[id]
		m.pStart = append(m.pStart, uint32(len(m.p)))
		for _, x := range tw.cells {
			v := x.w - x.acc/c
			if v > -pPrune && v < pPrune {
				continue
			}
			m.p = append(m.p, cell{uint16(x.cls), v})
		}
	}
	m.pStart = append(m.pStart, uint32(len(m.p)))
	return m
}
