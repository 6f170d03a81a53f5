// Package triage decides, for the text of a call, whether it is a police
// matter and which units must handle it (TRIAGE_CONTRACT.md). It is pure
// Go and does no I/O beyond reading its embedded files.
//
// The pipeline: normalise the text (Traditional → Simplified, full-width →
// half-width, dialect words, typos and fillers); find danger cues (with
// negation and worry markers); score every catalogue category with a
// linear model over character n-grams, catalogue keywords and cues; then
// apply the safety rules, which can only move an answer to the police side.
package triage

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
)

// Result is the engine's answer for one text.
type Result struct {
	Disposition fenliu.Disposition `json:"disposition"`
	Category    string             `json:"category"`
	CategoryZH  string             `json:"category_zh"`
	CategoryEN  string             `json:"category_en"`
	Units       []fenliu.UnitType  `json:"units"` // ranked, lead first; police-side answers include police
	// Candidates are the lead units of the next likeliest categories, for
	// the call-taker to pick instead; they are not routed.
	Candidates     []fenliu.UnitType `json:"candidates,omitempty"`
	Hotline        string            `json:"hotline"`
	Confidence     float64           `json:"confidence"` // 0..1
	Reason         Reason            `json:"reason"`
	Script         string            `json:"script,omitempty"` // read to a redirected caller
	AutoDispatch   bool              `json:"auto_dispatch,omitempty"`
	Alternatives   []Alternative     `json:"alternatives"`
	CatalogVersion string            `json:"catalog_version"`
}

// Reason says why: the words of the text that decided it (as the caller
// said them), the danger cues found, and a sentence for the call-taker.
type Reason struct {
	Words  []string `json:"words"`            // deciding keywords / n-grams, as in the text
	Cues   []string `json:"cues"`             // danger cues that count, as in the text
	Denied []string `json:"denied,omitempty"` // cues the caller denied (没人受伤) or only feared
	Danger []string `json:"danger,omitempty"` // kinds of danger found (CueKind codes)
	Rule   string   `json:"rule"`             // model | danger_cue | police_side_doubt
	ZH     string   `json:"zh"`
	EN     string   `json:"en"`
}

// Alternative is a next-best category with its probability.
type Alternative struct {
	Category    string             `json:"category"`
	NameZH      string             `json:"name_zh"`
	Disposition fenliu.Disposition `json:"disposition"`
	Score       float64            `json:"score"`
}

// Engine classifies call texts against one catalogue. It is immutable
// after New and safe for concurrent use.
type Engine struct {
	cat      *catalog.Catalog
	cats     []*catalog.Category
	police   []bool
	model    *model
	kw       *phraseIndex
	cueCat   map[CueKind]int // a catalogue category for each kind of danger
	anyPol   int             // fallback police category
	temp     float32         // softmax temperature over scores
	pool     sync.Pool
	TrainLen int // number of training texts used (corpus lines + catalogue examples)
}

// Thresholds of the safety rules (variables only so experiments can vary them).
var (
	// policeDoubt: a non-police top answer falls to the police side when
	// the police-side categories together have at least this probability.
	policeDoubt = 0.5
	// policeDoubtWeak applies instead when a weak danger cue leans that way.
	policeDoubtWeak = 0.2
	// policeDoubtTwo applies when two or more weak danger cues lean that way.
	policeDoubtTwo = 0.05
	// policeKeep: a police-side top answer stands when the police side
	// together has at least this probability.
	policeKeep = 0.3
	// tempOdds: a median training margin makes the winner this many times
	// as likely as the runner-up (sets the softmax temperature)
	tempOdds = 100.0
	epochs   = 3
	balance  = true
	// minDF: a corpus text's feature is kept if this many texts have it
	minDF int32 = 2
)

var (
	defaultOnce sync.Once
	defaultEng  *Engine
	defaultErr  error
)

// Default returns the engine over the built-in catalogue, trained on the
// training split of the embedded corpus. It is built once and shared.
func Default() (*Engine, error) {
	defaultOnce.Do(func() {
		cat, err := catalog.Default()
		if err != nil {
			defaultErr = err
			return
		}
		train, err := TrainingSet()
		if err != nil {
			defaultErr = err
			return
		}
		defaultEng, defaultErr = New(cat, train)
	})
	return defaultEng, defaultErr
}

// New trains an engine for a catalogue on labelled examples plus the
// catalogue's own keywords and examples. An example whose category the
// catalogue lacks is mapped to the catalogue category with the same
// disposition and lead unit, or skipped.
func New(cat *catalog.Catalog, train []Example) (*Engine, error) {
	if cat == nil {
		return nil, errors.New("triage: no catalogue")
	}
	e := &Engine{cat: cat, cats: cat.Categories(), cueCat: map[CueKind]int{}, anyPol: -1}
	if len(e.cats) == 0 {
		return nil, errors.New("triage: catalogue has no categories")
	}
	if len(e.cats) > math.MaxUint16 {
		return nil, errors.New("triage: too many categories")
	}
	idx := map[string]int{}
	e.police = make([]bool, len(e.cats))
	e.kw = newPhraseIndex()
	for i, c := range e.cats {
		idx[c.Code] = i
		e.police[i] = c.Disposition.PoliceSide()
		if e.police[i] && e.anyPol < 0 {
			e.anyPol = i
		}
		for _, k := range c.Keywords {
			e.kw.add(Normalize(k), i)
		}
	}
	for kind, info := range cueInfos {
		if i, ok := idx[info.category]; ok && e.police[i] {
			e.cueCat[kind] = i
			continue
		}
		// no shared category: a police-side one that has the units the danger needs
		best := -1
		for i, c := range e.cats {
			if !e.police[i] {
				continue
			}
			if hasAll(c.Units, info.units) {
				if best < 0 || len(c.Units) < len(e.cats[best].Units) {
					best = i
				}
			}
		}
		if best >= 0 {
			e.cueCat[kind] = best
		}
	}
	// fallback map for foreign category codes: disposition + lead unit
	byLead := map[string]int{}
	for i, c := range e.cats {
		k := string(c.Disposition) + "/" + string(c.Units[0])
		if _, ok := byLead[k]; !ok {
			byLead[k] = i
		}
	}
	type rawDoc struct {
		hs    []uint64
		class int
		w     float32
	}
	var raw []rawDoc
	df := map[uint64]int32{}
	buf := make([]feature, 0, 512)
	addDoc := func(s string, class int, w float32) {
		t := normalize(s)
		fs := e.extract(t, findCues(t), buf)
		hs := make([]uint64, len(fs))
		for i, f := range fs {
			hs[i] = f.h
			df[f.h]++
		}
		raw = append(raw, rawDoc{hs, class, w})
	}
	for _, ex := range train {
		if strings.TrimSpace(ex.Text) == "" {
			continue
		}
		class, ok := idx[ex.Category]
		if !ok {
			if len(ex.UnitsOK) == 0 {
				continue
			}
			class, ok = byLead[string(ex.Disposition)+"/"+string(ex.UnitsOK[0])]
			if !ok {
				continue
			}
		}
		addDoc(ex.Text, class, 1)
	}
	nCorpus := len(raw)
	for i, c := range e.cats {
		for _, s := range c.Examples {
			addDoc(s, i, 1)
		}
		for _, k := range c.Keywords {
			addDoc(k, i, 0.5)
		}
		addDoc(c.NameZH, i, 0.5)
	}
	// Classes with many texts would drown the thin ones: each corpus text
	// weighs sqrt(median count / its class's count), within [0.5, 2].
	counts := make([]int, len(e.cats))
	for _, r := range raw[:nCorpus] {
		counts[r.class]++
	}
	var nonzero []int
	for _, n := range counts {
		if n > 0 {
			nonzero = append(nonzero, n)
		}
	}
	if len(nonzero) > 0 && balance {
		sort.Ints(nonzero)
		med := float64(nonzero[len(nonzero)/2])
		for i := range raw[:nCorpus] {
			w := math.Sqrt(med / float64(counts[raw[i].class]))
			raw[i].w *= float32(math.Min(2, math.Max(0.5, w)))
		}
	}
	// Features seen in one corpus text only are dropped (they memorise,
	// they do not generalise); catalogue texts keep all theirs.
	ids := map[uint64]int32{}
	var hashes []uint64
	docs := make([]trainDoc, len(raw))
	for di, r := range raw {
		fs := make([]int32, 0, len(r.hs))
		for _, h := range r.hs {
			if df[h] < minDF && di < nCorpus {
				continue
			}
			id, ok := ids[h]
			if !ok {
				id = int32(len(hashes))
				ids[h] = id
				hashes = append(hashes, h)
			}
			fs = append(fs, id)
		}
		docs[di] = trainDoc{fs, r.class, r.w}
	}
	e.TrainLen = len(docs)
	e.model = trainPerceptron(docs, hashes, len(e.cats), e.police, epochs)
	e.model.addCentroids(docs, len(hashes), len(e.cats))

	cal := make([][]feature, 0, len(raw))

	for _, r := range raw {
		fs := make([]feature, len(r.hs))
		for i, h := range r.hs {
			fs[i] = feature{h: h}
		}
		cal = append(cal, fs)
	}
	e.temp = e.calibrate(cal)
	e.pool.New = func() any {
		return &scratch{scores: make([]float32, len(e.cats)), acc: make([]float32, len(e.cats)), fs: make([]feature, 0, 512),
			seen: make([]uint32, len(e.model.pStart))}
	}
	return e, nil
}

// calibrate picks the softmax temperature from the typical winning margin
// on the training texts, so probabilities are neither flat nor all 1.
func (e *Engine) calibrate(docs [][]feature) float32 {
	scores, acc := make([]float32, len(e.cats)), make([]float32, len(e.cats))
	var margins []float64
	for i := 0; i < len(docs); i += 1 + len(docs)/2000 {
		e.model.resolve(docs[i])
		e.model.scores(docs[i], scores, acc)
		a, b := top2(scores)
		margins = append(margins, float64(scores[a]-scores[b]))
	}
	if len(margins) == 0 {
		return 1
	}
	sort.Float64s(margins)
	med := margins[len(margins)/2]
	if med <= 0 {
		return 1
	}
	// a median training margin makes the winner 20 times as likely as the runner-up
	return float32(med / math.Log(tempOdds))
}

func top2(s []float32) (int, int) {
	a, b := -1, -1
	for i, v := range s {
		if a < 0 || v > s[a] {
			a, b = i, a
		} else if b < 0 || v > s[b] {
			b = i
		}
	}
	if b < 0 {
		b = a
	}
	return a, b
}

func hasAll(us, need []fenliu.UnitType) bool {
	for _, n := range need {
		if !containsUnit(us, n) {
			return false
		}
	}
	return true
}

func containsUnit(us []fenliu.UnitType, u fenliu.UnitType) bool {
	for _, x := range us {
		if x == u {
			return true
		}
	}
	return false
}

// Ranked returns the units in rank order: the answer's own, then the
// candidates (the contract's "units").
func (r *Result) Ranked() []fenliu.UnitType {
	return append(append([]fenliu.UnitType{}, r.Units...), r.Candidates...)
}

// Catalog returns the engine's catalogue.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

type scratch struct {
	scores, acc []float32
	fs          []feature
	seen        []uint32 // per feature id: the gen that last saw it
	gen         uint32
}

// Classify answers one text. It never fails: an empty or meaningless text
// still gets a valid answer (on the police side, with low confidence).
func (e *Engine) Classify(s string) Result {
	sc := e.pool.Get().(*scratch)
	defer e.pool.Put(sc)
	t := normalize(s)
	cues := findCues(t)
	if sc.gen++; sc.gen == 0 {
		clear(sc.seen)
		sc.gen = 1
	}
	sc.fs = e.extractKnown(t, cues, sc.fs, sc.seen, sc.gen)
	norm := e.model.scores(sc.fs, sc.scores, sc.acc)
	scores := sc.scores

	// probabilities
	n := len(scores)
	probs := make([]float64, n)
	maxS := float32(math.Inf(-1))
	for _, v := range scores {
		if v > maxS {
			maxS = v
		}
	}
	var z float64
	for i, v := range scores {
		p := math.Exp(float64((v - maxS) / e.temp))
		probs[i] = p
		z += p
	}
	var pPolice float64
	for i := range probs {
		probs[i] /= z
		if e.police[i] {
			pPolice += probs[i]
		}
	}
	top := argmax(probs, nil)
	bestPol := argmax(probs, func(i int) bool { return e.police[i] })

	var active, leaning, denied []Cue
	for _, c := range cues {
		switch {
		case c.active():
			active = append(active, c)
		case c.leaning():
			leaning = append(leaning, c)
		default:
			denied = append(denied, c)
		}
	}

	rule := "model"
	chosen := top
	meaningful := false
	for _, f := range sc.fs {
		if f.h != biasFeature && e.model.known(f) {
			meaningful = true
			break
		}
	}
	doubt := policeDoubt
	kinds := map[CueKind]bool{}
	for _, c := range leaning {
		if !c.Hypo {
			kinds[c.Kind] = true
		}
	}
	switch {
	case len(kinds) >= 2:
		doubt = policeDoubtTwo // several weak signs of danger together
	case len(kinds) > 0:
		doubt = policeDoubtWeak // a hazard only feared (万一着火) does not lean
	}
	switch {
	case len(active) > 0 && bestPol >= 0:
		if !e.police[top] {
			rule = "danger_cue"
		}
		chosen = e.cueCategory(active, probs, bestPol)
	case bestPol >= 0 && !meaningful:
		rule = "police_side_doubt"
		chosen = bestPol
	case e.police[top] && pPolice >= policeKeep:
		// the model's own police-side answer stands unless the police
		// side as a whole is unlikely
	case bestPol >= 0 && pPolice >= doubt:
		rule = "police_side_doubt"
		chosen = bestPol
	default:
		// the police-side categories together are unlikely: the best
		// non-police category, even when one police category edges ahead
		if bestNon := argmax(probs, func(i int) bool { return !e.police[i] }); bestNon >= 0 {
			chosen = bestNon
		}
	}
	cat := e.cats[chosen]
	r := Result{
		Disposition:    cat.Disposition,
		Category:       cat.Code,
		CategoryZH:     cat.NameZH,
		CategoryEN:     cat.NameEN,
		Hotline:        cat.Hotline,
		Script:         cat.Script,
		AutoDispatch:   cat.AutoDispatch,
		CatalogVersion: e.cat.Version,
	}
	r.Units = append(r.Units, cat.Units...)
	if r.Disposition.PoliceSide() {
		r.Units = e.policeUnits(r.Units, active, leaning, t.runes)
		// a police matter becomes joint when a danger needs another
		// emergency service on its own terms (fire, rescue); injuries in
		// a fight stay police with an ambulance added.
		if r.Disposition == fenliu.DispPolice {
			for _, c := range active {
				switch c.Kind {
				case CueFire, CueExplosion, CueGas, CueTrapped, CueDrowning, CueSuicide, CueTraffic:
					r.Disposition = fenliu.DispJoint
				}
			}
		}
		r.Hotline, r.Script, r.AutoDispatch = "", "", false
	} else {
		// the next likeliest categories' lead units, as candidates
		for _, a := range rankedBy(probs, 8) {
			if a == chosen || e.police[a] || len(r.Units)+len(r.Candidates) >= 3 {
				continue
			}
			if u := e.cats[a].Units[0]; !containsUnit(r.Units, u) && !containsUnit(r.Candidates, u) {
				r.Candidates = append(r.Candidates, u)
			}
		}
	}
	switch rule {
	case "model":
		r.Confidence = probs[chosen]
		if r.Disposition.PoliceSide() && len(active) > 0 {
			r.Confidence = math.Max(0.9, pPolice) // a strong cue agreed with the model
		} else if r.Disposition.PoliceSide() {
			r.Confidence = math.Max(r.Confidence, pPolice) // how sure it is a police matter
		}
	case "danger_cue":
		r.Confidence = math.Max(0.9, pPolice)
	default:
		r.Confidence = pPolice
	}
	r.Confidence = math.Round(math.Min(1, math.Max(0, r.Confidence))*1000) / 1000
	for _, a := range rankedBy(probs, 5) {
		if a == chosen || len(r.Alternatives) == 3 {
			continue
		}
		r.Alternatives = append(r.Alternatives, Alternative{e.cats[a].Code, e.cats[a].NameZH, e.cats[a].Disposition, math.Round(probs[a]*1000) / 1000})
	}
	if r.Alternatives == nil {
		r.Alternatives = []Alternative{}
	}
	runnerUp := top
	if chosen == top {
		_, runnerUp = top2(scores)
	}
	r.Reason = e.explain(t, sc.fs, norm, chosen, runnerUp, rule, active, leaning, denied, &r, probs[top], top)
	return r
}

// cueCategory picks the police-side category for the active danger cues:
// the likeliest of the cues' own categories, unless the model is sure of
// another police-side one.
func (e *Engine) cueCategory(active []Cue, probs []float64, bestPol int) int {
	best := -1
	for _, c := range active {
		if i, ok := e.cueCat[c.Kind]; ok && (best < 0 || probs[i] > probs[best]) {
			best = i
		}
	}
	if best < 0 || (probs[bestPol] > 3*probs[best] && probs[bestPol] >= 0.3) {
		return bestPol
	}
	return best
}

// policeUnits puts police first and adds the emergency units the cues need.
func (e *Engine) policeUnits(units []fenliu.UnitType, active, leaning []Cue, rs []rune) []fenliu.UnitType {
	out := []fenliu.UnitType{fenliu.UTPolice}
	for _, u := range units {
		if u != fenliu.UTPolice {
			out = append(out, u)
		}
	}
	add := func(cs []Cue) {
		for _, c := range cs {
			for _, u := range cueInfos[c.Kind].units {
				if !containsUnit(out, u) {
					out = append(out, u)
				}
			}
		}
	}
	add(active)
	for _, c := range active {
		switch c.Kind {
		case CueFire, CueExplosion, CueInjury, CueTrapped, CueGas:
			if !containsUnit(out, fenliu.UTTrafficPolice) && onRoad(rs) {
				out = append(out, fenliu.UTTrafficPolice)
			}
		}
	}
	// a weak cue of injury still calls an ambulance
	for _, c := range leaning {
		if c.Kind == CueInjury || c.Kind == CueTraffic {
			add([]Cue{c})
		}
	}
	return out
}

func argmax(p []float64, ok func(int) bool) int {
	best := -1
	for i, v := range p {
		if ok != nil && !ok(i) {
			continue
		}
		if best < 0 || v > p[best] {
			best = i
		}
	}
	return best
}

func rankedBy(p []float64, k int) []int {
	idx := make([]int, 0, k+1)
	for i, v := range p {
		if len(idx) < k || v > p[idx[len(idx)-1]] {
			j := len(idx)
			if j < k {
				idx = append(idx, i)
			} else {
				j = k - 1
				idx[j] = i
			}
			for ; j > 0 && p[idx[j]] > p[idx[j-1]]; j-- {
				idx[j], idx[j-1] = idx[j-1], idx[j]
			}
		}
	}
	return idx
}

func unitNames(us []fenliu.UnitType, zh bool) string {
	var names []string
	for _, u := range us {
		for _, info := range fenliu.UnitTypes {
			if info.Code == u {
				if zh {
					names = append(names, info.ZH)
				} else {
					names = append(names, info.EN)
				}
			}
		}
	}
	if zh {
		return strings.Join(names, "、")
	}
	return strings.Join(names, ", ")
}

// explain finds the words that decided the answer and writes the sentences.
func (e *Engine) explain(t *text, fs []feature, norm float32, chosen, runnerUp int, rule string, active, leaning, denied []Cue, r *Result, pTop float64, top int) Reason {
	rs := Reason{Rule: rule, Words: []string{}, Cues: []string{}}
	seenKind := map[CueKind]bool{}
	for _, c := range append(append([]Cue{}, active...), leaning...) {
		if !contains(rs.Cues, c.Text) {
			rs.Cues = append(rs.Cues, c.Text)
		}
		if !seenKind[c.Kind] {
			seenKind[c.Kind] = true
			rs.Danger = append(rs.Danger, string(c.Kind))
		}
	}
	for _, c := range denied {
		if !contains(rs.Denied, c.Text) {
			rs.Denied = append(rs.Denied, c.Text)
		}
	}
	// deciding n-grams: features pushing chosen over the runner-up
	type span struct {
		a, b int
		w    float32
	}
	var spans []span
	for _, f := range fs {
		if f.a < 0 || f.b-f.a < 2 {
			continue // single characters never make a word of the reason
		}
		var d float32
		if runnerUp != chosen {
			d = e.model.lift(f, chosen, runnerUp, norm)
		} else {
			d = e.model.lift(f, chosen, -1, norm)
		}
		if d > 0 {
			spans = append(spans, span{int(f.a), int(f.b), d})
		}
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(y.w, x.w) })
	if len(spans) > 12 {
		spans = spans[:12]
	}
	// merge overlapping spans into phrases
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.a, y.a) })
	var merged []span
	for _, s := range spans {
		if n := len(merged); n > 0 && s.a <= merged[n-1].b {
			if s.b > merged[n-1].b {
				merged[n-1].b = s.b
			}
			merged[n-1].w += s.w
			continue
		}
		merged = append(merged, s)
	}
	slices.SortFunc(merged, func(x, y span) int { return cmp.Compare(y.w, x.w) })
	for _, s := range merged {
		if len(rs.Words) == 4 {
			break
		}
		w := strings.TrimSpace(t.span(s.a, s.b))
		if s.b-s.a >= 2 && !contains(rs.Words, w) && !contains(rs.Cues, w) && !contains(rs.Denied, w) {
			rs.Words = append(rs.Words, w)
		}
	}
	quote := func(ws []string, zh bool) string {
		if len(ws) == 0 {
			return ""
		}
		if zh {
			return "「" + strings.Join(ws, "」「") + "」"
		}
		return "“" + strings.Join(ws, "”, “") + "”"
	}
	cat := e.cats[chosen]
	var zh, en strings.Builder
	switch rule {
	case "danger_cue":
		var kinds []string
		var kindsEN []string
		for _, k := range rs.Danger {
			kinds = append(kinds, cueInfos[CueKind(k)].zh)
			kindsEN = append(kindsEN, cueInfos[CueKind(k)].en)
		}
		fmt.Fprintf(&zh, "发现危险信号%s（%s），按警情处理：%s，派%s。", quote(rs.Cues, true), strings.Join(kinds, "、"), cat.NameZH, unitNames(r.Units, true))
		fmt.Fprintf(&en, "Danger cue %s (%s): a police matter — %s; send %s.", quote(rs.Cues, false), strings.Join(kindsEN, ", "), cat.NameEN, unitNames(r.Units, false))
	case "police_side_doubt":
		o := e.cats[top]
		fmt.Fprintf(&zh, "不能排除警情（最像「%s」，把握%.0f%%），按就高原则先派警：%s。", o.NameZH, pTop*100, cat.NameZH)
		fmt.Fprintf(&en, "A police matter cannot be ruled out (closest non-police match “%s”, %.0f%%), so police first: %s.", o.NameEN, pTop*100, cat.NameEN)
	default:
		by, byEN := "", ""
		if len(rs.Words) > 0 {
			by, byEN = "依据"+quote(rs.Words, true)+"，", "From "+quote(rs.Words, false)+": "
		}
		switch r.Disposition {
		case fenliu.DispPolice, fenliu.DispJoint:
			fmt.Fprintf(&zh, "%s判断为警情：%s，派%s。", by, cat.NameZH, unitNames(r.Units, true))
			fmt.Fprintf(&en, "%sa police matter — %s; send %s.", byEN, cat.NameEN, unitNames(r.Units, false))
		case fenliu.DispRedirect:
			fmt.Fprintf(&zh, "%s判断为非警务咨询：%s，请引导来电人拨打%s。", by, cat.NameZH, r.Hotline)
			fmt.Fprintf(&en, "%sa non-police enquiry — %s; give the caller the %s hotline.", byEN, cat.NameEN, r.Hotline)
		default:
			fmt.Fprintf(&zh, "%s判断为非警务事项：%s，建议分流至%s。", by, cat.NameZH, unitNames(r.Units, true))
			fmt.Fprintf(&en, "%sa non-police matter — %s; divert to %s.", byEN, cat.NameEN, unitNames(r.Units, false))
		}
	}
	if len(rs.Denied) > 0 {
		fmt.Fprintf(&zh, "（%s已按否定或假设处理，请核实）", quote(rs.Denied, true))
		fmt.Fprintf(&en, " (%s read as denied or feared; please confirm)", quote(rs.Denied, false))
	}
	rs.ZH, rs.EN = zh.String(), en.String()
	return rs
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
