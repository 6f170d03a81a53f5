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

// Bulletin computes the bulletin of the period containing t: every unit's
// rates and score, as of the end of the period (or now, if sooner).
func (a *App) Bulletin(ctx context.Context, actor *fenliu.User, period string, t time.Time, loc *time.Location) (*Report, error) {
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
func (a *App) GenerateBulletins(ctx context.Context, loc *time.Location) (int, error) {
	now := a.now()
	system := &fenliu.User{Role: fenliu.RoleAdmin}
	made := 0
	for _, period := range []string{"day", "week", "month"} {
		cur, _, _ := PeriodBounds(period, now, loc)
		prev, _, _ := PeriodBounds(period, cur.Add(-time.Hour), loc)
		rep, err := a.Bulletin(ctx, system, period, prev, loc)
		if err != nil {
			return made, err
		}
		body, err := json.Marshal(rep)
		if err != nil {
			return made, err
		}
		var ok bool
		err = a.DB.Tx(ctx, func(q *store.Q) error {
			var err error
			ok, err = q.CreateBulletin(ctx, &store.Bulletin{Period: period, StartsAt: prev, EndsAt: cur, Body: body, CreatedAt: now})
			return err
		})
		if err != nil {
			return made, err
		}
		if ok {
			made++
		}
	}
	return made, nil
}
