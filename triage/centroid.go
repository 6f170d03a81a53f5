package triage

import "math"

// The centroid part of the model (Rocchio): each category is the
// normalised mean of its texts' TF-IDF vectors, and a text scores cosMix
// times its cosine with each. Words every category uses (来电人反映,
// 要求处理) weigh little; a rare telling word (游医, 茶位费) weighs much,
// even when a single text of its category has it. The perceptron separates
// categories by the n-grams that tell them apart; the centroids weigh all
// the evidence and are steadier on thin categories and unseen wording.

var (
	cosMix = 300.0
	// cosPrune drops centroid weights (× idf) below it: the many tiny
	// weights of common characters cost time and decide nothing.
	cosPrune = 0.03
)

// addCentroids fills the model's centroid part from the training texts.
func (m *model) addCentroids(docs []trainDoc, nFeatures, classes int) {
	df := make([]float64, nFeatures)
	for _, d := range docs {
		for _, f := range d.fs {
			df[f]++
		}
	}
	n := float64(len(docs))
	m.idf = make([]float32, nFeatures)
	for f := range m.idf {
		m.idf[f] = float32(math.Log((1 + n) / (1 + df[f])))
	}
	type acc struct {
		c int32
		v float32
	}
	cells := make([][]acc, nFeatures)
	for _, d := range docs {
		var dn float64
		for _, f := range d.fs {
			dn += float64(m.idf[f]) * float64(m.idf[f])
		}
		if dn == 0 {
			continue
		}
		scale := float32(float64(d.weight) / math.Sqrt(dn))
		for _, f := range d.fs {
			v := m.idf[f] * scale
			cs := cells[f]
			if k := len(cs) - 1; k >= 0 && cs[k].c == int32(d.class) {
				cs[k].v += v // texts come grouped by class more often than not
				continue
			}
			found := false
			for i := range cs {
				if cs[i].c == int32(d.class) {
					cs[i].v += v
					found = true
					break
				}
			}
			if !found {
				cells[f] = append(cs, acc{int32(d.class), v})
			}
		}
	}
	norm2 := make([]float64, classes)
	for _, cs := range cells {
		for _, x := range cs {
			norm2[x.c] += float64(x.v) * float64(x.v)
		}
	}
	m.cStart = make([]uint32, 0, nFeatures+1)
	for f, cs := range cells {
		m.cStart = append(m.cStart, uint32(len(m.c)))
		for _, x := range cs {
			w := x.v / float32(math.Sqrt(norm2[x.c]))
			if float64(w*m.idf[f]) < cosPrune {
				continue
			}
			m.c = append(m.c, cell{uint16(x.c), w})
		}
	}
	m.cStart = append(m.cStart, uint32(len(m.c)))
	m.cosMix = float32(cosMix)
}
