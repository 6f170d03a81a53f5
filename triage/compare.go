package triage

// Comparing a model someone brings (an uploaded file, `fenliu
// triage-train --install`) with the one a server answers with: the same
// held-out slices and the same rule (Accept) as Train.

// Compare scores the candidate and the current engine on the corpus'
// held-out split and on the held-out slice of history (the lines Train
// holds out, by the same hash), and decides with Accept.
func Compare(current, candidate *Engine, corpus []Example, history []HistoryLine) *TrainReport {
	rep := &TrainReport{HistoryLines: len(history), Sources: candidate.info.Sources}
	var heldCorpus, heldHistory []Example
	for _, ex := range corpus {
		if Heldout(ex.ID) {
			heldCorpus = append(heldCorpus, ex)
		}
	}
	for _, h := range history {
		if _, ok := current.placeHistory(h); !ok {
			rep.Unplaced++
			continue
		}
		if Heldout(h.ID + "\x00" + h.Text) {
			heldHistory = append(heldHistory, current.scoringExample(h))
			rep.HistoryHeldOut++
		}
	}
	rep.CurrentCorpus, rep.NewCorpus = Evaluate(current, heldCorpus), Evaluate(candidate, heldCorpus)
	rep.CurrentHistory, rep.NewHistory = Evaluate(current, heldHistory), Evaluate(candidate, heldHistory)
	rep.Accepted, rep.Why = Accept(rep.CurrentCorpus, rep.NewCorpus, rep.CurrentHistory, rep.NewHistory)
	return rep
}

// Figures are a Metrics' headline numbers, as stored with a model version.
type Figures struct {
	N            int     `json:"n"`
	Dangerous    int     `json:"dangerous"`
	OverPolicing int     `json:"over_policing"`
	Disposition  float64 `json:"disposition"`
	UnitTop1     float64 `json:"unit_top1"`
	UnitTop3     float64 `json:"unit_top3"`
}

// Figures returns m's headline numbers.
func (m *Metrics) Figures() Figures {
	return Figures{N: m.N, Dangerous: len(m.Dangerous), OverPolicing: len(m.OverPolicing),
		Disposition: m.DispositionRate(), UnitTop1: m.Top1Rate(), UnitTop3: m.Top3Rate()}
}

// Evaluation is a comparison's record: kept with a model version.
type Evaluation struct {
	Accepted       bool    `json:"accepted"`
	Why            string  `json:"why"`
	CurrentModel   string  `json:"current_model"`
	CurrentCorpus  Figures `json:"current_corpus"`
	NewCorpus      Figures `json:"new_corpus"`
	CurrentHistory Figures `json:"current_history"`
	NewHistory     Figures `json:"new_history"`
}

// Evaluation returns the report's figures and verdict; current names the
// model compared with.
func (r *TrainReport) Evaluation(current string) Evaluation {
	return Evaluation{Accepted: r.Accepted, Why: r.Why, CurrentModel: current,
		CurrentCorpus: r.CurrentCorpus.Figures(), NewCorpus: r.NewCorpus.Figures(),
		CurrentHistory: r.CurrentHistory.Figures(), NewHistory: r.NewHistory.Figures()}
}
