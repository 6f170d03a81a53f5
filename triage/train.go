package triage

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fenliu/fenliu"
)

// Learning from a city's own record: history lines (history.go) are given
// a catalogue category — the one they name, else the category the current
// engine finds likeliest among those whose lead unit is one of the line's
// units (and whose disposition is the line's, non-police when it names
// none) — and trained on together with the corpus' training split. The
// new engine is compared with the current one on held-out slices of both,
// and accepted only when it is not worse on safety and not worse on units.

// TrainReport says what training learned from and how the new engine
// compares with the current one.
type TrainReport struct {
	HistoryLines   int            // history lines read
	HistoryTrained int            // of those, trained on
	HistoryHeldOut int            // of those, held out to compare on
	Unplaced       int            // lines no catalogue category fits (their units or disposition)
	Sources        map[string]int // training texts by source
	Took           time.Duration
	// Current and New scored on the corpus' held-out split and on the
	// history's held-out slice.
	CurrentCorpus, NewCorpus   *Metrics
	CurrentHistory, NewHistory *Metrics
	Accepted                   bool
	Why                        string // why it was refused, or what it gained
}

// maxCorpusTop1Drop is how much unit top-1 on the corpus' held-out split
// a new model may lose (it learns a city's own words, and may trade a
// little on the project's) while gaining on the city's history.
const maxCorpusTop1Drop = 0.01

// Train builds a new engine for the current engine's catalogue from the
// corpus' training split and the history, and compares the two.
func Train(current *Engine, corpus []Example, history []HistoryLine) (*Engine, *TrainReport, error) {
	if current == nil {
		return nil, nil, errors.New("triage: no current engine")
	}
	start := time.Now()
	rep := &TrainReport{HistoryLines: len(history), Sources: map[string]int{}}
	var train, heldCorpus, heldHistory []Example
	for _, ex := range corpus {
		if Heldout(ex.ID) {
			heldCorpus = append(heldCorpus, ex)
		} else {
			train = append(train, ex)
		}
	}
	rep.Sources["corpus"] = len(train)
	for _, h := range history {
		ex, ok := current.placeHistory(h)
		if !ok {
			rep.Unplaced++
			continue
		}
		if Heldout(h.ID + "\x00" + h.Text) {
			heldHistory = append(heldHistory, current.scoringExample(h))
			rep.HistoryHeldOut++
			continue
		}
		train = append(train, ex)
		rep.HistoryTrained++
		if h.Weight > 1 {
			rep.Sources["corrections"]++
		} else {
			rep.Sources["history"]++
		}
	}
	// A city's history may be many times the corpus: its lines together
	// weigh no more than the corpus' lines, so the project's danger and
	// dispatch knowledge is kept while the city's words are learnt.
	if nc := rep.Sources["corpus"]; rep.HistoryTrained > nc {
		scale := float64(nc) / float64(rep.HistoryTrained)
		for i := nc; i < len(train); i++ {
			w := train[i].Weight
			if w <= 0 {
				w = 1
			}
			train[i].Weight = w * scale
		}
	}
	if rep.HistoryTrained == 0 && len(history) > 0 {
		return nil, rep, fmt.Errorf("triage: none of %d history lines fits a category of catalogue %q", len(history), current.cat.Version)
	}
	e, err := newBase(current.cat)
	if err != nil {
		return nil, rep, err
	}
	e.train(train)
	e.finish()
	e.info.Sources = rep.Sources
	rep.Took = time.Since(start)
	rep.CurrentCorpus, rep.NewCorpus = Evaluate(current, heldCorpus), Evaluate(e, heldCorpus)
	rep.CurrentHistory, rep.NewHistory = Evaluate(current, heldHistory), Evaluate(e, heldHistory)
	rep.Accepted, rep.Why = Accept(rep.CurrentCorpus, rep.NewCorpus, rep.CurrentHistory, rep.NewHistory)
	return e, rep, nil
}

// Accept decides whether a new model may replace the current one: not
// worse on safety (no more dangerous errors on either held-out slice) and
// not worse on units (unit top-1 on the city's held-out history at least
// the current one's, and on the corpus' held-out split down by at most
// maxCorpusTop1Drop).
func Accept(curCorpus, newCorpus, curHist, newHist *Metrics) (bool, string) {
	if d, c := len(newCorpus.Dangerous), len(curCorpus.Dangerous); d > c {
		return false, fmt.Sprintf("worse on safety: %d dangerous errors on the corpus' held-out split, the current model makes %d", d, c)
	}
	if d, c := len(newHist.Dangerous), len(curHist.Dangerous); d > c {
		return false, fmt.Sprintf("worse on safety: %d dangerous errors on the history's held-out slice, the current model makes %d", d, c)
	}
	if newHist.N > 0 && newHist.Top1Rate() < curHist.Top1Rate() {
		return false, fmt.Sprintf("worse on units: unit top-1 %.1f%% on the history's held-out slice, the current model %.1f%%", 100*newHist.Top1Rate(), 100*curHist.Top1Rate())
	}
	if newCorpus.Top1Rate() < curCorpus.Top1Rate()-maxCorpusTop1Drop {
		return false, fmt.Sprintf("worse on units: unit top-1 %.1f%% on the corpus' held-out split, the current model %.1f%%", 100*newCorpus.Top1Rate(), 100*curCorpus.Top1Rate())
	}
	return true, fmt.Sprintf("not worse on safety; unit top-1 on the history %.1f%% → %.1f%%, on the corpus %.1f%% → %.1f%%",
		100*curHist.Top1Rate(), 100*newHist.Top1Rate(), 100*curCorpus.Top1Rate(), 100*newCorpus.Top1Rate())
}

// placeHistory turns a history line into a training example of one of the
// engine's categories.
func (e *Engine) placeHistory(h HistoryLine) (Example, bool) {
	ex := Example{ID: h.ID, Text: h.Text, Weight: h.Weight}
	if i, ok := e.idx[h.Category]; ok {
		c := e.cats[i]
		ex.Category, ex.Disposition, ex.UnitsOK = c.Code, c.Disposition, c.Units
		return ex, true
	}
	probs := e.probs(h.Text)
	best := -1
	for i, c := range e.cats {
		if h.Disposition != "" {
			if c.Disposition != h.Disposition {
				continue
			}
		} else if c.Disposition.PoliceSide() != (len(h.Units) > 0 && h.Units[0] == fenliu.UTPolice) {
			continue
		}
		if len(h.Units) > 0 && !containsUnit(h.Units, c.Units[0]) {
			continue
		}
		if best < 0 || probs[i] > probs[best] {
			best = i
		}
	}
	if best < 0 {
		return ex, false
	}
	c := e.cats[best]
	ex.Category, ex.Disposition, ex.UnitsOK = c.Code, c.Disposition, c.Units
	return ex, true
}

// scoringExample is a held-out history line to score on: its own units, or
// its category's when it names none.
func (e *Engine) scoringExample(h HistoryLine) Example {
	ex := h.Example()
	if i, ok := e.idx[h.Category]; ok {
		if len(ex.UnitsOK) == 0 {
			ex.UnitsOK = e.cats[i].Units[:1]
		}
		if h.Disposition == "" {
			ex.Disposition = e.cats[i].Disposition
		}
	}
	return ex
}

// probs returns the category model's probabilities for a text.
func (e *Engine) probs(s string) []float64 {
	sc := e.pool.Get().(*scratch)
	defer e.pool.Put(sc)
	t := normalize(s)
	if sc.gen++; sc.gen == 0 {
		clear(sc.seen)
		sc.gen = 1
	}
	sc.fs = e.extractKnown(t, findCues(t), sc.fs, sc.seen, sc.gen)
	e.model.scores(sc.fs, sc.scores, sc.acc)
	p := make([]float64, len(e.cats))
	e.probabilities(sc.scores, p)
	return p
}

// Write prints the report of `fenliu triage-train`.
func (r *TrainReport) Write(w io.Writer) {
	fmt.Fprintf(w, "history lines          %d (trained on %d, held out %d, no category fits %d)\n", r.HistoryLines, r.HistoryTrained, r.HistoryHeldOut, r.Unplaced)
	fmt.Fprintf(w, "training texts         %v\n", r.Sources)
	fmt.Fprintf(w, "trained in             %s\n", r.Took.Round(time.Millisecond))
	row := func(name string, cur, nw *Metrics) {
		if cur.N == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d lines)   current → new\n", name, cur.N)
		fmt.Fprintf(w, "  dangerous            %5d → %d\n", len(cur.Dangerous), len(nw.Dangerous))
		fmt.Fprintf(w, "  over-policing        %5d → %d\n", len(cur.OverPolicing), len(nw.OverPolicing))
		fmt.Fprintf(w, "  disposition          %5.1f%% → %.1f%%\n", 100*cur.DispositionRate(), 100*nw.DispositionRate())
		fmt.Fprintf(w, "  unit top-1           %5.1f%% → %.1f%%\n", 100*cur.Top1Rate(), 100*nw.Top1Rate())
		fmt.Fprintf(w, "  unit top-3           %5.1f%% → %.1f%%\n", 100*cur.Top3Rate(), 100*nw.Top3Rate())
	}
	row("corpus held-out split", r.CurrentCorpus, r.NewCorpus)
	row("history held-out slice", r.CurrentHistory, r.NewHistory)
	verdict := "REFUSED"
	if r.Accepted {
		verdict = "accepted"
	}
	fmt.Fprintf(w, "\nnew model %s: %s\n", verdict, r.Why)
}
