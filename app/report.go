package app

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/metrics"
	"github.com/fenliu/fenliu/store"
)

// Report groupings.
const (
	ByUnit     = "unit"
	ByUnitType = "unit_type"
	ByCategory = "category"
	ByArea     = "area" // the district of the incident's area
	ByDay      = "day"  // in the city's time zone
)

// ReportQuery asks for the rates of a window, optionally grouped.
type ReportQuery struct {
	From, To time.Time
	AsOf     time.Time      // judge limits as of this time (default: now)
	GroupBy  string         // "" for the total only
	Location *time.Location // for ByDay (default UTC)
	UnitID   int64          // only this unit's orders (unit staff are held to their own)
	Weights  metrics.Weights
	Live     bool // count everything from the orders, ignoring the rollups
	// Daily also gives the totals per day (city time) in Report.Days, in
	// the same pass (the dashboard's trend beside its table).
	Daily bool
}

// ReportRow is one group's counts, rates and assessment score.
type ReportRow struct {
	Key    string         `json:"key"`
	Name   string         `json:"name"`
	Counts metrics.Counts `json:"counts"`
	Rates  metrics.Rates  `json:"rates"`
	Score  *float64       `json:"score"`
}

// Report is the rates of a window, in total and by group (best score first,
// or in key order by day).
type Report struct {
	Query ReportQuery  `json:"-"`
	Total ReportRow    `json:"total"`
	Rows  []*ReportRow `json:"rows"`
	// Days are the totals per day, oldest first, when the query asked.
	Days []*ReportRow `json:"days,omitempty"`
	// RollupPeriods is how many days and months came from the rollups.
	RollupPeriods int `json:"rollup_periods"`
}

// LastDays is the window of a dashboard: the last `days` days of the
// city's calendar, today included, up to now — so that every day but today
// is whole and can come from the report rollups.
func LastDays(now time.Time, days int, loc *time.Location) (from, to time.Time) {
	t := now.In(loc)
	y, m, d := t.Date()
	return time.Date(y, m, d-days+1, 0, 0, 0, 0, loc), t.Add(time.Minute)
}

func (a *App) canReport(actor *fenliu.User, q *ReportQuery) error {
	if err := fenliu.CanReport(actor); err != nil {
		return err
	}
	if !fenliu.SeesAllUnits(actor) {
		q.UnitID = actor.UnitID // a unit sees its own rates
	}
	return nil
}

// names resolves group keys to names.
type names struct {
	units    map[int64]*fenliu.Unit
	areas    map[int64]*fenliu.Area
	catalogZ func(string) string
}

func (a *App) names(ctx context.Context) (*names, error) {
	n := &names{units: map[int64]*fenliu.Unit{}, areas: map[int64]*fenliu.Area{}}
	units, err := a.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		n.units[u.ID] = u
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	for _, ar := range areas {
		n.areas[ar.ID] = ar
	}
	cat := a.Catalog()
	n.catalogZ = func(code string) string {
		if cat != nil {
			if c := cat.Category(code); c != nil {
				return c.NameZH
			}
		}
		return code
	}
	return n, nil
}

// unitType returns a unit's type ("" if unknown).
func (n *names) unitType(id int64) fenliu.UnitType {
	if u := n.units[id]; u != nil {
		return u.Type
	}
	return ""
}

// district returns the top of an area's branch.
func (n *names) district(id int64) int64 {
	for i := 0; i < 10; i++ {
		ar := n.areas[id]
		if ar == nil || ar.ParentID == 0 {
			return id
		}
		id = ar.ParentID
	}
	return id
}

func (n *names) key(group string, unitID int64, ut fenliu.UnitType, category string, area int64, at time.Time, loc *time.Location) (string, string) {
	switch group {
	case ByUnit:
		if u := n.units[unitID]; u != nil {
			return itoa(unitID), u.Name
		}
		return itoa(unitID), itoa(unitID)
	case ByUnitType:
		for _, t := range fenliu.UnitTypes {
			if t.Code == ut {
				return string(ut), t.ZH
			}
		}
		return string(ut), string(ut)
	case ByCategory:
		if category == "" {
			return "", "未分类"
		}
		return category, n.catalogZ(category)
	case ByArea:
		d := n.district(area)
		if ar := n.areas[d]; ar != nil {
			return itoa(d), ar.Name
		}
		return "0", "未知区域"
	case ByDay:
		day := at.In(loc).Format("2006-01-02")
		return day, day
	}
	return "", "合计"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// nonPolice reports whether a category's matter is not police work.
func (a *App) nonPolice(category string, decided fenliu.Disposition) bool {
	if cat := a.Catalog(); cat != nil {
		if c := cat.Category(category); c != nil {
			return !c.Disposition.PoliceSide()
		}
	}
	return decided == fenliu.DispDivert || decided == fenliu.DispRedirect
}

// Report computes the rates of a window.
func (a *App) Report(ctx context.Context, actor *fenliu.User, q ReportQuery) (*Report, error) {
	if err := a.canReport(actor, &q); err != nil {
		return nil, err
	}
	if q.AsOf.IsZero() {
		q.AsOf = a.now()
	}
	if q.Location == nil {
		q.Location = time.UTC
	}
	if q.Weights == nil {
		q.Weights = a.weights(ctx)
	}
	if !q.To.After(q.From) {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "to", ZH: "结束时间必须晚于开始时间", EN: "to must be after from"}
	}
	n, err := a.names(ctx)
	if err != nil {
		return nil, err
	}
	rep := &Report{Query: q, Total: ReportRow{Name: "合计"}}
	groups := map[string]*ReportRow{}
	row := func(key, name string) *ReportRow {
		r := groups[key]
		if r == nil {
			r = &ReportRow{Key: key, Name: name}
			groups[key] = r
		}
		return r
	}
	days := map[string]*ReportRow{}
	day := func(key string) *ReportRow {
		r := days[key]
		if r == nil {
			r = &ReportRow{Key: key, Name: key}
			days[key] = r
		}
		return r
	}
	out := &tally{total: &rep.Total.Counts, row: row}
	if q.Daily {
		out.day = day
	}
	spans := []span{{from: q.From, to: q.To}}
	if !q.Live {
		if spans, err = a.plan(ctx, q, n); err != nil {
			return nil, err
		}
	}
	for _, s := range spans {
		if s.period != "" {
			rep.RollupPeriods++
		}
	}
	if err := a.fromRollups(ctx, q, n, spans, out); err != nil {
		return nil, err
	}
	for _, s := range spans {
		if s.period == "" {
			if err := a.countLive(ctx, q, n, s.from, s.to, out); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range days {
		r.Rates = metrics.Compute(&r.Counts)
		r.Score = metrics.Score(r.Rates, q.Weights)
		rep.Days = append(rep.Days, r)
	}
	sort.Slice(rep.Days, func(i, j int) bool { return rep.Days[i].Key < rep.Days[j].Key })
	rep.Total.Rates = metrics.Compute(&rep.Total.Counts)
	rep.Total.Score = metrics.Score(rep.Total.Rates, q.Weights)
	for _, r := range groups {
		r.Rates = metrics.Compute(&r.Counts)
		r.Score = metrics.Score(r.Rates, q.Weights)
		rep.Rows = append(rep.Rows, r)
	}
	sort.Slice(rep.Rows, func(i, j int) bool {
		ri, rj := rep.Rows[i], rep.Rows[j]
		if q.GroupBy == ByDay {
			return ri.Key < rj.Key
		}
		si, sj := -1.0, -1.0
		if ri.Score != nil {
			si = *ri.Score
		}
		if rj.Score != nil {
			sj = *rj.Score
		}
		if si != sj {
			return si > sj
		}
		return ri.Key < rj.Key
	})
	return rep, nil
}

// countLive counts [from, to) of a report straight from the orders and
// incidents.
// tally is where a report's counts go: the total, the group rows and, if
// asked, the days.
type tally struct {
	total *metrics.Counts
	row   func(key, name string) *ReportRow
	day   func(key string) *ReportRow // nil unless the query is Daily
}

func (a *App) countLive(ctx context.Context, q ReportQuery, n *names, from, to time.Time, out *tally) error {
	total, row := out.total, out.row
	facts, err := a.db.ReportFacts(ctx, from, to, q.UnitID)
	if err != nil {
		return err
	}
	for _, o := range facts {
		o.UnitType = n.unitType(o.Order.UnitID)
		f := metrics.OrderFact{Order: o.Order, UnitType: o.UnitType, RepeatCalled: o.RepeatCalled, ReceivedAt: o.ReceivedAt}
		total.AddOrder(f, q.AsOf)
		if out.day != nil {
			out.day(o.Order.DispatchedAt.In(q.Location).Format("2006-01-02")).Counts.AddOrder(f, q.AsOf)
		}
		if q.GroupBy != "" {
			k, name := n.key(q.GroupBy, o.Order.UnitID, o.UnitType, o.Category, o.AreaID, o.Order.DispatchedAt, q.Location)
			row(k, name).Counts.AddOrder(f, q.AsOf)
		}
	}
	if q.UnitID == 0 { // incident rates belong to the city, not to one unit
		err = a.db.ReportIncidents(ctx, from, to, func(in *store.ReportIncident) error {
			f := metrics.IncidentFact{Disposition: in.Disposition, NonPolice: a.nonPolice(in.Category, in.Disposition), Repeat: in.Repeat,
				ReceivedAt: in.ReceivedAt, FirstDispatch: in.FirstDispatch}
			total.AddIncident(f)
			if out.day != nil {
				out.day(in.ReceivedAt.In(q.Location).Format("2006-01-02")).Counts.AddIncident(f)
			}
			if q.GroupBy == ByCategory || q.GroupBy == ByArea || q.GroupBy == ByDay {
				k, name := n.key(q.GroupBy, 0, "", in.Category, in.AreaID, in.ReceivedAt, q.Location)
				row(k, name).Counts.AddIncident(f)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// DrillDown returns the orders behind a number of a report: the numerator
// (part "num") or denominator ("den") of an order rate, within one group.
func (a *App) DrillDown(ctx context.Context, actor *fenliu.User, q ReportQuery, rate, part, key string, limit int) ([]*fenliu.Order, error) {
	if err := a.canReport(actor, &q); err != nil {
		return nil, err
	}
	fns, ok := metrics.RateMembers[rate]
	if !ok || (part != "num" && part != "den") {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "rate", ZH: "未知的指标", EN: "unknown rate or part"}
	}
	if q.AsOf.IsZero() {
		q.AsOf = a.now()
	}
	if q.Location == nil {
		q.Location = time.UTC
	}
	pick := fns[0]
	if part == "den" {
		pick = fns[1]
	}
	n, err := a.names(ctx)
	if err != nil {
		return nil, err
	}
	unit := q.UnitID
	if q.GroupBy == ByUnit && unit == 0 { // the group is one unit: let the database pick its orders
		unit, _ = strconv.ParseInt(key, 10, 64)
	}
	var out []*fenliu.Order
	err = a.db.ReportOrders(ctx, q.From, q.To, unit, func(o *store.ReportOrder) error {
		if len(out) >= limit {
			return errEnough
		}
		if q.GroupBy != "" {
			if k, _ := n.key(q.GroupBy, o.Order.UnitID, o.UnitType, o.Category, o.AreaID, o.Order.DispatchedAt, q.Location); k != key {
				return nil
			}
		}
		if pick(metrics.Membership(metrics.OrderFact{Order: o.Order, UnitType: o.UnitType, RepeatCalled: o.RepeatCalled, ReceivedAt: o.ReceivedAt}, q.AsOf)) {
			out = append(out, o.Order)
		}
		return nil
	})
	if errors.Is(err, errEnough) {
		err = nil
	}
	return out, err
}

// errEnough stops a stream once a list is full.
var errEnough = errors.New("enough")
