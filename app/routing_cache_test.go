package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestRoutingSeesDirectoryChanges: the routing data is kept between
// intakes, yet a rule or a unit added — through the service or straight
// into the database, as another server would — routes the next call.
func TestRoutingSeesDirectoryChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, app.Options{Triage: classifier(func(string) fenliu.Triage {
			return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise", Units: []fenliu.UnitType{fenliu.UTUrbanManagement}}
		})})
		if _, err := demo.Load(ctx, a, time.Now(), 0, 1); err != nil {
			t.Fatal(err)
		}
		taker := &fenliu.User{Username: "t", DisplayName: "t", Role: fenliu.RoleCallTaker}
		if err := a.Bootstrap(ctx, taker, ""); err != nil {
			t.Fatal(err)
		}
		areas, _ := db.Areas(ctx)
		var grid int64
		for _, ar := range areas {
			if ar.Level == fenliu.AreaGrid {
				grid = ar.ID
				break
			}
		}
		n := 0
		lead := func() int64 {
			t.Helper()
			n++
			inc, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: string(rune('a' + n)), Text: "楼下烧烤太吵", AreaID: grid})
			if err != nil {
				t.Fatal(err)
			}
			var r fenliu.Route
			if err := json.Unmarshal(inc.Route, &r); err != nil || len(r.Assignments) == 0 {
				t.Fatalf("no route: %s", inc.Route)
			}
			return r.Assignments[0].UnitID
		}
		first := lead()
		if again := lead(); again != first {
			t.Fatalf("same call routed to %d then %d", first, again)
		}
		// A new unit and a rule sending this matter to it, written straight
		// into the database.
		u := &fenliu.Unit{Code: "NIGHT-SQUAD", Name: "夜市专项执法队", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
		err := db.Tx(ctx, func(q *store.Q) error {
			if err := q.CreateUnit(ctx, u); err != nil {
				return err
			}
			return q.CreateRoutingRule(ctx, &fenliu.RoutingRule{Category: "city_appearance.night_market_noise", UnitID: u.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := lead(); got != u.ID {
			t.Fatalf("after the rule the call went to %d, want the new unit %d", got, u.ID)
		}
	})
}
