package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestPlacementOnDemoGrids: on the demo city, a report made at a grid's
// exact centre, with no area chosen, is placed in that grid by its outline
// (point-in-polygon); a report with only an address is placed by the address
// directory; a report with neither stays unplaced. Routing follows the
// placed grid: the grid's district squad leads, the grid's street office
// assists — where an unplaced report goes to the city-level bureau.
func TestPlacementOnDemoGrids(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := app.New(db, app.Options{Triage: classifier(func(string) fenliu.Triage {
			return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.garbage",
				Units: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTSubdistrict}}
		})})
		if _, err := demo.Load(ctx, a, time.Now(), 0, 1); err != nil {
			t.Fatal(err)
		}
		taker := &fenliu.User{Username: "t", DisplayName: "t", Role: fenliu.RoleCallTaker}
		if err := a.Bootstrap(ctx, taker, ""); err != nil {
			t.Fatal(err)
		}
		areas, _ := db.Areas(ctx)
		units, _ := db.Units(ctx)
		byID := map[int64]*fenliu.Area{}
		for _, ar := range areas {
			byID[ar.ID] = ar
			if len(ar.Outline) == 0 {
				t.Errorf("demo area %s has no outline", ar.Code)
			}
		}
		unitCode := map[int64]string{}
		for _, u := range units {
			unitCode[u.ID] = u.Code
		}
		// The units routing must pick for a grid: its district's squad
		// (JN-urban_management) and its street's office (JN-S2-OFFICE).
		want := func(grid *fenliu.Area) (lead, office string) {
			street := byID[grid.ParentID]
			district := byID[street.ParentID]
			return district.Code + "-urban_management", street.Code + "-OFFICE"
		}
		routed := func(inc *fenliu.Incident) (lead, office string) {
			t.Helper()
			var r fenliu.Route
			if err := json.Unmarshal(inc.Route, &r); err != nil {
				t.Fatalf("incident %d route %s: %v", inc.ID, inc.Route, err)
			}
			for _, as := range r.Assignments {
				switch as.UnitType {
				case fenliu.UTUrbanManagement:
					lead = unitCode[as.UnitID]
				case fenliu.UTSubdistrict:
					office = unitCode[as.UnitID]
				}
			}
			return lead, office
		}
		n := 0
		for _, grid := range areas {
			if grid.Level != fenliu.AreaGrid {
				continue
			}
			n++
			wantLead, wantOffice := want(grid)
			// At the grid's exact centre, no area, no address.
			inc, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "小区里垃圾三天没人清了",
				Lat: grid.Lat, Lng: grid.Lng})
			if err != nil {
				t.Fatal(err)
			}
			if inc.AreaID != grid.ID || inc.Placed != fenliu.PlacedPoint {
				t.Errorf("report at the centre of %s placed in %d (%s), want %d by point", grid.Code, inc.AreaID, inc.Placed, grid.ID)
			}
			if lead, office := routed(inc); lead != wantLead || office != wantOffice {
				t.Errorf("report at the centre of %s routed to %s + %s, want %s + %s", grid.Code, lead, office, wantLead, wantOffice)
			}
			// Near a corner of the grid's outline, still inside.
			street := byID[grid.ParentID]
			gi := int(grid.Code[len(grid.Code)-1] - '1')
			corner := [2]float64{float64(gi-1)*0.004 - 0.0019, -0.0059}
			lat, lng := *street.Lat+corner[1], *street.Lng+corner[0]
			if inc, _, err = a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "小区里垃圾三天没人清了", Lat: &lat, Lng: &lng}); err != nil {
				t.Fatal(err)
			} else if inc.AreaID != grid.ID {
				t.Errorf("report near the edge of %s placed in %d", grid.Code, inc.AreaID)
			}
			// Only an address: the directory's stretch of the road.
			addr := street.Name + "民族大道" + []string{"37", "150", "288"}[gi] + "号3栋"
			inc, _, err = a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "小区里垃圾三天没人清了", Address: addr})
			if err != nil {
				t.Fatal(err)
			}
			if inc.AreaID != grid.ID || inc.Placed != fenliu.PlacedAddress {
				t.Errorf("report at %s placed in %d (%s), want %s by address", addr, inc.AreaID, inc.Placed, grid.Code)
			}
			if lead, office := routed(inc); lead != wantLead || office != wantOffice {
				t.Errorf("report at %s routed to %s + %s, want %s + %s", addr, lead, office, wantLead, wantOffice)
			}
		}
		if n != 27 {
			t.Fatalf("%d demo grids, want 27", n)
		}
		// Outside every outline and at an unknown address: no area, the
		// city-wide bureau.
		far, farLng := 23.5, 109.9
		inc, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "小区里垃圾三天没人清了", Lat: &far, Lng: &farLng, Address: "不知名路1号"})
		if err != nil {
			t.Fatal(err)
		}
		if inc.AreaID != 0 || inc.Placed != fenliu.PlacedNone {
			t.Errorf("report outside the city placed in %d (%s)", inc.AreaID, inc.Placed)
		}
		if lead, _ := routed(inc); lead != "UM" {
			t.Errorf("unplaced report led by %s, want the city bureau UM", lead)
		}
		// The intake event keeps how it was placed.
		rec, err := a.Incident(ctx, &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}, 1)
		if err != nil {
			t.Fatal(err)
		} else {
			found := false
			for _, ev := range rec.Events {
				if ev.Kind == fenliu.EvIntake && ev.Data["placed"] == "point" {
					found = true
				}
			}
			if !found {
				t.Errorf("the intake event of incident 1 does not say it was placed by point: %+v", rec.Events)
			}
		}
		// A given area is kept even when the point lies elsewhere.
		g := areas[len(areas)-1]
		first := byID[areas[3].ID]
		inc, _, err = a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "小区里垃圾三天没人清了", AreaID: g.ID, Lat: first.Lat, Lng: first.Lng})
		if err != nil || inc.AreaID != g.ID || inc.Placed != fenliu.PlacedGiven || strings.TrimSpace(string(inc.Placed)) == "" {
			t.Errorf("given area: %v, %d (%s)", err, inc.AreaID, inc.Placed)
		}
	})
}
