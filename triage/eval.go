package triage

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fenliu/fenliu"
)

// Metrics are the scores of an engine on labelled examples.
type Metrics struct {
	N            int
	Disposition  int      // disposition equal
	Dangerous    []string // ids: truth police/joint, answered divert/redirect
	OverPolicing []string // ids: truth divert/redirect, answered police/joint
	UnitTop1     int      // answer's units[0] in units_ok
	UnitTop3     int      // any of units_ok in the answer's first three
	UnitsAll     int      // every units_all entry present
	Redirects    int      // lines whose truth is redirect
	Hotline      int      // of those, hotline equal
	Categorised  int      // lines with a category label
	Category     int      // of those, category equal
	PerUnit      map[fenliu.UnitType]*UnitScore
	Wrong        []Miss // disposition or unit top-1 wrong
}

// UnitScore is the per-unit-type row (by the truth's first units_ok).
type UnitScore struct {
	N, Disposition, Top1, Top3 int
}

// Miss is one wrongly answered line.
type Miss struct {
	Example Example
	Got     Result
}

// Evaluate classifies every example and scores the answers.
func Evaluate(e *Engine, exs []Example) *Metrics {
	m := &Metrics{PerUnit: map[fenliu.UnitType]*UnitScore{}}
	for _, ex := range exs {
		m.add(ex, e.Answer(ex.Text, false))
	}
	return m
}

func (m *Metrics) add(ex Example, r Result) {
	r.Units = r.RankedUnits()
	m.N++
	dispOK := r.Disposition == ex.Disposition
	if dispOK {
		m.Disposition++
	}
	if ex.Disposition.PoliceSide() && !r.Disposition.PoliceSide() {
		m.Dangerous = append(m.Dangerous, ex.ID)
	}
	if !ex.Disposition.PoliceSide() && r.Disposition.PoliceSide() {
		m.OverPolicing = append(m.OverPolicing, ex.ID)
	}
	top1 := len(r.Units) > 0 && containsUnit(ex.UnitsOK, r.Units[0])
	top3 := false
	for i := 0; i < len(r.Units) && i < 3; i++ {
		if containsUnit(ex.UnitsOK, r.Units[i]) {
			top3 = true
		}
	}
	if top1 {
		m.UnitTop1++
	}
	if top3 {
		m.UnitTop3++
	}
	if hasAll(r.Units, ex.UnitsAll) {
		m.UnitsAll++
	}
	if ex.Disposition == fenliu.DispRedirect {
		m.Redirects++
		if r.Hotline == ex.Hotline {
			m.Hotline++
		}
	}
	if ex.Category != "" {
		m.Categorised++
		if r.Category == ex.Category {
			m.Category++
		}
	}
	u := fenliu.UnitType("(none)")
	if len(ex.UnitsOK) > 0 {
		u = ex.UnitsOK[0]
	}
	ps := m.PerUnit[u]
	if ps == nil {
		ps = &UnitScore{}
		m.PerUnit[u] = ps
	}
	ps.N++
	if dispOK {
		ps.Disposition++
	}
	if top1 {
		ps.Top1++
	}
	if top3 {
		ps.Top3++
	}
	if !dispOK || !top1 {
		m.Wrong = append(m.Wrong, Miss{ex, r})
	}
}

func pct(a, n int) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(a) / float64(n)
}

// Rate helpers (0..1).
func (m *Metrics) DispositionRate() float64 { return pct(m.Disposition, m.N) / 100 }
func (m *Metrics) Top1Rate() float64        { return pct(m.UnitTop1, m.N) / 100 }
func (m *Metrics) Top3Rate() float64        { return pct(m.UnitTop3, m.N) / 100 }

// Write prints the report of `fenliu triage-eval`.
func (m *Metrics) Write(w io.Writer, verbose bool) {
	fmt.Fprintf(w, "lines                  %d\n", m.N)
	fmt.Fprintf(w, "disposition accuracy   %6.2f%%  (%d/%d)\n", pct(m.Disposition, m.N), m.Disposition, m.N)
	fmt.Fprintf(w, "dangerous              %d", len(m.Dangerous))
	if len(m.Dangerous) > 0 {
		fmt.Fprintf(w, "  %s", strings.Join(m.Dangerous, " "))
	}
	fmt.Fprintln(w, "   (truth police/joint, answered divert/redirect)")
	fmt.Fprintf(w, "over-policing          %d   (truth divert/redirect, answered police/joint)\n", len(m.OverPolicing))
	fmt.Fprintf(w, "unit top-1             %6.2f%%  (%d/%d)\n", pct(m.UnitTop1, m.N), m.UnitTop1, m.N)
	fmt.Fprintf(w, "unit top-3             %6.2f%%  (%d/%d)\n", pct(m.UnitTop3, m.N), m.UnitTop3, m.N)
	fmt.Fprintf(w, "units_all present      %6.2f%%  (%d/%d)\n", pct(m.UnitsAll, m.N), m.UnitsAll, m.N)
	fmt.Fprintf(w, "hotline (redirects)    %6.2f%%  (%d/%d)\n", pct(m.Hotline, m.Redirects), m.Hotline, m.Redirects)
	if m.Categorised > 0 {
		fmt.Fprintf(w, "category accuracy      %6.2f%%  (%d/%d)\n", pct(m.Category, m.Categorised), m.Category, m.Categorised)
	} else {
		fmt.Fprintln(w, "category accuracy      n/a (no category labels)")
	}
	fmt.Fprintf(w, "\n%-22s %6s %8s %8s %8s\n", "unit (truth's first)", "lines", "disp%", "top1%", "top3%")
	var us []fenliu.UnitType
	for u := range m.PerUnit {
		us = append(us, u)
	}
	sort.Slice(us, func(i, j int) bool {
		if m.PerUnit[us[i]].N != m.PerUnit[us[j]].N {
			return m.PerUnit[us[i]].N > m.PerUnit[us[j]].N
		}
		return us[i] < us[j]
	})
	for _, u := range us {
		s := m.PerUnit[u]
		fmt.Fprintf(w, "%-22s %6d %8.1f %8.1f %8.1f\n", u, s.N, pct(s.Disposition, s.N), pct(s.Top1, s.N), pct(s.Top3, s.N))
	}
	if verbose && len(m.Wrong) > 0 {
		fmt.Fprintln(w, "\nwrong answers (id, truth → answer, text):")
		for _, x := range m.Wrong {
			fmt.Fprintf(w, "%s\t%s %v %s → %s %v %s %.2f\t%s\n", x.Example.ID, x.Example.Disposition, x.Example.UnitsOK, x.Example.Category,
				x.Got.Disposition, x.Got.Units, x.Got.Category, x.Got.Confidence, x.Example.Text)
		}
	}
}
