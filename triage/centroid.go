package triage

import "math"

// cosModel is a TF-IDF centroid model (Rocchio): each category is the
// normalised mean of its texts' TF-IDF vectors, and a text scores the
// cosine with each. Words every category uses (来电人反映, 要求处理) weigh
// little; a rare telling word (游医, 茶位费) weighs much, even seen in a
// single text of its category. Engine scores add cosMix times the cosine.
type cosModel struct {
	index map[uint64]uint32 // feature → start in cls/w
	idf   []float32         // per feature (by index order)
	start []uint32
	cls   []uint16
	w     []float32 // centroid weight of the feature in the class
}

var cosMix = 300.0

func trainCos(docs []trainDoc, hashes []uint64, classes int) *cosModel {
	df := make([]float64, len(hashes))
	for _, d := range docs {
		for _, f := range d.fs {
			df[f]++
		}
	}
	n := float64(len(docs))
	idf := make([]float32, len(hashes))
	for f := range idf {
		idf[f] = float32(math.Log((1 + n) / (1 + df[f])))
	}
	type cell struct {
		c int32
		v float32
	}
	cells := make([][]cell, len(hashes))
	norm2 := make([]float64, classes)
	for _, d := range docs {
		var dn float64
		for _, f := range d.fs {
			dn += float64(idf[f]) * float64(idf[f])
		}
		if dn == 0 {
			continue
		}
		scale := float32(float64(d.weight) / math.Sqrt(dn))
		for _, f := range d.fs {
			v := idf[f] * scale
			found := false
			for i := range cells[f] {
				if cells[f][i].c == int32(d.class) {
					cells[f][i].v += v
					found = true
					break
				}
			}
			if !found {
				cells[f] = append(cells[f], cell{int32(d.class), v})
			}
		}
	}
	for _, cs := range cells {
		for _, x := range cs {
			norm2[x.c] += float64(x.v) * float64(x.v)
		}
	}
	m := &cosModel{index: make(map[uint64]uint32, len(hashes))}
	for f, cs := range cells {
		m.index[hashes[f]] = uint32(len(m.start))
		m.idf = append(m.idf, idf[f])
		m.start = append(m.start, uint32(len(m.cls)))
		for _, x := range cs {
			m.cls = append(m.cls, uint16(x.c))
			m.w = append(m.w, x.v/float32(math.Sqrt(norm2[x.c])))
		}
	}
	m.start = append(m.start, uint32(len(m.cls)))
	return m
}

// addScores adds mix × the cosine of the text with each category.
func (m *cosModel) addScores(fs []feature, out []float32, mix float32) {
	if m == nil || mix == 0 {
		return
	}
	acc := make([]float32, len(out))
	var dn float32
	for _, f := range fs {
		k, ok := m.index[f.h]
		if !ok {
			continue
		}
		idf := m.idf[k]
		dn += idf * idf
		for j := m.start[k]; j < m.start[k+1]; j++ {
			acc[m.cls[j]] += idf * m.w[j]
		}
	}
	if dn == 0 {
		return
	}
	inv := mix / float32(math.Sqrt(float64(dn)))
	for c := range out {
		out[c] += acc[c] * inv
	}
}
