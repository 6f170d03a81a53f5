package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// PeriodBounds returns the day, week (Monday first) or month containing t,
// in loc.
func PeriodBounds(period string, t time.Time, loc *time.Location) (time.Time, time.Time, error) {
	t = t.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	switch period {
	case "day":
		return day, day.AddDate(0, 0, 1), nil
	case "week":
		wd := (int(day.Weekday()) + 6) % 7 // Monday = 0
		start := day.AddDate(0, 0, -wd)
		return start, start.AddDate(0, 0, 7), nil
	case "month":
		start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
		return start, start.AddDate(0, 1, 0), nil
	}
	return time.Time{}, time.Time{}, &fenliu.Error{Code: fenliu.EInvalid, Field: "period", ZH: "周期必须是 day、week 或 month", EN: "period must be day, week or month"}
}

// Bulletin computes the bulletin of the period containing t, in the city's
// time zone: every unit's rates and score, as of the end of the period (or
// now, if sooner).
func (a *App) Bulletin(ctx context.Context, actor *fenliu.User, period string, t time.Time) (*Report, error) {
	loc := a.Location(ctx)
	from, to, err := PeriodBounds(period, t, loc)
	if err != nil {
		return nil, err
	}
	asOf := to
	if now := a.now(); now.Before(asOf) {
		asOf = now
	}
	return a.Report(ctx, actor, ReportQuery{From: from, To: to, AsOf: asOf, GroupBy: ByUnit, Location: loc})
}

// GenerateBulletins stores the bulletins of the periods that ended before
// now and are not stored yet: yesterday's, last week's and last month's.
// Several servers may call it; each bulletin is stored once.
func (a *App) GenerateBulletins(ctx context.Context) (int, error) {
	now := a.now()
	loc := a.Location(ctx)
	system := &fenliu.User{Role: fenliu.RoleAdmin}
	made := 0
	for _, period := range []string{"day", "week", "month"} {
		cur, _, _ := PeriodBounds(period, now, loc)
		prev, _, _ := PeriodBounds(period, cur.Add(-time.Hour), loc)
		rep, err := a.Bulletin(ctx, system, period, prev)
		if err != nil {
			return made, err
		}
		body, err := json.Marshal(rep)
		if err != nil {
			return made, err
		}
		var ok bool
		err = a.db.Tx(ctx, func(q *store.Q) error {
			var err error
			ok, err = q.CreateBulletin(ctx, &fenliu.Bulletin{Period: period, StartsAt: prev, EndsAt: cur, Body: body, CreatedAt: now})
			return err
		})
		if err != nil {
			return made, err
		}
		if ok {
			made++
		}
		if period == "day" {
			// The day is over: its chain head is stored and logged.
			if _, err := a.SealDay(ctx, prev); err != nil {
				return made, err
			}
		}
	}
	return made, nil
}

// Bulletins lists the stored bulletins, newest first (without bodies).
func (a *App) Bulletins(ctx context.Context, actor *fenliu.User, n int) ([]*fenliu.Bulletin, error) {
	if err := fenliu.CanReport(actor); err != nil {
		return nil, err
	}
	return a.db.Bulletins(ctx, n)
}

// StoredBulletin returns a stored bulletin with its report. A unit's staff
// see only their own unit's row and the city's total.
func (a *App) StoredBulletin(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.Bulletin, *Report, error) {
	if err := fenliu.CanReport(actor); err != nil {
		return nil, nil, err
	}
	b, err := a.db.Bulletin(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var rep Report
	if err := json.Unmarshal(b.Body, &rep); err != nil {
		return nil, nil, err
	}
	if !fenliu.SeesAllUnits(actor) {
		var mine []*ReportRow
		for _, r := range rep.Rows {
			if r.Key == itoa(actor.UnitID) {
				mine = append(mine, r)
			}
		}
		rep.Rows = mine
	}
	return b, &rep, nil
}
