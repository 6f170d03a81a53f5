package app_test

import (
	"context"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestDisagreements: the engine suggests a night-market noise complaint
// for every call; people decide two as a fight (police) and one as it
// was. The report puts the fight first — every decision disagreed, on
// the dangerous side — and the agreed category below, and only leaders
// and admins may read it.
func TestDisagreements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 0)
		w.with(func(o *app.Options) {
			o.Triage = classifier(func(string) fenliu.Triage {
				return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise", Units: []fenliu.UnitType{fenliu.UTUrbanManagement}}
			})
		})
		decide := func(ref string, d fenliu.DecisionInput) {
			t.Helper()
			inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: ref, Text: "楼下吵得很"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.a.Decide(ctx, w.taker, inc.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		decide("d1", fenliu.DecisionInput{Disposition: fenliu.DispPolice, Category: "public_safety.fight"})
		decide("d2", fenliu.DecisionInput{Disposition: fenliu.DispPolice, Category: "public_safety.fight"})
		decide("d3", fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise"})
		if _, err := w.a.Disagreements(ctx, w.taker, 1); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Fatalf("a call taker reads the report: %v", err)
		}
		leader := &fenliu.User{ID: 77, Username: "lead", Role: fenliu.RoleLeader}
		rows, err := w.a.Disagreements(ctx, leader, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 {
			t.Fatalf("rows %+v", rows)
		}
		f := rows[0]
		if f.Category != "public_safety.fight" || f.Decided != 2 || f.Agreed != 0 || f.OtherCat != 2 || f.OtherSide != 2 || f.Dangerous != 2 || f.Rate != 1 ||
			len(f.Instead) != 1 || f.Instead[0].Category != "city_appearance.night_market_noise" || f.Instead[0].N != 2 || f.CategoryZH == f.Category {
			t.Fatalf("fight row %+v", f)
		}
		if g := rows[1]; g.Category != "city_appearance.night_market_noise" || g.Decided != 1 || g.Agreed != 1 || g.Rate != 0 || len(g.Instead) != 0 {
			t.Fatalf("agreed row %+v", g)
		}
		if rows, err := w.a.Disagreements(ctx, leader, 2); err != nil || len(rows) != 1 {
			t.Fatalf("min 2: %v %+v", err, rows)
		}
	})
}
