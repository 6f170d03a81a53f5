package triage

import (
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
)

var (
	miniOnce sync.Once
	miniEng  *Engine
	miniErr  error
)

// mini returns an engine over testdata/mini.yaml trained on its own
// keywords and examples only: the machinery without the corpus.
func mini(t testing.TB) *Engine {
	miniOnce.Do(func() {
		b, err := os.ReadFile("testdata/mini.yaml")
		if err != nil {
			miniErr = err
			return
		}
		cat, err := catalog.Parse(b)
		if err != nil {
			miniErr = err
			return
		}
		miniEng, miniErr = New(cat, nil)
	})
	if miniErr != nil {
		t.Fatal(miniErr)
	}
	return miniEng
}

// engine returns the default engine, or the mini one while the default
// catalogue is still empty.
func engine(t testing.TB) *Engine {
	e, err := Default()
	if err != nil {
		t.Logf("default engine unavailable (%v); using testdata/mini.yaml", err)
		return mini(t)
	}
	return e
}

// complete returns the default engine; the default catalogue must cover
// every disposition and unit type, and the corpus be complete.
func complete(t *testing.T) *Engine {
	e, err := Default()
	if err != nil {
		t.Fatalf("default engine: %v", err)
	}
	disp := map[fenliu.Disposition]bool{}
	units := map[fenliu.UnitType]bool{}
	for _, c := range e.Catalog().Categories() {
		disp[c.Disposition] = true
		for _, u := range c.Units {
			units[u] = true
		}
	}
	if len(disp) < len(fenliu.Dispositions) || len(units) < len(fenliu.UnitTypes) {
		t.Fatalf("default catalogue incomplete: %d dispositions, %d unit types", len(disp), len(units))
	}
	if all, _ := Corpus(); len(all) < minCorpus {
		t.Fatalf("corpus has %d lines, fewer than %d", len(all), minCorpus)
	}
	return e
}

const minCorpus = 5000

func readExamples(t testing.TB, name string) []Example {
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exs, err := ReadExamples(f)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// checkValid is the contract every answer must meet.
func checkValid(t *testing.T, text string, r Result) {
	t.Helper()
	if !r.Disposition.Valid() {
		t.Fatalf("%q: disposition %q", text, r.Disposition)
	}
	if len(r.Units) == 0 {
		t.Fatalf("%q: no units", text)
	}
	seen := map[fenliu.UnitType]bool{}
	for _, u := range r.Units {
		if !u.Valid() || seen[u] {
			t.Fatalf("%q: bad or repeated unit %q in %v", text, u, r.Units)
		}
		seen[u] = true
	}
	if r.Disposition.PoliceSide() && !seen[fenliu.UTPolice] {
		t.Fatalf("%q: %s without police: %v", text, r.Disposition, r.Units)
	}
	if (r.Disposition == fenliu.DispRedirect) != (r.Hotline != "") {
		t.Fatalf("%q: disposition %s with hotline %q", text, r.Disposition, r.Hotline)
	}
	if !(r.Confidence >= 0 && r.Confidence <= 1) {
		t.Fatalf("%q: confidence %v", text, r.Confidence)
	}
	if r.Category == "" || r.CatalogVersion == "" {
		t.Fatalf("%q: no category or catalogue version", text)
	}
}

// TestSample: every line of the shared sample answered right.
func TestSample(t *testing.T) {
	e := complete(t)
	for _, ex := range readExamples(t, "testdata/sample.jsonl") {
		r := e.Classify(ex.Text)
		checkValid(t, ex.Text, r)
		ok := r.Disposition == ex.Disposition && containsUnit(ex.UnitsOK, r.Units[0]) && hasAll(r.Units, ex.UnitsAll) && r.Hotline == ex.Hotline
		if !ok {
			t.Errorf("%s: got %s %v %q (%s), want %s units_ok %v units_all %v %q\n  %s\n  %s", ex.ID, r.Disposition, r.Units, r.Hotline, r.Category,
				ex.Disposition, ex.UnitsOK, ex.UnitsAll, ex.Hotline, ex.Text, r.ReasonZH)
		}
	}
}

// TestEveryday: lines written apart from the corpus and never trained on
// (testdata/everyday.jsonl, testdata/unseen.jsonl) are answered with no dangerous error and
// within the held-out floors.
func TestEveryday(t *testing.T) {
	for _, tc := range []struct {
		file             string
		disp, top1, top3 float64
	}{
		{"testdata/everyday.jsonl", 0.95, 0.90, 0.97},
		{"testdata/unseen.jsonl", 0.95, 0.90, 0.97},
		{"testdata/unseen2.jsonl", 0.95, 0.90, 0.97},
		// The newest sets, kept as the honest measure of unseen language:
		// the cues were not tuned beyond their dangerous misses, so they
		// hold lower floors (docs/triage.md) — and still no dangerous error.
		{"testdata/unseen3.jsonl", 0.92, 0.90, 0.94},
		{"testdata/unseen4.jsonl", 0.92, 0.90, 0.92},
	} {
		t.Run(tc.file, func(t *testing.T) { everyday(t, tc.file, tc.disp, tc.top1, tc.top3) })
	}
}

func everyday(t *testing.T, file string, disp, top1, top3 float64) {
	e := complete(t)
	exs := readExamples(t, file)
	m := Evaluate(e, exs)
	t.Logf("%s %d: disposition %.2f%%, top-1 %.2f%%, top-3 %.2f%%, dangerous %d, over-policing %d", file,
		m.N, 100*m.DispositionRate(), 100*m.Top1Rate(), 100*m.Top3Rate(), len(m.Dangerous), len(m.OverPolicing))
	for _, x := range m.Wrong {
		if x.Example.Disposition.PoliceSide() && !x.Got.Disposition.PoliceSide() {
			t.Errorf("dangerous: %s %q → %s %s", x.Example.ID, x.Example.Text, x.Got.Disposition, x.Got.Category)
		}
	}
	if r := m.DispositionRate(); r < disp {
		t.Errorf("disposition accuracy %.2f%% below %.0f%%", 100*r, 100*disp)
	}
	if r := m.Top1Rate(); r < top1 {
		t.Errorf("unit top-1 %.2f%% below %.0f%%", 100*r, 100*top1)
	}
	if r := m.Top3Rate(); r < top3 {
		t.Errorf("unit top-3 %.2f%% below %.0f%%", 100*r, 100*top3)
	}
}

// TestHeldout: the project's own held-out split meets the floors.
func TestHeldout(t *testing.T) {
	e := complete(t)
	held, err := HeldoutSet()
	if err != nil {
		t.Fatal(err)
	}
	if len(held) < 50 {
		t.Skipf("only %d held-out lines", len(held))
	}
	m := Evaluate(e, held)
	t.Logf("held out %d: disposition %.2f%%, top-1 %.2f%%, top-3 %.2f%%, dangerous %d, over-policing %d, category %.2f%%",
		m.N, 100*m.DispositionRate(), 100*m.Top1Rate(), 100*m.Top3Rate(), len(m.Dangerous), len(m.OverPolicing), pct(m.Category, m.Categorised))
	if len(m.Dangerous) > 0 {
		for _, x := range m.Wrong {
			if x.Example.Disposition.PoliceSide() && !x.Got.Disposition.PoliceSide() {
				t.Errorf("dangerous: %s %q → %s %s", x.Example.ID, x.Example.Text, x.Got.Disposition, x.Got.Category)
			}
		}
	}
	if r := m.DispositionRate(); r < 0.95 {
		t.Errorf("disposition accuracy %.2f%% below 95%%", 100*r)
	}
	if r := m.Top1Rate(); r < 0.90 {
		t.Errorf("unit top-1 %.2f%% below 90%%", 100*r)
	}
	if r := m.Top3Rate(); r < 0.97 {
		t.Errorf("unit top-3 %.2f%% below 97%%", 100*r)
	}
}

func TestHeldoutSplit(t *testing.T) {
	n, h := 0, 0
	for i := 0; i < 10000; i++ {
		id := "X-" + time.Duration(i).String()
		if Heldout(id) {
			h++
		}
		if Heldout(id) != Heldout(id) {
			t.Fatal("not deterministic")
		}
		n++
	}
	if f := float64(h) / float64(n); f < 0.18 || f > 0.22 {
		t.Errorf("held-out fraction %.3f", f)
	}
	train, err := TrainingSet()
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range train {
		if Heldout(ex.ID) {
			t.Fatalf("training set holds held-out line %s", ex.ID)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"樓上鄰居裝修，噪音很大", "楼上邻居装修 噪音很大"},
		{"ＡＢＣ１２３，着火了！", "abc000 着火了 "},
		{"俺家娃儿走丢了", "我家孩子走丢了"},
		{"喂，你好，那个楼水了", " 那个漏水了"},
		{"咋整啊，冇人管", "怎么办啊 没有人管"},
		{"裡面著火", "里面着火"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// spans map back to the caller's own words
	tx := normalize("喂，樓上有人拿刀砍人")
	cues := findCues(tx)
	var texts []string
	for _, c := range cues {
		texts = append(texts, c.Text)
	}
	sort.Strings(texts)
	if len(texts) != 2 || texts[0] != "拿刀" || texts[1] != "砍人" {
		t.Errorf("cue texts %q", texts)
	}
}

func TestCues(t *testing.T) {
	type want struct {
		kind            CueKind
		active, negated bool
	}
	for _, tc := range []struct {
		text string
		want []want
	}{
		{"楼下有人拿刀砍人", []want{{CueWeapon, true, false}, {CueViolence, true, false}}},
		{"没人受伤，就是车刮了一下", []want{{CueInjury, false, true}}},
		{"没有造成人员受伤", []want{{CueInjury, false, true}}},
		{"有没有人受伤我也不知道", []want{{CueInjury, true, false}}},
		{"不是打架，是他拿刀追我", []want{{CueViolence, false, true}, {CueWeapon, true, false}}},
		{"是不是打架了，好多人围着", []want{{CueViolence, true, false}}},
		{"没有着火，就是有点烟味", []want{{CueFire, false, true}, {CueFire, false, false}}},
		{"楼道堆满杂物，怕着火", []want{{CueFire, false, false}}},
		{"存在火灾隐患", []want{{CueFire, false, false}}},
		{"没人敢拦，他还在打人", []want{{CueViolence, true, false}}},
		{"老公打我，我躲在厕所", []want{{CueDomestic, true, false}}},
		{"他一直打我电话骚扰", nil},
		{"抢了我的车位", nil},
		{"孩子走丢了", []want{{CueMissing, true, false}}},
		{"有人站在天台边上说不想活了", []want{{CueSuicide, true, false}, {CueSuicide, true, false}}},
		{"電梯困人了，裡面有老人", []want{{CueTrapped, true, false}}},
		{"他們在樓下打架", []want{{CueViolence, true, false}}},
		{"俺屋头着火了", []want{{CueFire, true, false}}},
		{"两个人吵起来了，再不来就要打起来了", []want{{CueViolence, false, false}, {CueViolence, true, false}}},
		{"隔壁在干仗", []want{{CueViolence, true, false}}},
		{"火锅店太吵", nil},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got := findCues(normalize(tc.text))
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					if g.Kind == w.kind && g.active() == w.active && g.Negated == w.negated {
						found = true
					}
				}
				if !found {
					t.Errorf("no cue %s active=%v negated=%v in %+v", w.kind, w.active, w.negated, got)
				}
			}
			if len(tc.want) == 0 && len(got) > 0 {
				t.Errorf("cues %+v, want none", got)
			}
			active := false
			for _, w := range tc.want {
				active = active || w.active
			}
			for _, g := range got {
				if g.active() && !active {
					t.Errorf("active cue %+v, want none active", g)
				}
			}
		})
	}
}

// TestSafety: danger overrides any non-police category; denials and
// worries do not hide other cues; answers stay valid.
func TestSafety(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		text   string
		police bool              // police side expected
		units  []fenliu.UnitType // must be present
	}{
		{"邻居装修太吵了，我去说了两句，他拿着菜刀出来要砍我", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"供电所的人来抄表，跟我老公吵起来，现在打起来了", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"厨房着火了，火很大，我婆婆还在里面", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue}},
		{"廚房著火了，火很大", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue}},
		{"路边有个老人倒在地上，叫不醒", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTMedicalEmergency}},
		{"我家孩子在小区里走丢了，五岁，穿红衣服", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"楼顶有个人坐在边上，说不想活了", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue}},
		{"路口两辆车撞了，有人流血，倒在地上", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTMedicalEmergency}},
		{"没人受伤，但是那个司机拿着刀下车了", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"没有着火，但是屋里全是煤气味，老人晕倒了", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTMedicalEmergency}},
		{"我刚才给一个自称公检法的人转了五万块钱到安全账户", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"俺屋头着火了，快来人", true, []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue}},
		{"楼下两口子在干仗，女的一直在喊救命", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"", true, []fenliu.UnitType{fenliu.UTPolice}},
		{"？？？", true, []fenliu.UnitType{fenliu.UTPolice}},
	} {
		r := e.Classify(tc.text)
		checkValid(t, tc.text, r)
		if r.Disposition.PoliceSide() != tc.police {
			t.Errorf("%q: %s %s (%s), want police side %v", tc.text, r.Disposition, r.Category, r.ReasonZH, tc.police)
		}
		if !hasAll(r.Units, tc.units) {
			t.Errorf("%q: units %v, want %v", tc.text, r.Units, tc.units)
		}
	}
}

func TestReasonWords(t *testing.T) {
	e := engine(t)
	text := "樓上有人拿刀砍人，快來"
	r := e.Classify(text)
	if !r.Disposition.PoliceSide() {
		t.Fatalf("%s", r.Disposition)
	}
	if len(r.Cues) == 0 || r.ReasonZH == "" || r.ReasonEN == "" {
		t.Fatalf("reason %+v", r)
	}
	for _, w := range append(r.Words, r.Cues...) {
		if !containsSub(text, w) {
			t.Errorf("reason word %q is not in the caller's text", w)
		}
	}
}

func containsSub(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && (s == sub || indexOf(s, sub) >= 0)
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestCustomCatalogue(t *testing.T) {
	e := mini(t)
	for _, ex := range readExamples(t, "testdata/sample.jsonl") {
		checkValid(t, ex.Text, e.Classify(ex.Text))
	}
	if e.Catalog().Version != "mini-1" {
		t.Errorf("version %q", e.Catalog().Version)
	}
}

func TestConcurrent(t *testing.T) {
	e := engine(t)
	texts := []string{"楼下有人打架", "路灯不亮", "停水了", "邻居装修太吵"}
	want := make([]Result, len(texts))
	for i, s := range texts {
		want[i] = e.Classify(s)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				i := k % len(texts)
				if r := e.Classify(texts[i]); r.Category != want[i].Category || r.Disposition != want[i].Disposition {
					t.Errorf("concurrent answer differs for %q", texts[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "楼下有人打架", "沒人受傷", "ＡＢＣ", "\xff\xfe", "喂喂喂", "不是没有人不受伤", "着火着火着火", "12345"} {
		f.Add(s)
	}
	e := mini(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkValid(t, s, e.Classify(s))
	})
}

func BenchmarkClassify(b *testing.B) {
	e := engine(b)
	var texts []string
	if all, err := Corpus(); err == nil {
		for _, ex := range all {
			texts = append(texts, ex.Text)
		}
	}
	for _, ex := range readExamples(b, "testdata/sample.jsonl") {
		texts = append(texts, ex.Text)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		e.Classify(texts[i%len(texts)])
		lat = append(lat, time.Since(t0))
	}
	el := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/el.Seconds(), "texts/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// BenchmarkLoad measures what Default does once: parse the catalogue, read
// the embedded corpus and train.
func BenchmarkLoad(b *testing.B) {
	if _, err := catalog.Default(); err != nil {
		b.Skip(err)
	}
	for i := 0; i < b.N; i++ {
		cat, err := catalog.Default()
		if err != nil {
			b.Fatal(err)
		}
		corpusOnce = sync.Once{} // read the embedded corpus again
		corpusAll, corpusErr = nil, nil
		train, err := TrainingSet()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := New(cat, train); err != nil {
			b.Fatal(err)
		}
	}
}
