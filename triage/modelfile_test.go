package triage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fenliu/fenliu/catalog"
)

// TestBuiltinModel: the embedded model is what training gives today (run
// `go generate ./triage` when this fails), and Default loads it rather
// than training.
func TestBuiltinModel(t *testing.T) {
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	b := readBuiltin()
	info, err := ReadModelInfo(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("built-in model: %v (run go generate ./triage)", err)
	}
	if info.Inputs != InputsDigest(cat) {
		t.Fatalf("built-in model is stale: built from inputs %s, they are now %s (run go generate ./triage)", info.Inputs, InputsDigest(cat))
	}
	fresh, err := TrainDefault()
	if err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	if _, err := fresh.WriteModelRaw(&w); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), b) {
		t.Fatalf("built-in model differs from what training gives now (%d vs %d bytes): run go generate ./triage, and bump trainVersion if the inputs did not change", len(b), w.Len())
	}
	e := complete(t)
	if e.ModelVersion() != info.Version || e.ModelVersion() == "" {
		t.Errorf("Default runs model %q, the built-in one is %q", e.ModelVersion(), info.Version)
	}
	if r := e.Classify("路灯坏了"); r.ModelVersion != info.Version {
		t.Errorf("answer names model %q", r.ModelVersion)
	}
}

// TestModelRoundTrip: an engine written and loaded answers exactly as the
// one that was trained; a model is refused for another catalogue, and a
// damaged file is refused.
func TestModelRoundTrip(t *testing.T) {
	e := mini(t)
	var b bytes.Buffer
	v, err := e.WriteModel(&b)
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(e.Catalog(), bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if l.ModelVersion() != v {
		t.Errorf("version %q, want %q", l.ModelVersion(), v)
	}
	for _, ex := range readExamples(t, "testdata/sample.jsonl") {
		a, c := e.Classify(ex.Text), l.Classify(ex.Text)
		if a.Category != c.Category || a.Disposition != c.Disposition || a.Confidence != c.Confidence || a.ReasonZH != c.ReasonZH {
			t.Errorf("%q: trained %s %s %.3f, loaded %s %s %.3f", ex.Text, a.Disposition, a.Category, a.Confidence, c.Disposition, c.Category, c.Confidence)
		}
	}
	def, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(def, bytes.NewReader(b.Bytes())); err == nil || !strings.Contains(err.Error(), "trained for catalogue") {
		t.Errorf("a model for another catalogue: %v", err)
	}
	raw := b.Bytes()
	for _, bad := range [][]byte{nil, []byte("not a model"), raw[:len(raw)/2]} {
		if _, err := Load(e.Catalog(), bytes.NewReader(bad)); err == nil {
			t.Errorf("a damaged model (%d bytes) was loaded", len(bad))
		}
	}
}

// BenchmarkLoadModel: what a process start costs with the built-in model
// (issue 16: ≤ 50 ms).
func BenchmarkLoadModel(b *testing.B) {
	cat, err := catalog.Default()
	if err != nil {
		b.Skip(err)
	}
	for i := 0; i < b.N; i++ {
		if e := loadBuiltin(cat); e == nil {
			b.Fatal("no built-in model")
		}
	}
}
