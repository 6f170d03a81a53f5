package triage

import (
	"math"
	"math/rand"
)

// The danger model answers one question apart from the category: may a
// person be in danger, or a crime be under way? It is a logistic
// regression over the same features as the category model (character
// n-grams, the danger cues with their state) plus features made for the
// question (context.go: who is harmed — a child, an elderly or vulnerable
// person; now or past; real or feared; a question about something else;
// money taken by deceit; fire, electricity or gas in the present). Its
// probability feeds the safety policy (policy.go): above dangerHigh the
// answer is police-side, between dangerLow and dangerHigh it is police-side
// with "review", below dangerLow the danger model says nothing.

var (
	dangerEpochs            = 6
	dangerRate              = 0.2
	dangerL2                = 1e-5
	dangerPosWeight         = 2.0 // a missed police line costs this many times a false alarm
	dangerPrune     float32 = 0.02
)

// dangerModel holds one weight per feature id (0 for features it does not
// use) and a bias.
type dangerModel struct {
	w    []float32
	bias float32
}

// prob returns the probability of danger for resolved features.
func (d *dangerModel) prob(fs []feature) float64 {
	if d == nil {
		return 0
	}
	var z float64
	n := 0
	for _, f := range fs {
		if f.id >= 0 && int(f.id) < len(d.w) {
			z += float64(d.w[f.id])
			n++
		}
	}
	if n > 0 {
		z /= math.Sqrt(float64(n))
	}
	return 1 / (1 + math.Exp(-(z + float64(d.bias))))
}

// trainDanger fits the danger model: label true for police-side texts.
// A text's features each count 1/sqrt(n), n its number of features, so a
// long written message weighs no more than a short call.
func trainDanger(docs []trainDoc, danger []bool, nFeatures int) *dangerModel {
	w := make([]float64, nFeatures)
	var bias float64
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewSource(2))
	for ep := 0; ep < dangerEpochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := dangerRate / (1 + float64(ep))
		for _, di := range order {
			d := &docs[di]
			if len(d.fs) == 0 {
				continue
			}
			sc := 1 / math.Sqrt(float64(len(d.fs)))
			var z float64
			for _, f := range d.fs {
				z += w[f]
			}
			p := 1 / (1 + math.Exp(-(z*sc + bias)))
			y, cw := 0.0, 1.0
			if danger[di] {
				y, cw = 1, dangerPosWeight
			}
			g := (y - p) * cw * float64(d.weight) * rate
			bias += g
			gf := g * sc
			for _, f := range d.fs {
				w[f] += gf - dangerL2*w[f]
			}
		}
	}
	m := &dangerModel{w: make([]float32, nFeatures), bias: float32(bias)}
	for i, v := range w {
		if math.Abs(v) >= float64(dangerPrune) {
			m.w[i] = float32(v)
		}
	}
	return m
}
