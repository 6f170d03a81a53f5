package triage

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// BenchmarkTrain20k: learning from a city's history of 20,000 lines (the
// corpus' training texts cycled, each a history line with its units and
// disposition) — Train, including the comparison with the current model on
// both held-out slices. After the timed part it reports the model file's
// size (gzipped, as triage-train and the database keep it; and raw) and
// the time to load that file (what a server does when another switched
// the active model version).
func BenchmarkTrain20k(b *testing.B) {
	cur, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	corpus, err := Corpus()
	if err != nil {
		b.Fatal(err)
	}
	train, err := TrainingSet()
	if err != nil {
		b.Fatal(err)
	}
	hist := make([]HistoryLine, 20_000)
	for i := range hist {
		ex := train[i%len(train)]
		hist[i] = HistoryLine{ID: fmt.Sprintf("city-%d", i), Text: ex.Text, Units: ex.UnitsOK, Disposition: ex.Disposition, Weight: 1}
	}
	var e *Engine
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if e, _, err = Train(cur, corpus, hist); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var gz, raw bytes.Buffer
	if _, err := e.WriteModel(&gz); err != nil {
		b.Fatal(err)
	}
	if _, err := e.WriteModelRaw(&raw); err != nil {
		b.Fatal(err)
	}
	const loads = 5
	t0 := time.Now()
	for range loads {
		if _, err := Load(cur.Catalog(), bytes.NewReader(gz.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(gz.Len()), "model-gz-bytes")
	b.ReportMetric(float64(raw.Len()), "model-raw-bytes")
	b.ReportMetric(float64(time.Since(t0).Milliseconds())/loads, "load-ms")
}
