package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

func TestSessionsAndUploads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var id, csrf string
		err := db.Tx(ctx, func(q *store.Q) error {
			var err error
			id, csrf, err = q.CreateSession(ctx, f.staff.ID, t0, t0.Add(time.Hour))
			return err
		})
		if err != nil || id == "" || csrf == "" {
			t.Fatal(err)
		}
		s, err := db.Session(ctx, id, t0.Add(time.Minute), 30*time.Minute)
		if err != nil || s.User.ID != f.staff.ID || s.CSRF != csrf {
			t.Fatalf("session = %+v, %v", s, err)
		}
		if _, err := db.Session(ctx, id, t0.Add(2*time.Hour), 0); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("expired session: %v", err)
		}
		// Idle for longer than the idle limit: ended, though not expired.
		if _, err := db.Session(ctx, id, t0.Add(40*time.Minute), 30*time.Minute); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("idle session: %v", err)
		}
		if _, err := db.Session(ctx, id+"x", t0, 0); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("wrong session: %v", err)
		}
		db.Tx(ctx, func(q *store.Q) error { return q.DeleteSession(ctx, id, t0) })
		if _, err := db.Session(ctx, id, t0.Add(time.Minute), 0); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("session after logout: %v", err)
		}

		data := []byte("\x89PNG\r\n\x1a\nfake image bytes \x00\xff")
		up := &fenliu.Upload{Name: "现场.png", ContentType: "image/png", Data: data, CreatedBy: f.staff.ID, CreatedAt: t0}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.CreateUpload(ctx, up) }); err != nil {
			t.Fatal(err)
		}
		got, err := db.UploadByToken(ctx, up.Token)
		if err != nil || !bytes.Equal(got.Data, data) || got.Size != int64(len(data)) || got.SHA256 == "" || got.Name != "现场.png" {
			t.Fatalf("upload = %+v, %v", got, err)
		}
		if _, err := db.UploadByToken(ctx, "nope"); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("missing upload: %v", err)
		}
	})
}

func TestRostersRulesSettingsCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		err := db.Tx(ctx, func(q *store.Q) error {
			for _, s := range []*fenliu.Shift{
				{UnitID: f.housing.ID, StartsAt: t0, EndsAt: t0.Add(8 * time.Hour), Person: "王工", Phone: "13900000000"},
				{UnitID: f.housing.ID, StartsAt: t0.Add(24 * time.Hour), EndsAt: t0.Add(32 * time.Hour), Person: "李工"},
			} {
				if err := q.CreateShift(ctx, s, f.taker.ID, t0); err != nil {
					return err
				}
			}
			if err := q.CreateRoutingRule(ctx, &fenliu.RoutingRule{Category: "noise.night_market", AreaID: f.street.ID, UnitID: f.um.ID}); err != nil {
				return err
			}
			if err := q.SetSettings(ctx, map[string]string{"routing.mode": "direct"}, true); err != nil {
				return err
			}
			if err := q.SetSettings(ctx, map[string]string{"routing.mode": "both"}, true); err != nil {
				return err
			}
			return q.CreateCatalogVersion(ctx, &fenliu.CatalogVersion{Version: "v1", Body: "groups: []", CreatedBy: f.taker.ID, CreatedAt: t0})
		})
		if err != nil {
			t.Fatal(err)
		}
		sh, err := db.Shifts(ctx, t0.Add(time.Hour), t0.Add(2*time.Hour))
		if err != nil || len(sh) != 1 || sh[0].Person != "王工" {
			t.Fatalf("shifts = %v, %v", sh, err)
		}
		with, _ := db.UnitsWithShifts(ctx)
		if !with[f.housing.ID] || with[f.um.ID] {
			t.Errorf("units with shifts = %v", with)
		}
		rules, _ := db.RoutingRules(ctx)
		if len(rules) != 1 || rules[0].AreaID != f.street.ID {
			t.Fatalf("rules = %v", rules)
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.DeleteRoutingRule(ctx, rules[0].ID) }); err != nil {
			t.Fatal(err)
		}
		if v, _ := db.Setting(ctx, "routing.mode"); v != "both" {
			t.Errorf("setting = %q", v)
		}
		if v, _ := db.Setting(ctx, "nothing"); v != "" {
			t.Errorf("unset setting = %q", v)
		}
		cv, err := db.LatestCatalogVersion(ctx)
		if err != nil || cv == nil || cv.Version != "v1" || cv.Body != "groups: []" {
			t.Fatalf("catalogue = %+v, %v", cv, err)
		}
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateCatalogVersion(ctx, &fenliu.CatalogVersion{Version: "v1", Body: "x", CreatedAt: t0})
		})
		if fenliu.ErrorCode(err) != fenliu.EConflict {
			t.Errorf("duplicate version: %v", err)
		}
	})
}

func TestRecentIncident(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var first *fenliu.Incident
		db.Tx(ctx, func(q *store.Q) error {
			in := newIncident(f, "A")
			in.Category = "noise.night_market"
			first, _, _ = q.InsertIncident(ctx, in)
			return nil
		})
		for _, tc := range []struct {
			name             string
			phone, addr, cat string
			area             int64
			since            time.Time
			found            bool
		}{
			{"same phone", "13800000000", "", "", 0, t0.Add(-time.Hour), true},
			{"same grid and category", "1", "", "noise.night_market", f.grid.ID, t0.Add(-time.Hour), true},
			{"same address and category", "1", "新竹路1号", "noise.night_market", 0, t0.Add(-time.Hour), true},
			{"same grid, other category", "1", "", "water.outage", f.grid.ID, t0.Add(-time.Hour), false},
			{"outside the window", "13800000000", "", "", 0, t0.Add(time.Second), false},
			{"nothing to match", "", "", "", 0, t0.Add(-time.Hour), false},
		} {
			got, err := db.RecentIncident(ctx, fenliu.RepeatKeys(&fenliu.Incident{CallerPhone: tc.phone, AreaID: tc.area, Address: tc.addr}, tc.cat), tc.since, t0.Add(time.Hour), 0)
			if err != nil || (got != 0) != tc.found || (got != 0 && got != first.ID) {
				t.Errorf("%s: %v, %v", tc.name, got, err)
			}
		}
		if got, _ := db.RecentIncident(ctx, fenliu.RepeatKeys(&fenliu.Incident{CallerPhone: "13800000000"}, ""), t0.Add(-time.Hour), t0.Add(time.Hour), first.ID); got != 0 {
			t.Error("excluded incident found")
		}
		if err := db.Tx(ctx, func(q *store.Q) error { return q.SetRepeat(ctx, first.ID, first.ID) }); err != nil {
			t.Fatal(err)
		}
	})
}
