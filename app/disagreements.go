package app

import (
	"cmp"
	"context"
	"slices"

	"github.com/fenliu/fenliu"
)

// Where the engine and people disagree (issue 15): for each category people
// decided, how often the engine's suggestion had another category, another
// lead unit or the other side of the police line, and what it suggested
// instead. Read from the whole decided record (what training learns from).

// Disagreement is one decided category's row.
type Disagreement struct {
	Category   string  `json:"category"`
	CategoryZH string  `json:"category_zh"`
	CategoryEN string  `json:"category_en"`
	Decided    int     `json:"decided"`        // decided incidents the engine had triaged
	Agreed     int     `json:"agreed"`         // same category, same side of the police line, same lead unit (when one was dispatched)
	OtherCat   int     `json:"other_category"` // the engine suggested another category
	OtherSide  int     `json:"other_side"`     // the engine put it on the other side of the police line
	Dangerous  int     `json:"dangerous"`      // of those, people decided police side and the engine did not
	OtherUnit  int     `json:"other_unit"`     // the lead unit dispatched was not the engine's first unit
	Rate       float64 `json:"rate"`           // 1 - Agreed/Decided
	// Suggested instead: the engine's categories when they differed, most frequent first.
	Instead []Suggested `json:"instead"`
}

// Suggested counts one category the engine suggested instead.
type Suggested struct {
	Category string `json:"category"`
	Name     string `json:"name_zh"`
	N        int    `json:"n"`
}

// maxInstead is how many "suggested instead" categories a row lists.
const maxInstead = 3

// Disagreements returns the decided categories where the engine and people
// disagree, most disagreement first (rate, then count); rows with fewer
// than minDecided triaged incidents are left out.
func (a *App) Disagreements(ctx context.Context, actor *fenliu.User, minDecided int) ([]*Disagreement, error) {
	if err := fenliu.CanReadDisagreements(actor); err != nil {
		return nil, err
	}
	decided, err := a.db.DecidedIncidents(ctx, maxLearning)
	if err != nil {
		return nil, err
	}
	cat := a.Catalog()
	rows := map[string]*Disagreement{}
	instead := map[string]map[string]int{}
	for _, d := range decided {
		s := d.Suggested
		if s == nil || s.Category == "" || d.Category == "" {
			continue
		}
		r := rows[d.Category]
		if r == nil {
			r = &Disagreement{Category: d.Category, CategoryZH: d.Category, CategoryEN: d.Category, Instead: []Suggested{}}
			if c := cat.Category(d.Category); c != nil {
				r.CategoryZH, r.CategoryEN = c.NameZH, c.NameEN
			}
			rows[d.Category] = r
			instead[d.Category] = map[string]int{}
		}
		r.Decided++
		ok := true
		if s.Category != d.Category {
			r.OtherCat++
			instead[d.Category][s.Category]++
			ok = false
		}
		if s.Disposition.PoliceSide() != d.Disposition.PoliceSide() {
			r.OtherSide++
			if d.Disposition.PoliceSide() {
				r.Dangerous++
			}
			ok = false
		}
		if d.LeadUnit != "" && (len(s.Units) == 0 || s.Units[0] != d.LeadUnit) {
			r.OtherUnit++
			ok = false
		}
		if ok {
			r.Agreed++
		}
	}
	out := []*Disagreement{}
	for code, r := range rows {
		if r.Decided < minDecided {
			continue
		}
		r.Rate = 1 - float64(r.Agreed)/float64(r.Decided)
		for c, n := range instead[code] {
			name := c
			if cc := cat.Category(c); cc != nil {
				name = cc.NameZH
			}
			r.Instead = append(r.Instead, Suggested{Category: c, Name: name, N: n})
		}
		slices.SortFunc(r.Instead, func(x, y Suggested) int { return cmp.Or(y.N-x.N, cmp.Compare(x.Category, y.Category)) })
		if len(r.Instead) > maxInstead {
			r.Instead = r.Instead[:maxInstead]
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y *Disagreement) int {
		return cmp.Or(cmp.Compare(y.Rate, x.Rate), y.Decided-y.Agreed-(x.Decided-x.Agreed), cmp.Compare(x.Category, y.Category))
	})
	return out, nil
}
