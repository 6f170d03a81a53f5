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

// Result is the engine's answer for one text: the domain's triage answer.
type Result = fenliu.Triage

// Alternative is a next-best category with its probability.
type Alternative = fenliu.TriageAlternative

// Engine classifies call texts against one catalogue. It is immutable
// after New and safe for concurrent use.
type Engine struct {
	cat      *catalog.Catalog
	cats     []*catalog.Category
	police   []bool
	model    *model
	danger   *dangerModel
	kw       *phraseIndex
	cueCat   map[CueKind]int // a catalogue category for each kind of danger
	anyPol   int             // fallback police category
	idx      map[string]int  // category code → index
	info     ModelInfo       // the model's description (modelfile.go)
	temp     float32         // softmax temperature over scores
	pool     sync.Pool
	TrainLen int // number of training texts used (corpus lines + catalogue examples)
}

// Knobs of training (variables only so experiments can vary them).
var (
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
// training split of the embedded corpus: the built-in model (builtin.go),
// loaded once and shared.
func Default() (*Engine, error) {
	defaultOnce.Do(func() {
		cat, err := catalog.Default()
		if err != nil {
			defaultErr = err
			return
		}
		defaultEng, defaultErr = ForCatalog(cat)
	})
	return defaultEng, defaultErr
}

// New trains an engine for a catalogue on labelled examples plus the
// catalogue's own keywords and examples. An example whose category the
// catalogue lacks is mapped to the catalogue category with the same
// disposition and lead unit, or skipped.
func New(cat *catalog.Catalog, train []Example) (*Engine, error) {
	e, err := newBase(cat)
	if err != nil {
		return nil, err
	}
	e.train(train)
	e.finish()
	return e, nil
}

// newBase returns an engine for a catalogue with everything but the
// learned weights: the keyword index, the police-side categories, the
// category of each kind of danger.
func newBase(cat *catalog.Catalog) (*Engine, error) {
	if cat == nil {
		return nil, errors.New("triage: no catalogue")
	}
	e := &Engine{cat: cat, cats: cat.Categories(), cueCat: map[CueKind]int{}, anyPol: -1, idx: map[string]int{}}
	if len(e.cats) == 0 {
		return nil, errors.New("triage: catalogue has no categories")
	}
	if len(e.cats) > math.MaxUint16 {
		return nil, errors.New("triage: too many categories")
	}
	idx := e.idx
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
	return e, nil
}

// train learns the weights from labelled examples plus the catalogue's own
// keywords, examples and names.
func (e *Engine) train(train []Example) {
	idx := e.idx
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
	ctxH := map[uint64]bool{} // the context features: for the danger model only
	addDoc := func(s string, class int, w float32) {
		t := normalize(s)
		cues := findCues(t)
		contextFeatures(t.runes, cues, func(h uint64, _, _ int32) { ctxH[h] = true })
		fs := e.extract(t, cues, buf)
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
		w := float32(1)
		if ex.Weight > 0 {
			w = float32(ex.Weight)
		}
		addDoc(ex.Text, class, w)
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
	dangerDocs := make([]trainDoc, len(raw))
	for di, r := range raw {
		fs := make([]int32, 0, len(r.hs))
		var cfs []int32
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
			if ctxH[h] {
				cfs = append(cfs, id)
				continue
			}
			fs = append(fs, id)
		}
		docs[di] = trainDoc{fs, r.class, r.w}
		dangerDocs[di] = trainDoc{append(cfs, fs...), r.class, r.w}
	}
	e.TrainLen = len(docs)
	e.model = trainPerceptron(docs, hashes, len(e.cats), e.police, epochs)
	e.model.addCentroids(docs, len(hashes), len(e.cats))
	dangerous := make([]bool, len(docs))
	for i, d := range docs {
		dangerous[i] = e.police[d.class]
	}
	e.danger = trainDanger(dangerDocs, dangerous, len(hashes))

	cal := make([][]feature, 0, len(raw))

	for _, r := range raw {
		fs := make([]feature, len(r.hs))
		for i, h := range r.hs {
			fs[i] = feature{h: h}
		}
		cal = append(cal, fs)
	}
	e.temp = e.calibrate(cal)
}

// finish makes a trained or loaded engine ready to classify.
func (e *Engine) finish() {
	e.pool.New = func() any {
		return &scratch{scores: make([]float32, len(e.cats)), acc: make([]float32, len(e.cats)), fs: make([]feature, 0, 512),
			scores2: make([]float32, len(e.cats)), probs: make([]float64, len(e.cats)), fs2: make([]feature, 0, 512),
			seen: make([]uint32, len(e.model.pStart))}
	}
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

// Catalog returns the engine's catalogue.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

type scratch struct {
	scores, acc []float32
	scores2     []float32 // a sentence's scores (segmentDanger)
	probs       []float64
	fs, fs2     []feature
	seen        []uint32 // per feature id: the gen that last saw it
	gen         uint32
}

// Classify answers one text. It never fails: an empty or meaningless text
// still gets a valid answer (on the police side, with low confidence).
func (e *Engine) Classify(s string) Result { return e.Answer(s, true) }

// Answer answers one text; with explain false it leaves out the deciding
// words and the sentences for the call-taker (Words, ReasonZH, ReasonEN),
// which cost a fifth of the time (fenliu classify without --reason).
func (e *Engine) Answer(s string, explain bool) Result {
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
	probs := make([]float64, len(scores))
	pPolice := e.probabilities(scores, probs)
	top := argmax(probs, nil)
	bestPol := argmax(probs, func(i int) bool { return e.police[i] })

	in, active, leaning, denied := e.safetyInput(sc.fs, cues, probs, pPolice, top)
	dec := SafetyPolicy(in)
	if !dec.Police {
		// only now is it worth weighing each sentence alone
		if in.SentencePolice = e.sentencePolice(t, sc); in.SentencePolice {
			dec = SafetyPolicy(in)
		}
	}
	if bestPol < 0 { // a catalogue with no police-side category
		dec = SafetyDecision{Rule: RuleModel}
	}
	rule := dec.Rule
	chosen := top
	switch {
	case dec.Police && in.Strong:
		chosen = e.cueCategory(active, probs, bestPol)
	case dec.Police && !e.police[top]:
		chosen = bestPol
	case !dec.Police && e.police[top]:
		if bestNon := argmax(probs, func(i int) bool { return !e.police[i] }); bestNon >= 0 {
			chosen = bestNon
		}
	}
	cat := e.cats[chosen]
	r := Result{
		Review:         dec.Review && cat.Disposition.PoliceSide(),
		DangerProb:     math.Round(in.Danger*1000) / 1000,
		Disposition:    cat.Disposition,
		Category:       cat.Code,
		CategoryZH:     cat.NameZH,
		CategoryEN:     cat.NameEN,
		Hotline:        cat.Hotline,
		Script:         cat.Script,
		AutoDispatch:   cat.AutoDispatch,
		CatalogVersion: e.cat.Version,
		ModelVersion:   e.info.Version,
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
	case RuleModel:
		r.Confidence = probs[chosen]
		if r.Disposition.PoliceSide() && len(active) > 0 {
			r.Confidence = math.Max(0.9, pPolice) // a strong cue agreed with the model
		} else if r.Disposition.PoliceSide() {
			r.Confidence = math.Max(r.Confidence, pPolice) // how sure it is a police matter
		}
	case RuleDangerCue:
		r.Confidence = math.Max(0.9, pPolice)
	case RuleDangerDoubt:
		r.Confidence = in.Danger
	default:
		r.Confidence = pPolice
	}
	if r.Review {
		r.AskZH, r.AskEN = e.ask(active, leaning, denied)
	}
	r.Confidence = math.Round(math.Min(1, math.Max(0, r.Confidence))*1000) / 1000
	for _, a := range rankedBy(probs, 5) {
		if a == chosen || len(r.Alternatives) == 3 {
			continue
		}
		r.Alternatives = append(r.Alternatives, Alternative{Category: e.cats[a].Code, NameZH: e.cats[a].NameZH, Disposition: e.cats[a].Disposition, Score: math.Round(probs[a]*1000) / 1000})
	}
	if r.Alternatives == nil {
		r.Alternatives = []Alternative{}
	}
	runnerUp := top
	if chosen == top {
		_, runnerUp = top2(scores)
	}
	var rs reason
	if explain {
		rs = e.explain(t, sc.fs, norm, chosen, runnerUp, rule, active, leaning, denied, &r, probs[top], top)
	} else {
		rs.Rule = rule
		cuesOf(&rs, active, leaning, denied)
	}
	r.Words, r.Cues, r.Denied, r.Danger, r.Rule, r.ReasonZH, r.ReasonEN = rs.Words, rs.Cues, rs.Denied, rs.Danger, rs.Rule, rs.ZH, rs.EN
	return r
}

// probabilities turns scores into probabilities (softmax at the engine's
// temperature) and returns the police-side categories' total.
func (e *Engine) probabilities(scores []float32, probs []float64) float64 {
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
	return pPolice
}

// minSegment: a sentence shorter than this (in runes) is not weighed alone.
const minSegment = 4

// maxSentences: a text of more sentences (a written message, not a call)
// is not weighed sentence by sentence — with many sentences, one of them
// alone looks like a police matter by chance too often (docs/triage.md).
var maxSentences = 3

// safetyInput gathers what the safety policy decides on for features fs
// of a text with its cues, and sorts the cues into active, leaning and
// denied ones.
func (e *Engine) safetyInput(fs []feature, cues []Cue, probs []float64, pPolice float64, top int) (in SafetyInput, active, leaning, denied []Cue) {
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
	in = SafetyInput{TopPolice: e.police[top], PPolice: pPolice, Danger: e.danger.prob(fs), Strong: len(active) > 0}
	for _, f := range fs {
		if f.h != biasFeature && e.model.known(f) {
			in.Meaningful = true
			break
		}
	}
	var kinds []CueKind
	for _, c := range leaning {
		if !c.Hypo && !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind) // a hazard only feared (万一着火) does not lean
		}
	}
	in.WeakKinds = len(kinds)
	return in, active, leaning, denied
}

// sentencePolice weighs each sentence of a text of several alone, by the
// same policy: a danger told inside a question about something else
// (我想咨询离婚的事，还有就是他说要杀了我) is outweighed in the whole text
// but not in its own sentence. A sentence with nothing known in it does
// not count.
func (e *Engine) sentencePolice(t *text, sc *scratch) bool {
	segs := t.segments()
	if len(segs) < 2 || len(segs) > maxSentences {
		return false
	}
	probs := sc.probs[:len(e.cats)]
	for _, s := range segs {
		if s[1]-s[0] < minSegment {
			continue
		}
		sub := t.sub(s[0], s[1])
		if sc.gen++; sc.gen == 0 {
			clear(sc.seen)
			sc.gen = 1
		}
		cues := findCues(sub)
		sc.fs2 = e.extractKnown(sub, cues, sc.fs2, sc.seen, sc.gen)
		e.model.scores(sc.fs2, sc.scores2, sc.acc)
		pPolice := e.probabilities(sc.scores2, probs)
		in, _, _, _ := e.safetyInput(sc.fs2, cues, probs, pPolice, argmax(probs, nil))
		in.Sentence = true
		if !in.Meaningful {
			continue
		}
		if d := SafetyPolicy(in); d.Police {
			return true
		}
	}
	return false
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

// reason is what explain finds; it lands in the answer's Words, Cues,
// Denied, Danger, Rule, ReasonZH and ReasonEN.
type reason struct {
	Words, Cues, Denied, Danger []string
	Rule, ZH, EN                string
}

// cuesOf lists the cues that count and the denied ones, as in the text,
// and the kinds of danger found.
func cuesOf(rs *reason, active, leaning, denied []Cue) {
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
}

// explain finds the words that decided the answer and writes the sentences.
func (e *Engine) explain(t *text, fs []feature, norm float32, chosen, runnerUp int, rule string, active, leaning, denied []Cue, r *Result, pTop float64, top int) reason {
	rs := reason{Rule: rule, Words: []string{}, Cues: []string{}}
	cuesOf(&rs, active, leaning, denied)
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
	case RuleDangerCue:
		var kinds []string
		var kindsEN []string
		for _, k := range rs.Danger {
			kinds = append(kinds, cueInfos[CueKind(k)].zh)
			kindsEN = append(kindsEN, cueInfos[CueKind(k)].en)
		}
		fmt.Fprintf(&zh, "发现危险信号%s（%s），按警情处理：%s，派%s。", quote(rs.Cues, true), strings.Join(kinds, "、"), cat.NameZH, unitNames(r.Units, true))
		fmt.Fprintf(&en, "Danger cue %s (%s): a police matter — %s; send %s.", quote(rs.Cues, false), strings.Join(kindsEN, ", "), cat.NameEN, unitNames(r.Units, false))
	case RulePoliceDoubt, RuleUnknown:
		o := e.cats[top]
		fmt.Fprintf(&zh, "可能涉警，请核实：不能排除警情（最像「%s」，把握%.0f%%），按就高原则先派警：%s。", o.NameZH, pTop*100, cat.NameZH)
		fmt.Fprintf(&en, "Possibly a police matter, please verify: it cannot be ruled out (closest non-police match “%s”, %.0f%%), so police first: %s.", o.NameEN, pTop*100, cat.NameEN)
	case RuleSentence:
		o := e.cats[top]
		fmt.Fprintf(&zh, "可能涉警，请核实：全文最像「%s」，但其中一句单看不能排除警情，按就高原则先派警：%s。", o.NameZH, cat.NameZH)
		fmt.Fprintf(&en, "Possibly a police matter, please verify: the whole reads as “%s”, but one sentence alone cannot rule a police matter out, so police first: %s.", o.NameEN, cat.NameEN)
	case RuleDangerDoubt:
		o := e.cats[top]
		fmt.Fprintf(&zh, "可能涉警，请核实：危险判断模型认为有人身危险或违法犯罪的可能（%.0f%%），虽最像「%s」，按就高原则先派警：%s。", r.DangerProb*100, o.NameZH, cat.NameZH)
		fmt.Fprintf(&en, "Possibly a police matter, please verify: the danger model cannot rule out danger or a crime (%.0f%%); closest non-police match “%s”, so police first: %s.", r.DangerProb*100, o.NameEN, cat.NameEN)
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
