package triage

import (
	"os"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
)

func readHistoryFile(t *testing.T, name string) []HistoryLine {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, _, err := ReadHistory(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestReadHistory: JSON lines and CSV with a header; lines without text or
// with an unknown unit type are skipped and named; a unit of the
// directory is mapped to its type.
func TestReadHistory(t *testing.T) {
	if n := len(readHistoryFile(t, "testdata/history_small.jsonl")); n < 30 {
		t.Fatalf("%d lines", n)
	}
	f, err := os.Open("testdata/history_small.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, skipped, err := ReadHistory(f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || len(skipped) != 2 {
		t.Fatalf("lines %+v skipped %q", lines, skipped)
	}
	if lines[0].ID != "c-1" || lines[0].Units[0] != fenliu.UTTransport || lines[0].Disposition != fenliu.DispDivert {
		t.Errorf("first line %+v", lines[0])
	}
	if !strings.Contains(skipped[0], "no text") || !strings.Contains(skipped[1], "nosuchunit") {
		t.Errorf("skipped %q", skipped)
	}
	dir := func(name string) (fenliu.UnitType, bool) { return fenliu.UTHousing, name == "江南区住建局" }
	got, skipped, err := ReadHistory(strings.NewReader(`{"text":"楼道灯不亮","unit":"江南区住建局"}
{"text":"楼道灯不亮","unit":"不存在的单位"}
{"text":"没有标签"}
not json
`), dir)
	if err != nil || len(got) != 1 || got[0].Units[0] != fenliu.UTHousing || len(skipped) != 3 {
		t.Errorf("unit names: %+v %q %v", got, skipped, err)
	}
	if _, _, err := ReadHistory(strings.NewReader("a,b\n1,2\n"), nil); err == nil {
		t.Error("a CSV without a text column was accepted")
	}
}

// TestTrainLearnsHistory: a model trained on a small city history (metro
// escalators are the transport bureau's here) changes answers that way on
// texts it did not see and keeps danger on the police side; its verdict
// follows its figures (retraining moves borderline lines: with these 30
// lines one tricky police line of the corpus' held-out split, p3-0128,
// falls to the non-police side, and the model is refused for it).
func TestTrainLearnsHistory(t *testing.T) {
	cur := complete(t)
	corpus, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	probes := []string{"地铁站出口的扶梯坏了好几天", "地铁南湖站的闸机停运好几天了"}
	for _, p := range probes {
		if r := cur.Classify(p); r.Units[0] == fenliu.UTTransport {
			t.Fatalf("the current engine already answers %q with transport: the test shows nothing", p)
		}
	}
	e, rep, err := Train(cur, corpus, readHistoryFile(t, "testdata/history_small.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	rep.Write(&b)
	t.Log("\n" + b.String())
	if worse := len(rep.NewCorpus.Dangerous) > len(rep.CurrentCorpus.Dangerous); rep.Accepted == worse {
		t.Errorf("accepted %v with %d → %d dangerous errors: %s", rep.Accepted, len(rep.CurrentCorpus.Dangerous), len(rep.NewCorpus.Dangerous), rep.Why)
	}
	if rep.NewHistory.Top1Rate() <= rep.CurrentHistory.Top1Rate() {
		t.Errorf("unit top-1 on the held-out history %.2f → %.2f", rep.CurrentHistory.Top1Rate(), rep.NewHistory.Top1Rate())
	}
	for _, p := range probes {
		if r := e.Classify(p); r.Units[0] != fenliu.UTTransport {
			t.Errorf("after training %q → %v (%s)", p, r.Units, r.Category)
		}
	}
	for _, p := range []string{"地铁站里有人拿刀砍人", "地铁扶梯把小孩的手卷进去了"} {
		if r := e.Classify(p); !r.Disposition.PoliceSide() {
			t.Errorf("after training %q → %s %s", p, r.Disposition, r.Category)
		}
	}
}

// TestAccept: a model worse on safety or on units is refused.
func TestAccept(t *testing.T) {
	m := func(n, top1 int, dangerous ...string) *Metrics {
		return &Metrics{N: n, UnitTop1: top1, Dangerous: dangerous}
	}
	for _, tc := range []struct {
		name                   string
		curC, newC, curH, newH *Metrics
		ok                     bool
		why                    string
	}{
		{"better on units", m(100, 90), m(100, 90), m(100, 40), m(100, 70), true, "not worse"},
		{"a new dangerous error on the corpus", m(100, 90), m(100, 95, "x"), m(100, 40), m(100, 70), false, "safety"},
		{"a new dangerous error on the history", m(100, 90), m(100, 90), m(100, 40), m(100, 70, "y"), false, "safety"},
		{"worse on the city's units", m(100, 90), m(100, 92), m(100, 40), m(100, 39), false, "units"},
		{"the corpus' units fall too far", m(100, 90), m(100, 88), m(100, 40), m(100, 70), false, "units"},
		{"the corpus' units fall a little", m(100, 90), m(100, 89), m(100, 40), m(100, 70), true, "not worse"},
	} {
		ok, why := Accept(tc.curC, tc.newC, tc.curH, tc.newH)
		if ok != tc.ok || !strings.Contains(why, tc.why) {
			t.Errorf("%s: %v %q", tc.name, ok, why)
		}
	}
}

// TestTrainRefusesWorse: a history that teaches the wrong units (every
// line of the corpus' own held-out texts given another unit) gives a model
// that is refused.
func TestTrainRefusesWorse(t *testing.T) {
	cur := complete(t)
	corpus, err := Corpus()
	if err != nil {
		t.Fatal(err)
	}
	// the corpus' training lines, told as a history whose units are all
	// wrong: garbage is the answer to everything
	var bad []HistoryLine
	for _, ex := range corpus {
		if !Heldout(ex.ID) && !ex.Disposition.PoliceSide() {
			bad = append(bad, HistoryLine{ID: "bad-" + ex.ID, Text: ex.Text, Units: []fenliu.UnitType{fenliu.UTTobacco}, Disposition: fenliu.DispRedirect})
		}
	}
	_, rep, err := Train(cur, corpus, bad)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted {
		t.Fatalf("a model taught that everything is tobacco was accepted: %s", rep.Why)
	}
	t.Log(rep.Why)
}
