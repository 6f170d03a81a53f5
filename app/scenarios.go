package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// ScenarioInput opens a scenario (治场景) from a hotspot or a warning.
type ScenarioInput struct {
	Title       string   `json:"title"`
	AreaID      int64    `json:"area_id"`
	Categories  []string `json:"categories"`
	OwnerUnitID int64    `json:"owner_unit_id"`
	CoUnitIDs   []int64  `json:"co_unit_ids"`
	WarningID   int64    `json:"warning_id"`
	Note        string   `json:"note"`
}

// OpenScenario opens a scenario; from a warning, its place and matter are
// the warning's unless given.
func (a *App) OpenScenario(ctx context.Context, actor *fenliu.User, in ScenarioInput) (*fenliu.Scenario, error) {
	if err := fenliu.CanManageScenarios(actor); err != nil {
		return nil, err
	}
	now := a.now()
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	sc := &fenliu.Scenario{Title: in.Title, AreaID: in.AreaID, Categories: in.Categories, OwnerUnitID: in.OwnerUnitID, CoUnitIDs: in.CoUnitIDs,
		WarningID: in.WarningID, HoldDays: int(s.duration(SettingScenarioHold) / (24 * time.Hour)), OpenedBy: actor.ID, OpenedAt: now}
	if sc.CoUnitIDs == nil {
		sc.CoUnitIDs = []int64{}
	}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		if sc.WarningID != 0 {
			w, err := q.Warning(ctx, sc.WarningID)
			if err != nil {
				return err
			}
			if sc.AreaID == 0 {
				sc.AreaID = w.AreaID
			}
			if len(sc.Categories) == 0 {
				sc.Categories = []string{w.Category}
			}
			if sc.OwnerUnitID == 0 {
				// The street's police station takes it on (所队合一), else its office.
				units, err := q.Units(ctx)
				if err != nil {
					return err
				}
				areas, err := q.Areas(ctx)
				if err != nil {
					return err
				}
				byID := map[int64]*fenliu.Area{}
				for _, ar := range areas {
					byID[ar.ID] = ar
				}
				if sc.OwnerUnitID = unitServing(units, byID, fenliu.UTPolice, w.AreaID, false); sc.OwnerUnitID == 0 {
					sc.OwnerUnitID = w.StreetUnitID
				}
				if w.LeadUnitID != 0 && w.LeadUnitID != sc.OwnerUnitID && len(sc.CoUnitIDs) == 0 {
					sc.CoUnitIDs = []int64{w.LeadUnitID}
				}
				if w.StreetUnitID != 0 && w.StreetUnitID != sc.OwnerUnitID && len(sc.CoUnitIDs) <= 1 {
					sc.CoUnitIDs = append(sc.CoUnitIDs, w.StreetUnitID)
				}
			}
		}
		if err := sc.Validate(); err != nil {
			return err
		}
		if _, err := q.Area(ctx, sc.AreaID); err != nil {
			return fenliu.Errorf(fenliu.EUnprocessable, "area_id", "区域 %d 不存在", "area %d does not exist", sc.AreaID)
		}
		for _, c := range sc.Categories {
			if a.Catalog().Category(c) == nil {
				return fenliu.Errorf(fenliu.EUnprocessable, "categories", "事项清单中没有「%s」", "the catalogue has no category %q", c)
			}
		}
		for _, u := range append([]int64{sc.OwnerUnitID}, sc.CoUnitIDs...) {
			if _, err := q.Unit(ctx, u); err != nil {
				return fenliu.Errorf(fenliu.EUnprocessable, "owner_unit_id", "单位 %d 不存在", "unit %d does not exist", u)
			}
		}
		if err := q.CreateScenario(ctx, sc); err != nil {
			return err
		}
		return q.InsertScenarioEvent(ctx, sc.ID, &fenliu.ScenarioEvent{At: now, ActorID: actor.ID, Kind: "opened", Text: in.Note})
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// AddMeasure adds a measure with its unit and due date to an open scenario.
func (a *App) AddMeasure(ctx context.Context, actor *fenliu.User, scenarioID int64, m *fenliu.Measure) error {
	if err := fenliu.CanManageScenarios(actor); err != nil {
		return err
	}
	m.ScenarioID = scenarioID
	if err := m.Validate(); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		sc, err := q.Scenario(ctx, scenarioID)
		if err != nil {
			return err
		}
		if sc.ClosedAt != nil {
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "场景已关闭", EN: "the scenario is closed"}
		}
		if _, err := q.Unit(ctx, m.UnitID); err != nil {
			return fenliu.Errorf(fenliu.EUnprocessable, "unit_id", "单位 %d 不存在", "unit %d does not exist", m.UnitID)
		}
		if err := q.CreateMeasure(ctx, m); err != nil {
			return err
		}
		return q.InsertScenarioEvent(ctx, scenarioID, &fenliu.ScenarioEvent{MeasureID: m.ID, At: a.now(), ActorID: actor.ID, Kind: "measure", Text: m.Text})
	})
}

// ReportProgress records progress on a measure — by the scenario's
// managers or the staff of the measure's unit — and, with done, marks it
// done.
func (a *App) ReportProgress(ctx context.Context, actor *fenliu.User, scenarioID, measureID int64, text string, done bool) error {
	if text == "" && !done {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "text", ZH: "进展内容不能为空", EN: "text is required"}
	}
	if len([]rune(text)) > 2000 {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "text", ZH: "进展内容不能超过 2000 字", EN: "text is longer than 2000 characters"}
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		sc, err := q.Scenario(ctx, scenarioID)
		if err != nil {
			return err
		}
		ms, err := q.Measures(ctx, scenarioID)
		if err != nil {
			return err
		}
		var m *fenliu.Measure
		for _, x := range ms {
			if x.ID == measureID {
				m = x
			}
		}
		if m == nil {
			return fenliu.NotFound("措施", "measure", measureID)
		}
		if fenliu.CanManageScenarios(actor) != nil && !(actor.Role == fenliu.RoleUnitStaff && actor.UnitID == m.UnitID) {
			return &fenliu.Error{Code: fenliu.EForbidden, ZH: "只有场景负责人或措施落实单位可以报告进展", EN: "only the scenario's managers or the measure's unit may report progress"}
		}
		if sc.ClosedAt != nil {
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "场景已关闭", EN: "the scenario is closed"}
		}
		now := a.now()
		kind := "progress"
		if done {
			kind = "done"
			if err := q.MeasureDone(ctx, measureID, now); err != nil {
				return err
			}
		}
		return q.InsertScenarioEvent(ctx, scenarioID, &fenliu.ScenarioEvent{MeasureID: measureID, At: now, ActorID: actor.ID, Kind: kind, Text: text})
	})
}

// ScenarioWeek is one week of a scenario's calls.
type ScenarioWeek struct {
	Start time.Time `json:"start"`
	Calls int       `json:"calls"`
	Since bool      `json:"since"` // after opening
}

// ScenarioView is a scenario with its measures, history, effect and names.
type ScenarioView struct {
	*fenliu.Scenario
	Area       string                  `json:"area"`
	Owner      string                  `json:"owner"`
	CoUnits    []string                `json:"co_units"`
	Measures   []*fenliu.Measure       `json:"measures"`
	History    []*fenliu.ScenarioEvent `json:"history"`
	Weeks      []ScenarioWeek          `json:"weeks"`
	BeforeRate float64                 `json:"before_rate"` // calls per day in the period before opening
	SinceRate  float64                 `json:"since_rate"`  // calls per day since opening
	HoldRate   float64                 `json:"hold_rate"`   // calls per day over the last hold period
	CanClose   bool                    `json:"can_close"`   // the rate has stayed down for the hold period
	CloseWhy   string                  `json:"close_why,omitempty"`
	Units      map[int64]string        `json:"-"`
}

// Scenario reads one scenario (governance roles, and staff of its units).
func (a *App) Scenario(ctx context.Context, actor *fenliu.User, id int64) (*ScenarioView, error) {
	sc, err := a.db.Scenario(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := canSeeScenario(actor, sc); err != nil {
		return nil, err
	}
	return a.scenarioView(ctx, sc, true)
}

func canSeeScenario(u *fenliu.User, sc *fenliu.Scenario) error {
	if fenliu.CanSeeGovernance(u) == nil {
		return nil
	}
	if u.Role == fenliu.RoleUnitStaff {
		for _, id := range append([]int64{sc.OwnerUnitID}, sc.CoUnitIDs...) {
			if id == u.UnitID {
				return nil
			}
		}
	}
	return fenliu.NotFound("场景", "scenario", sc.ID)
}

// Scenarios lists the scenarios the actor may see, open ones first, with
// their effect (rates before and since).
func (a *App) Scenarios(ctx context.Context, actor *fenliu.User) ([]*ScenarioView, error) {
	all, err := a.db.Scenarios(ctx)
	if err != nil {
		return nil, err
	}
	out := []*ScenarioView{}
	for _, sc := range all {
		if canSeeScenario(actor, sc) != nil {
			continue
		}
		v, err := a.scenarioView(ctx, sc, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *App) scenarioView(ctx context.Context, sc *fenliu.Scenario, full bool) (*ScenarioView, error) {
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	v := &ScenarioView{Scenario: sc, Units: map[int64]string{}}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	parent := map[int64]int64{}
	for _, ar := range areas {
		parent[ar.ID] = ar.ParentID
		if ar.ID == sc.AreaID {
			v.Area = ar.Name
		}
	}
	units, err := a.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		v.Units[u.ID] = u.Name
	}
	v.Owner = v.Units[sc.OwnerUnitID]
	for _, id := range sc.CoUnitIDs {
		v.CoUnits = append(v.CoUnits, v.Units[id])
	}
	// The weekly calls: the period before opening, then every week since.
	now := a.now()
	end := now
	if sc.ClosedAt != nil {
		end = *sc.ClosedAt
	}
	before := s.duration(SettingScenarioBefore)
	week := 7 * 24 * time.Hour
	nBefore := int((before + week - 1) / week)
	from := sc.OpenedAt.Add(-time.Duration(nBefore) * week)
	cats := map[string]bool{}
	for _, c := range sc.Categories {
		cats[c] = true
	}
	under := func(id int64) bool {
		for ; id != 0; id = parent[id] {
			if id == sc.AreaID {
				return true
			}
		}
		return false
	}
	var times []time.Time
	if err := a.db.GeoIncidents(ctx, from, end.Add(time.Millisecond), func(g *store.GeoIncident) error {
		if cats[g.Category] && under(g.AreaID) {
			times = append(times, g.ReceivedAt)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for st := from; st.Before(end); st = st.Add(week) {
		v.Weeks = append(v.Weeks, ScenarioWeek{Start: st, Since: !st.Before(sc.OpenedAt)})
	}
	nb, ns := 0, 0
	for _, t := range times {
		i := int(t.Sub(from) / week)
		if i >= 0 && i < len(v.Weeks) {
			v.Weeks[i].Calls++
		}
		if t.Before(sc.OpenedAt) {
			nb++
		} else {
			ns++
		}
	}
	days := func(d time.Duration) float64 { return d.Hours() / 24 }
	v.BeforeRate = float64(nb) / days(time.Duration(nBefore)*week)
	if d := days(end.Sub(sc.OpenedAt)); d > 0 {
		v.SinceRate = float64(ns) / d
	}
	// Closing: the hold period's whole weeks, each at or under the rate
	// before, and on average at most 70 % of it (fenliu.ScenarioDown).
	hold := time.Duration(sc.HoldDays) * 24 * time.Hour
	var holdWeeks []float64
	holdCalls := 0
	if end.Sub(sc.OpenedAt) >= hold {
		for st := end.Add(-hold); !st.Add(week).After(end); st = st.Add(week) {
			n := 0
			for _, t := range times {
				if !t.Before(st) && t.Before(st.Add(week)) {
					n++
				}
			}
			holdCalls += n
			holdWeeks = append(holdWeeks, float64(n)/7)
		}
		if len(holdWeeks) > 0 {
			v.HoldRate = float64(holdCalls) / float64(len(holdWeeks)*7)
		}
	}
	switch {
	case sc.ClosedAt != nil:
		v.CloseWhy = "closed"
	case end.Sub(sc.OpenedAt) < hold:
		v.CloseWhy = "hold"
	case !fenliu.ScenarioDown(v.BeforeRate, holdWeeks):
		v.CloseWhy = "not_down"
	default:
		v.CanClose = true
	}
	if full {
		if v.Measures, err = a.db.Measures(ctx, sc.ID); err != nil {
			return nil, err
		}
		if v.History, err = a.db.ScenarioEvents(ctx, sc.ID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// CloseScenario closes a scenario whose rate has stayed down for the hold
// period (fenliu.ScenarioDown); its history is kept.
func (a *App) CloseScenario(ctx context.Context, actor *fenliu.User, id int64, note string) error {
	if err := fenliu.CanManageScenarios(actor); err != nil {
		return err
	}
	sc, err := a.db.Scenario(ctx, id)
	if err != nil {
		return err
	}
	v, err := a.scenarioView(ctx, sc, false)
	if err != nil {
		return err
	}
	if !v.CanClose {
		switch v.CloseWhy {
		case "closed":
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "场景已关闭", EN: "the scenario is already closed"}
		case "hold":
			return fenliu.Errorf(fenliu.EUnprocessable, "", "场景开设未满 %d 天，不能关闭", "the scenario has not run for %d days yet", sc.HoldDays)
		}
		return fenliu.Errorf(fenliu.EUnprocessable, "", "近 %d 天诉求率（每天 %.2f 起）未持续降到开设前（每天 %.2f 起）的七成以下，不能关闭",
			"the rate over the last %d days (%.2f a day) has not stayed at or below 70%% of the rate before (%.2f a day)", sc.HoldDays, v.HoldRate, v.BeforeRate)
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		now := a.now()
		if err := q.CloseScenario(ctx, id, actor.ID, now); err != nil {
			return err
		}
		return q.InsertScenarioEvent(ctx, id, &fenliu.ScenarioEvent{At: now, ActorID: actor.ID, Kind: "closed", Text: note})
	})
}
