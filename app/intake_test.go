package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// A stand-in engine and router: the real ones have their own tests; these
// check what the service layer does with their answers.
func fakeEngine(w *world, auto bool) {
	w.with(func(o *app.Options) { o.Triage = classifier(fakeTriage(auto)); o.Route = fakeRouter(w) })
}

func fakeTriage(auto bool) func(string) fenliu.Triage {
	return func(text string) fenliu.Triage {
		if text == "有人拿刀" {
			return fenliu.Triage{Disposition: fenliu.DispPolice, Category: "public_safety.threat", Units: []fenliu.UnitType{fenliu.UTPolice}, CatalogVersion: "v9"}
		}
		return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise",
			Units: []fenliu.UnitType{fenliu.UTUrbanManagement}, Words: []string{"烧烤"}, CatalogVersion: "v9", AutoDispatch: auto}
	}
}

func fakeRouter(w *world) app.Router {
	return func(ctx context.Context, req app.RouteRequest) (*fenliu.Route, error) {
		return &fenliu.Route{Mode: "direct", Assignments: []fenliu.Assignment{{UnitID: w.unit.ID, UnitName: w.unit.Name, UnitType: req.Units[0], Role: fenliu.OrderLead, ReasonZH: "辖区", ReasonEN: "serves the area"}}}, nil
	}
}

func TestIntakeRecordsTriageAndRoute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		fakeEngine(w, false)
		inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "楼下烧烤太吵"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := db.Incident(ctx, inc.ID)
		var tr fenliu.Triage
		var rt fenliu.Route
		if json.Unmarshal(got.Triage, &tr) != nil || json.Unmarshal(got.Route, &rt) != nil {
			t.Fatalf("triage %s route %s", got.Triage, got.Route)
		}
		if tr.Category != "city_appearance.night_market_noise" || got.CatalogVersion != "v9" || len(rt.Assignments) != 1 || rt.Assignments[0].UnitID != w.unit.ID {
			t.Fatalf("recorded %+v %+v %q", tr, rt, got.CatalogVersion)
		}
		if got.Disposition != "" {
			t.Fatal("decided without a human although auto-dispatch is off")
		}
		// The call-taker changes the suggestion: the record says so.
		if _, err := w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispPolice}); err != nil {
			t.Fatal(err)
		}
		evs, _ := db.Events(ctx, inc.ID)
		last := evs[len(evs)-1]
		if last.Data["accepted"] != false || last.Data["suggested_disposition"] != "divert" {
			t.Errorf("decision record = %v", last.Data)
		}
		// A police matter gets no route.
		pol, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "有人拿刀"})
		if err != nil {
			t.Fatal(err)
		}
		if pol.Route != nil {
			t.Errorf("police incident routed: %s", pol.Route)
		}
	})
}

func TestAutoDispatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		fakeEngine(w, true)
		inc, created, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.ChannelGrid, Text: "夜里烧烤摊音响太吵"})
		if err != nil || !created {
			t.Fatal(err)
		}
		if inc.Disposition != fenliu.DispDivert {
			t.Fatalf("not decided: %+v", inc)
		}
		orders, _ := db.OrdersOfIncident(ctx, inc.ID)
		if len(orders) != 1 || orders[0].UnitID != w.unit.ID || orders[0].Role != fenliu.OrderLead {
			t.Fatalf("orders = %+v", orders)
		}
		evs, _ := db.Events(ctx, inc.ID)
		kinds := ""
		for _, e := range evs {
			kinds += string(e.Kind) + " "
		}
		if kinds != "intake decide dispatch " || evs[1].Data["auto"] != true || evs[1].Data["accepted"] != true {
			t.Errorf("record: %s %v", kinds, evs[1].Data)
		}
	})
}

func TestRepeatCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		fakeEngine(w, false)
		w.with(func(o *app.Options) { o.RepeatWindow = 24 * time.Hour })
		first, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "烧烤太吵", CallerPhone: "13900000001", Address: "民族大道1号"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name    string
			in      fenliu.IncidentInput
			advance time.Duration
			repeat  bool
		}{
			{"same caller", fenliu.IncidentInput{Text: "又在吵", CallerPhone: "13900000001"}, time.Hour, true},
			{"same address, same matter", fenliu.IncidentInput{Text: "烧烤吵", CallerPhone: "13900000002", Address: "民族大道1号"}, time.Hour, true},
			{"other caller, other place", fenliu.IncidentInput{Text: "烧烤吵", CallerPhone: "13900000003", Address: "友爱路9号"}, time.Hour, false},
			{"same caller after the window", fenliu.IncidentInput{Text: "烧烤吵", CallerPhone: "13900000001"}, 48 * time.Hour, false},
		} {
			w.clock = w.clock.Add(tc.advance)
			tc.in.Channel = fenliu.Channel110
			inc, _, err := w.a.Intake(ctx, w.taker, tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := inc.RepeatOf != 0; got != tc.repeat {
				t.Errorf("%s: repeat_of = %d", tc.name, inc.RepeatOf)
			}
			if tc.repeat && inc.RepeatOf != first.ID && inc.RepeatOf == 0 {
				t.Errorf("%s: linked to %d", tc.name, inc.RepeatOf)
			}
		}
	})
}

// TestIntakeRoutesFromDatabase: with the real router, an incident's route
// names the unit serving its area, with the reason, and honours the mode.
func TestIntakeRoutesFromDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
		d := &fenliu.Area{Code: "D", Name: "江南区", Level: fenliu.AreaDistrict}
		w.a.CreateArea(ctx, admin, d)
		g := &fenliu.Area{Code: "G", Name: "江南1号网格", Level: fenliu.AreaGrid, ParentID: d.ID}
		w.a.CreateArea(ctx, admin, g)
		local := &fenliu.Unit{Code: "JN", Name: "江南区城管大队", Type: fenliu.UTUrbanManagement, AreaIDs: []int64{d.ID}, AlwaysOn: true}
		if err := w.a.CreateUnit(ctx, admin, local); err != nil {
			t.Fatal(err)
		}
		desk := &fenliu.Unit{Code: "DESK", Name: "12345联动专席", Type: fenliu.UTSubdistrict, AlwaysOn: true}
		w.a.CreateUnit(ctx, admin, desk)
		w.with(func(o *app.Options) {
			o.Triage = classifier(func(string) fenliu.Triage {
				return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "noise", Units: []fenliu.UnitType{fenliu.UTUrbanManagement}}
			})
		})
		inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "吵", AreaID: g.ID})
		if err != nil {
			t.Fatal(err)
		}
		var r fenliu.Route
		json.Unmarshal(inc.Route, &r)
		if len(r.Assignments) != 1 || r.Assignments[0].UnitID != local.ID || !strings.Contains(r.Assignments[0].ReasonZH, "江南区") || r.Mode != "direct" {
			t.Fatalf("route = %+v", r)
		}
		if err := w.a.SetRouting(ctx, admin, "desk_first", desk.ID, 0); err != nil {
			t.Fatal(err)
		}
		if err := w.a.SetRouting(ctx, admin, "fax", 0, 0); fenliu.ErrorCode(err) != fenliu.EInvalid {
			t.Errorf("bad mode: %v", err)
		}
		w.a.SetRouting(ctx, admin, "desk_first", desk.ID, 0)
		inc, _, _ = w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "又吵", AreaID: g.ID})
		json.Unmarshal(inc.Route, &r)
		if r.Mode != "desk_first" || r.Assignments[0].UnitID != desk.ID || !r.Assignments[1].Suggested {
			t.Fatalf("desk-first route = %+v", r)
		}
	})
}
