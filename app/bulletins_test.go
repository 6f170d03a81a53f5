package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

func TestPeriodBounds(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 25, 1, 30, 0, 0, loc) // a Wednesday
	for _, tc := range []struct {
		period   string
		from, to string
	}{
		{"day", "2026-11-25", "2026-11-26"},
		{"week", "2026-11-23", "2026-11-30"},
		{"month", "2026-11-01", "2026-12-01"},
	} {
		f, to, err := app.PeriodBounds(tc.period, at, loc)
		if err != nil || f.Format("2006-01-02") != tc.from || to.Format("2006-01-02") != tc.to || f.Location() != loc {
			t.Errorf("%s: %v – %v %v", tc.period, f, to, err)
		}
	}
	if _, _, err := app.PeriodBounds("year", at, loc); err == nil {
		t.Error("year accepted")
	}
}

// TestBulletinsOncePerPeriod: the scheduler stores yesterday's, last week's
// and last month's bulletins once, however often it runs.
func TestBulletinsOncePerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, _, _ := supWorld(t, db)
		w.divertNoise(t)
		w.clock = w.clock.Add(24 * time.Hour)
		n, err := w.a.GenerateBulletins(ctx)
		if err != nil || n != 3 {
			t.Fatalf("made %d, %v", n, err)
		}
		again := app.New(db, w.opts) // another server, same moment
		if n, _ := again.GenerateBulletins(ctx); n != 0 {
			t.Fatalf("made %d again", n)
		}
		list, _ := db.Bulletins(ctx, 10)
		if len(list) != 3 {
			t.Fatalf("stored %d", len(list))
		}
		var day *fenliu.Bulletin
		for _, b := range list {
			if b.Period == "day" {
				day, _ = db.Bulletin(ctx, b.ID)
			}
		}
		if day == nil || len(day.Body) < 50 {
			t.Fatalf("day bulletin = %+v", day)
		}
	})
}
