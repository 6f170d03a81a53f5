package triage

import (
	"os"
	"testing"
)

func TestStats(t *testing.T) {
	if os.Getenv("STATS") == "" {
		t.Skip()
	}
	e, _ := Default()
	m := e.model
	t.Logf("features %d, perceptron cells %d, centroid cells %d", len(m.pStart)-1, len(m.p), len(m.c))
	all, _ := Corpus()
	var nf, pv, cv int
	for _, ex := range all[:500] {
		tx := normalize(ex.Text)
		fs := e.extract(tx, findCues(tx), nil)
		m.resolve(fs)
		for _, f := range fs {
			if f.id < 0 {
				continue
			}
			nf++
			pv += int(m.pStart[f.id+1] - m.pStart[f.id])
			cv += int(m.cStart[f.id+1] - m.cStart[f.id])
		}
	}
	t.Logf("per text: %d known features, %d perceptron cells, %d centroid cells", nf/500, pv/500, cv/500)
}

func BenchmarkParts(b *testing.B) {
	e, _ := Default()
	m := e.model
	all, _ := Corpus()
	type pre struct {
		tx *text
		fs []feature
	}
	var ps []pre
	for _, ex := range all[:500] {
		tx := normalize(ex.Text)
		fs := e.extract(tx, findCues(tx), nil)
		m.resolve(fs)
		ps = append(ps, pre{tx, append([]feature(nil), fs...)})
	}
	out, acc := make([]float32, len(e.cats)), make([]float32, len(e.cats))
	b.Run("scores", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			m.scores(ps[i%500].fs, out, acc)
		}
	})
	b.Run("extract", func(b *testing.B) {
		buf := make([]feature, 0, 512)
		for i := 0; i < b.N; i++ {
			p := ps[i%500]
			buf = e.extract(p.tx, findCues(p.tx), buf)
		}
	})
	b.Run("normalize", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			normalize(all[i%500].Text)
		}
	})
	b.Run("classify", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			e.Classify(all[i%500].Text)
		}
	})
}
