package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/fenliu/fenliu/metrics"
	"github.com/fenliu/fenliu/store"
)

// Report rollups (docs/metrics.md, "Scale"): the counts of every past
// city-local day and month are kept by unit, category and district, as of
// the time they were built and with the limits still pending then, so that
// a report over years reads a few thousand rows. A period is used only if
// it was built before the report's as-of time, with the same units, areas
// and catalogue, and nothing in it has changed since the last refresh;
// every other part of the window is counted live from the orders. The
// rollups therefore never change an answer, only its speed
// (TestRollupsMatchLive).

// rollupMargin is how far before the watermark changes are read again, to
// cover writes that committed late.
const rollupMargin = 2 * time.Minute

const (
	dimAll      = "all"
	dimUnit     = "unit"
	dimCategory = "category"
	dimArea     = "area"
)

func dayStart(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

func monthStart(t time.Time, loc *time.Location) time.Time {
	y, m, _ := t.In(loc).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, loc)
}

// fingerprint identifies what rollups are built with: the units' types, the
// area tree and which categories are police work.
func (a *App) fingerprint(n *names) string {
	h := sha256.New()
	fmt.Fprintf(h, "format%d;", metrics.FormatVersion)
	ids := make([]int64, 0, len(n.units))
	for id := range n.units {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		fmt.Fprintf(h, "u%d:%s;", id, n.units[id].Type)
	}
	ids = ids[:0]
	for id := range n.areas {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		fmt.Fprintf(h, "a%d:%d;", id, n.areas[id].ParentID)
	}
	if cat := a.Catalog(); cat != nil {
		for _, c := range cat.Categories() {
			fmt.Fprintf(h, "c%s:%t;", c.Code, c.Disposition.PoliceSide())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// dirtyDays returns the city-local days (as "2006-01-02") changed since the
// rollups' watermark.
func (a *App) dirtyDays(ctx context.Context, since time.Time) (map[string]bool, error) {
	ts, err := a.db.ReportChanges(ctx, since.Add(-rollupMargin))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, t := range ts {
		out[t.In(a.Location(ctx)).Format("2006-01-02")] = true
	}
	return out, nil
}

func (a *App) watermark(ctx context.Context) time.Time {
	raw, err := a.db.Setting(ctx, settingRollupWatermark)
	if err != nil || raw == "" {
		return time.Time{}
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

// RefreshRollups builds the rollups of every past day and month that is
// missing, stale or changed since the last refresh. It returns how many
// periods it built. The scheduler runs it every few minutes; a bench or an
// operator may run it at once.
func (a *App) RefreshRollups(ctx context.Context) (int, error) {
	now := a.now()
	loc := a.Location(ctx)
	n, err := a.names(ctx)
	if err != nil {
		return 0, err
	}
	fp := a.fingerprint(n)
	first, err := a.db.FirstActivity(ctx)
	if err != nil || first.IsZero() {
		return 0, err
	}
	today := dayStart(now, loc)
	fy := first.In(loc).Year()
	start := time.Date(fy, 1, 1, 0, 0, 0, 0, loc) // whole years, so that each can be merged from its months
	built, err := a.db.RollupPeriods(ctx, start, today)
	if err != nil {
		return 0, err
	}
	wm := a.watermark(ctx)
	dirty := map[string]bool{}
	if !wm.IsZero() {
		if dirty, err = a.dirtyDays(ctx, wm); err != nil {
			return 0, err
		}
	}
	count := 0
	thisMonth := monthStart(now, loc)
	rebuiltYears := map[int]bool{}
	for m := start; m.Before(today); m = m.AddDate(0, 1, 0) {
		end := m.AddDate(0, 1, 0)
		// The month's days that are missing, stale or changed, written
		// together in one transaction.
		var days []dayRollup
		for d := m; d.Before(end) && d.Before(today); d = d.AddDate(0, 0, 1) {
			key := d.Format("2006-01-02")
			if p := built[key]; p != nil && p.Fingerprint == fp && !dirty[key] {
				continue
			}
			r, err := a.countDay(ctx, n, fp, d, d.AddDate(0, 0, 1), now)
			if err != nil {
				return count, err
			}
			days = append(days, r)
		}
		if len(days) > 0 {
			err := a.db.Tx(ctx, func(q *store.Q) error {
				for _, r := range days {
					if err := q.PutRollup(ctx, r.period, r.rows); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return count, err
			}
			count += len(days)
		}
		// A whole past month is merged from its days when they changed or
		// it is missing or stale.
		if !m.Before(thisMonth) {
			continue
		}
		if p := built[m.Format("2006-01")]; len(days) > 0 || p == nil || p.Fingerprint != fp {
			ok, err := a.buildMonth(ctx, fp, m)
			if err != nil {
				return count, err
			}
			if ok {
				count++
				rebuiltYears[m.Year()] = true
			}
		}
	}
	// Whole past years, from their months.
	thisYear := time.Date(now.In(loc).Year(), 1, 1, 0, 0, 0, 0, loc)
	for y := time.Date(start.Year(), 1, 1, 0, 0, 0, 0, loc); y.Before(thisYear); y = y.AddDate(1, 0, 0) {
		if p := built[y.Format("2006")]; p == nil || p.Fingerprint != fp || rebuiltYears[y.Year()] {
			ok, err := a.buildYear(ctx, fp, y)
			if err != nil {
				return count, err
			}
			if ok {
				count++
			}
		}
	}
	return count, a.setInternal(ctx, settingRollupWatermark, strconv.FormatInt(now.UnixMilli(), 10))
}

// dayRollup is one day's rollup, counted and ready to store.
type dayRollup struct {
	period *store.RollupPeriod
	rows   []*store.RollupRow
}

// countDay counts one day as of now, keeping the limits still pending.
func (a *App) countDay(ctx context.Context, n *names, fp string, from, to, now time.Time) (dayRollup, error) {
	groups := map[[2]string]*metrics.Counts{}
	get := func(dim, key string) *metrics.Counts {
		c := groups[[2]string{dim, key}]
		if c == nil {
			c = &metrics.Counts{}
			groups[[2]string{dim, key}] = c
		}
		return c
	}
	var out dayRollup
	facts, err := a.db.ReportFacts(ctx, from, to, 0)
	if err != nil {
		return out, err
	}
	for _, o := range facts {
		o.UnitType = n.unitType(o.Order.UnitID)
		f := metrics.OrderFact{Order: o.Order, UnitType: o.UnitType, RepeatCalled: o.RepeatCalled, ReceivedAt: o.ReceivedAt}
		get(dimAll, "").AddOrderPending(f, now)
		get(dimUnit, itoa(o.Order.UnitID)).AddOrderPending(f, now)
		get(dimCategory, o.Category).AddOrderPending(f, now)
		get(dimArea, itoa(n.district(o.AreaID))).AddOrderPending(f, now)
	}
	err = a.db.ReportIncidents(ctx, from, to, func(in *store.ReportIncident) error {
		f := metrics.IncidentFact{Disposition: in.Disposition, NonPolice: a.nonPolice(in.Category, in.Disposition), Repeat: in.Repeat,
			ReceivedAt: in.ReceivedAt, FirstDispatch: in.FirstDispatch}
		get(dimAll, "").AddIncident(f)
		get(dimCategory, in.Category).AddIncident(f)
		get(dimArea, itoa(n.district(in.AreaID))).AddIncident(f)
		return nil
	})
	if err != nil {
		return out, err
	}
	out.period = &store.RollupPeriod{Period: from.Format("2006-01-02"), From: from, To: to, BuiltAt: now, Fingerprint: fp}
	out.rows, err = encodeGroups(out.period.Period, groups)
	return out, err
}

func encodeGroups(period string, groups map[[2]string]*metrics.Counts) ([]*store.RollupRow, error) {
	rows := make([]*store.RollupRow, 0, len(groups))
	for k, c := range groups {
		b, err := c.Encode()
		if err != nil {
			return nil, err
		}
		rows = append(rows, &store.RollupRow{Period: period, Dim: k[0], Key: k[1], Counts: b})
	}
	return rows, nil
}

func (a *App) putRollup(ctx context.Context, p *store.RollupPeriod, groups map[[2]string]*metrics.Counts) error {
	rows, err := encodeGroups(p.Period, groups)
	if err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.PutRollup(ctx, p, rows) })
}

// buildMonth merges a month's day rollups.
func (a *App) buildMonth(ctx context.Context, fp string, m time.Time) (bool, error) {
	end := m.AddDate(0, 1, 0)
	var subs []string
	for d := m; d.Before(end); d = d.AddDate(0, 0, 1) {
		subs = append(subs, d.Format("2006-01-02"))
	}
	return a.buildMerged(ctx, fp, m.Format("2006-01"), m, end, subs)
}

// buildYear merges a year's month rollups.
func (a *App) buildYear(ctx context.Context, fp string, y time.Time) (bool, error) {
	end := y.AddDate(1, 0, 0)
	var subs []string
	for m := y; m.Before(end); m = m.AddDate(0, 1, 0) {
		subs = append(subs, m.Format("2006-01"))
	}
	return a.buildMerged(ctx, fp, y.Format("2006"), y, end, subs)
}

// buildMerged makes the rollup of [from, end) by merging its parts; it is
// as of the latest of them, and waits (false) until every part is built.
func (a *App) buildMerged(ctx context.Context, fp, key string, from, end time.Time, subs []string) (bool, error) {
	parts, err := a.db.RollupPeriods(ctx, from, end)
	if err != nil {
		return false, err
	}
	builtAt := time.Time{}
	for _, k := range subs {
		p := parts[k]
		if p == nil || p.Fingerprint != fp {
			return false, nil
		}
		if p.BuiltAt.After(builtAt) {
			builtAt = p.BuiltAt
		}
	}
	groups := map[[2]string]*metrics.Counts{}
	err = a.db.Rollups(ctx, subs, []string{dimAll, dimUnit, dimCategory, dimArea}, "", func(r *store.RollupRow) error {
		c, err := metrics.Decode(r.Counts)
		if err != nil {
			return err
		}
		k := [2]string{r.Dim, r.Key}
		if g := groups[k]; g != nil {
			g.Merge(c)
		} else {
			groups[k] = c
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return true, a.putRollup(ctx, &store.RollupPeriod{Period: key, From: from, To: end, BuiltAt: builtAt, Fingerprint: fp}, groups)
}

// span is a part of a report's window: a rollup period, or a range counted
// live.
type span struct {
	from, to time.Time
	period   string // "" for a live range
}

// plan splits [from, to) into usable rollup periods and live ranges.
func (a *App) plan(ctx context.Context, q ReportQuery, n *names) ([]span, error) {
	loc := a.Location(ctx)
	live := []span{{from: q.From, to: q.To}}
	if (q.GroupBy == ByDay || q.Daily) && q.Location.String() != loc.String() {
		return live, nil
	}
	if q.UnitID != 0 && q.GroupBy != "" && q.GroupBy != ByUnit && q.GroupBy != ByDay {
		return live, nil
	}
	first := dayStart(q.From, loc)
	if first.Before(q.From) {
		first = first.AddDate(0, 0, 1)
	}
	last := dayStart(q.To, loc)
	if !first.Before(last) {
		return live, nil
	}
	periods, err := a.db.RollupPeriods(ctx, first, last)
	if err != nil {
		return nil, err
	}
	if len(periods) == 0 {
		return live, nil
	}
	dirty, err := a.dirtyDays(ctx, a.watermark(ctx))
	if err != nil {
		return nil, err
	}
	fp := a.fingerprint(n)
	usable := func(key string, from, to time.Time) bool {
		p := periods[key]
		if p == nil || p.Fingerprint != fp || p.BuiltAt.After(q.AsOf) {
			return false
		}
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			if dirty[d.Format("2006-01-02")] {
				return false
			}
		}
		return true
	}
	var out []span
	addLive := func(from, to time.Time) {
		if k := len(out); k > 0 && out[k-1].period == "" && out[k-1].to.Equal(from) {
			out[k-1].to = to
			return
		}
		out = append(out, span{from: from, to: to})
	}
	if q.From.Before(first) {
		addLive(q.From, first)
	}
	coarse := q.GroupBy != ByDay && !q.Daily // whole years and months may stand for their days
	for d := first; d.Before(last); {
		if coarse && d.YearDay() == 1 {
			if end := d.AddDate(1, 0, 0); !end.After(last) && usable(d.Format("2006"), d, end) {
				out = append(out, span{from: d, to: end, period: d.Format("2006")})
				d = end
				continue
			}
		}
		if coarse && d.Day() == 1 {
			if end := d.AddDate(0, 1, 0); !end.After(last) && usable(d.Format("2006-01"), d, end) {
				out = append(out, span{from: d, to: end, period: d.Format("2006-01")})
				d = end
				continue
			}
		}
		next := d.AddDate(0, 0, 1)
		if usable(d.Format("2006-01-02"), d, next) {
			out = append(out, span{from: d, to: next, period: d.Format("2006-01-02")})
		} else {
			addLive(d, next)
		}
		d = next
	}
	if last.Before(q.To) {
		addLive(last, q.To)
	}
	return out, nil
}

// fromRollups adds the rollup periods of a plan to a report.
func (a *App) fromRollups(ctx context.Context, q ReportQuery, n *names, spans []span, out *tally) error {
	total, row := out.total, out.row
	var keys []string
	for _, s := range spans {
		if s.period != "" {
			keys = append(keys, s.period)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	dims := []string{dimAll}
	key := ""
	if q.UnitID != 0 {
		dims, key = []string{dimUnit}, itoa(q.UnitID)
	} else {
		switch q.GroupBy {
		case ByUnit, ByUnitType:
			dims = append(dims, dimUnit)
		case ByCategory:
			dims = append(dims, dimCategory)
		case ByArea:
			dims = append(dims, dimArea)
		}
	}
	return a.db.Rollups(ctx, keys, dims, key, func(r *store.RollupRow) error {
		c, err := metrics.Decode(r.Counts)
		if err != nil {
			return err
		}
		c.Settle(q.AsOf)
		if r.Dim == dimAll || q.UnitID != 0 {
			total.Merge(c)
			if out.day != nil {
				out.day(r.Period).Counts.Merge(c) // Daily plans use day periods only
			}
			if q.GroupBy == ByDay {
				row(r.Period, r.Period).Counts.Merge(c)
				return nil
			}
			if q.UnitID == 0 || q.GroupBy == "" {
				return nil
			}
		}
		var k, name string
		switch q.GroupBy {
		case ByUnit:
			id, _ := strconv.ParseInt(r.Key, 10, 64)
			k, name = n.key(ByUnit, id, "", "", 0, time.Time{}, nil)
		case ByUnitType:
			id, _ := strconv.ParseInt(r.Key, 10, 64)
			k, name = n.key(ByUnitType, id, n.unitType(id), "", 0, time.Time{}, nil)
		case ByCategory:
			k, name = n.key(ByCategory, 0, "", r.Key, 0, time.Time{}, nil)
		case ByArea:
			id, _ := strconv.ParseInt(r.Key, 10, 64)
			k, name = n.key(ByArea, 0, "", "", id, time.Time{}, nil)
		default:
			return nil
		}
		row(k, name).Counts.Merge(c)
		return nil
	})
}
