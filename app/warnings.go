package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// WarningInterval is how often the scheduler looks for class-level rises.
const WarningInterval = 15 * time.Minute

// DetectResult says what a detection run did.
type DetectResult struct {
	Opened []*fenliu.ClassWarning `json:"opened"`
	Ended  int                    `json:"ended"`
	Tested int                    `json:"tested"` // category × street pairs with calls
}

// DetectWarnings applies the class-level warning rule (fenliu.WarningRule,
// with the city's settings) at `at` to every category in every street: a
// significant rise with no open episode opens one and sends its warning slip
// (一类事预警单) to the street office, the lead unit of the matter in that
// street and the leaders, with the evidence; an open episode whose rise no
// longer holds ends. One slip per episode, whichever server runs it.
func (a *App) DetectWarnings(ctx context.Context, at time.Time) (*DetectResult, error) {
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	rule := s.warningRule()
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*fenliu.Area{}
	for _, ar := range areas {
		byID[ar.ID] = ar
	}
	streetOf := func(id int64) int64 {
		for ar := byID[id]; ar != nil; ar = byID[ar.ParentID] {
			if ar.Level == fenliu.AreaStreet {
				return ar.ID
			}
		}
		return 0
	}
	type key struct {
		cat    string
		street int64
	}
	times := map[key][]time.Time{}
	recent := map[key][]int64{}
	from := at.Add(-time.Duration(rule.Weeks)*7*24*time.Hour - rule.Window)
	err = a.db.GeoIncidents(ctx, from, at, func(g *store.GeoIncident) error {
		st := streetOf(g.AreaID)
		if g.Category == "" || st == 0 {
			return nil
		}
		k := key{g.Category, st}
		times[k] = append(times[k], g.ReceivedAt)
		if at.Sub(g.ReceivedAt) < rule.Window {
			recent[k] = append(recent[k], g.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	open, err := a.db.OpenWarnings(ctx)
	if err != nil {
		return nil, err
	}
	res := &DetectResult{Opened: []*fenliu.ClassWarning{}, Tested: len(times)}
	isOpen := map[key]bool{}
	for _, w := range open {
		k := key{w.Category, w.AreaID}
		isOpen[k] = true
		n, past := rule.WarningCounts(times[k], at)
		t := rule.Test(n, past)
		if err := a.db.Tx(ctx, func(q *store.Q) error { return q.CheckWarning(ctx, w.ID, at, n, !t.Holds) }); err != nil {
			return nil, err
		}
		if !t.Holds {
			res.Ended++
		}
	}
	keys := make([]key, 0, len(times))
	for k := range times {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].street != keys[j].street {
			return keys[i].street < keys[j].street
		}
		return keys[i].cat < keys[j].cat
	})
	var units []*fenliu.Unit
	for _, k := range keys {
		if isOpen[k] {
			continue
		}
		n, past := rule.WarningCounts(times[k], at)
		t := rule.Test(n, past)
		if !t.Fire {
			continue
		}
		if units == nil {
			if units, err = a.db.Units(ctx); err != nil {
				return nil, err
			}
		}
		w := &fenliu.ClassWarning{Category: k.cat, AreaID: k.street, OpenedAt: at, LastChecked: at, Count: n, Peak: n, Baseline: t.Baseline, P: t.P,
			Evidence: fenliu.Evidence{WindowHours: int(rule.Window / time.Hour), Past: past, Incidents: recent[k]}}
		w.StreetUnitID = unitServing(units, byID, fenliu.UTSubdistrict, k.street, false)
		if c := a.Catalog().Category(k.cat); c != nil && len(c.Units) > 0 {
			w.LeadUnitID = unitServing(units, byID, c.Units[0], k.street, true)
		}
		var notices []*fenliu.Notice
		err := a.db.Tx(ctx, func(q *store.Q) error {
			notices = nil
			created, err := q.OpenWarning(ctx, w)
			if err != nil || !created {
				return err
			}
			name := k.cat
			if c := a.Catalog().Category(k.cat); c != nil {
				name = c.NameZH
			}
			text := fmt.Sprintf("一类事预警单 #%d：%s 近 %d 小时「%s」%d 起，往前 %d 周同期平均 %.1f 起（p=%.2g）/ class-level warning #%d: %d calls of %s in %d h against a baseline of %.1f",
				w.ID, byID[k.street].Name, w.Evidence.WindowHours, name, n, len(past), t.Baseline, t.P, w.ID, n, k.cat, w.Evidence.WindowHours, t.Baseline)
			var to []fenliu.Notice
			for _, u := range []int64{w.StreetUnitID, w.LeadUnitID} {
				if u != 0 && (len(to) == 0 || to[0].UnitID != u) {
					to = append(to, fenliu.Notice{UnitID: u})
				}
			}
			to = append(to, fenliu.Notice{ToRole: fenliu.RoleLeader})
			for _, r := range to {
				n := &fenliu.Notice{Kind: fenliu.NoticeClassWarning, UnitID: r.UnitID, ToRole: r.ToRole, Text: text, CreatedAt: at}
				if len(w.Evidence.Incidents) > 0 {
					n.IncidentID = w.Evidence.Incidents[len(w.Evidence.Incidents)-1]
				}
				if err := q.CreateNotice(ctx, n); err != nil {
					return err
				}
				notices = append(notices, n)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if w.ID != 0 && len(notices) > 0 {
			res.Opened = append(res.Opened, w)
			for _, n := range notices {
				a.notify(n)
			}
		}
	}
	return res, nil
}

// unitServing finds the unit of type t nearest up the area tree from area
// (a unit serving the area itself first, then its parents); city-wide units
// only when cityWide.
func unitServing(units []*fenliu.Unit, areas map[int64]*fenliu.Area, t fenliu.UnitType, area int64, cityWide bool) int64 {
	for ar := areas[area]; ar != nil; ar = areas[ar.ParentID] {
		for _, u := range units {
			if u.Type != t {
				continue
			}
			for _, id := range u.AreaIDs {
				if id == ar.ID {
					return u.ID
				}
			}
		}
	}
	if cityWide {
		for _, u := range units {
			if u.Type == t && len(u.AreaIDs) == 0 {
				return u.ID
			}
		}
	}
	return 0
}

// WarningView is a warning slip with names.
type WarningView struct {
	*fenliu.ClassWarning
	Area       string `json:"area"`
	CategoryZH string `json:"category_zh,omitempty"`
	CategoryEN string `json:"category_en,omitempty"`
	StreetUnit string `json:"street_unit,omitempty"`
	LeadUnit   string `json:"lead_unit,omitempty"`
	Scenario   int64  `json:"scenario,omitempty"` // the scenario opened from it
}

// Warnings lists the warning slips opened in [from, to) that the actor may
// see, newest first.
func (a *App) Warnings(ctx context.Context, actor *fenliu.User, from, to time.Time, limit int) ([]*WarningView, error) {
	if err := fenliu.CanSeeGovernance(actor); err != nil && actor.Role != fenliu.RoleUnitStaff {
		return nil, err
	}
	if to.IsZero() {
		to = a.now().Add(time.Millisecond)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -90)
	}
	ws, err := a.db.Warnings(ctx, from, to, fenliu.MaxPage)
	if err != nil {
		return nil, err
	}
	var out []*WarningView
	for _, w := range ws {
		if fenliu.CanSeeWarning(actor, w) != nil {
			continue
		}
		out = append(out, &WarningView{ClassWarning: w})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	return a.named(ctx, out)
}

// Warning returns one warning slip.
func (a *App) Warning(ctx context.Context, actor *fenliu.User, id int64) (*WarningView, error) {
	w, err := a.db.Warning(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := fenliu.CanSeeWarning(actor, w); err != nil {
		return nil, err
	}
	out, err := a.named(ctx, []*WarningView{{ClassWarning: w}})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// named fills in the names of the views' areas, units and categories.
func (a *App) named(ctx context.Context, vs []*WarningView) ([]*WarningView, error) {
	if vs == nil {
		return []*WarningView{}, nil
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	units, err := a.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	an, un := map[int64]string{}, map[int64]string{}
	for _, ar := range areas {
		an[ar.ID] = ar.Name
	}
	for _, u := range units {
		un[u.ID] = u.Name
	}
	cat := a.Catalog()
	for _, v := range vs {
		v.Area, v.StreetUnit, v.LeadUnit = an[v.AreaID], un[v.StreetUnitID], un[v.LeadUnitID]
		if c := cat.Category(v.Category); c != nil {
			v.CategoryZH, v.CategoryEN = c.NameZH, c.NameEN
		}
	}
	return vs, nil
}
