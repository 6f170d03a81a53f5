package app_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

const modesCatalog = `version: "modes"
groups:
  - code: city
    name_zh: 市容
    name_en: City
    categories:
      - code: city.noise
        name_zh: 噪音
        name_en: Noise
        disposition: divert
        units: [urban_management, housing]
        urgency: urgent
        auto_dispatch: %t
        limits: {sign: 30m, arrive: 1h, feedback: 4h, close: 1d}
        keywords: [吵]
`

// modesWorld is a district with a grid; urban management and housing serve
// the district; the 12345 desk and the duty room serve the city.
type modesWorld struct {
	*world
	grid               int64
	um, hs, desk, duty int64
	names              map[int64]string
	admin, deskop      *fenliu.User
}

func newModesWorld(t *testing.T, db *store.DB, auto bool) *modesWorld {
	t.Helper()
	ctx := context.Background()
	w := &modesWorld{world: newWorld(t, db, 0), names: map[int64]string{}}
	w.with(func(o *app.Options) {
		o.Triage = classifier(func(string) fenliu.Triage {
			return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city.noise", Units: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTHousing}, AutoDispatch: auto}
		})
	})
	cat, err := catalog.Parse([]byte(fmt.Sprintf(modesCatalog, auto)))
	if err != nil {
		t.Fatal(err)
	}
	w.a.SetCatalog(cat)
	w.admin = &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
	d := &fenliu.Area{Code: "D", Name: "江南区", Level: fenliu.AreaDistrict}
	must(t, w.a.CreateArea(ctx, w.admin, d))
	g := &fenliu.Area{Code: "G", Name: "江南1号网格", Level: fenliu.AreaGrid, ParentID: d.ID}
	must(t, w.a.CreateArea(ctx, w.admin, g))
	w.grid = g.ID
	for _, u := range []struct {
		id   *int64
		unit fenliu.Unit
	}{
		{&w.um, fenliu.Unit{Code: "JN-UM", Name: "江南区城管", Type: fenliu.UTUrbanManagement, AreaIDs: []int64{d.ID}, AlwaysOn: true}},
		{&w.hs, fenliu.Unit{Code: "JN-HS", Name: "江南区住建", Type: fenliu.UTHousing, AreaIDs: []int64{d.ID}, AlwaysOn: true}},
		{&w.desk, fenliu.Unit{Code: "DESK", Name: "12345联动专席", Type: fenliu.UTSubdistrict, AlwaysOn: true}},
		{&w.duty, fenliu.Unit{Code: "DUTY", Name: "政府总值班室", Type: fenliu.UTSubdistrict, AlwaysOn: true}},
	} {
		u := u.unit
		must(t, w.a.CreateUnit(ctx, w.admin, &u))
		*map[string]*int64{"JN-UM": &w.um, "JN-HS": &w.hs, "DESK": &w.desk, "DUTY": &w.duty}[u.Code] = u.ID
		w.names[u.ID] = u.Code
	}
	w.deskop = &fenliu.User{Username: "desk", DisplayName: "专席", Role: fenliu.RoleLinkageDesk}
	must(t, w.a.CreateUser(ctx, w.admin, w.deskop, ""))
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// orders describes an incident's orders as "UNIT:role:state", in id order.
func (w *modesWorld) orders(t *testing.T, db *store.DB, incidentID int64) string {
	t.Helper()
	os, err := db.OrdersOfIncident(context.Background(), incidentID)
	must(t, err)
	var out []string
	for _, o := range os {
		out = append(out, fmt.Sprintf("%s:%s:%s", w.names[o.UnitID], o.Role, o.State))
	}
	return strings.Join(out, " ")
}

func (w *modesWorld) suggested(r []fenliu.Assignment) string {
	var out []string
	for _, a := range r {
		out = append(out, fmt.Sprintf("%s:%s", w.names[a.UnitID], a.Role))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// The four routing modes (docs/routing.md), what the one-click transfer and
// auto-dispatch make of each, and what the desk's one click makes of the
// suggestions.
var modeCases = []struct {
	mode      string
	orders    string // right after the transfer (or the auto-dispatched intake)
	suggested string
	passedOn  string // after DispatchSuggested ("" where there is nothing to pass on)
}{
	{"direct", "JN-UM:lead:dispatched JN-HS:assist:dispatched", "", ""},
	{"both", "JN-UM:lead:dispatched JN-HS:assist:dispatched DESK:assist:dispatched", "", ""},
	{"desk_first", "DESK:lead:dispatched", "JN-HS:assist JN-UM:lead",
		"DESK:lead:rerouted JN-UM:lead:dispatched JN-HS:assist:dispatched"},
	{"duty_room", "DUTY:lead:dispatched", "JN-HS:assist JN-UM:lead",
		"DUTY:lead:rerouted JN-UM:lead:dispatched JN-HS:assist:dispatched"},
}

func TestTransferByRoutingMode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newModesWorld(t, db, false)
		for i, tc := range modeCases {
			t.Run(tc.mode, func(t *testing.T) {
				must(t, w.a.SetRouting(ctx, w.admin, tc.mode, w.desk, w.duty))
				in := fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: fmt.Sprintf("T-%d", i), Text: "楼下吵", AreaID: w.grid}
				res, err := w.a.Transfer(ctx, w.taker, fenliu.TransferInput{Incident: &in})
				if err != nil {
					t.Fatal(err)
				}
				if !res.Created || res.Incident.Disposition != fenliu.DispDivert || res.Incident.Category != "city.noise" {
					t.Fatalf("transfer: created %v, %s/%s", res.Created, res.Incident.Disposition, res.Incident.Category)
				}
				if got := w.orders(t, db, res.Incident.ID); got != tc.orders {
					t.Errorf("orders %q, want %q", got, tc.orders)
				}
				if got := w.suggested(res.Suggested); got != tc.suggested {
					t.Errorf("suggested %q, want %q", got, tc.suggested)
				}
				// Every order carries the category's limits.
				os, _ := db.OrdersOfIncident(ctx, res.Incident.ID)
				for _, o := range os {
					if o.SignDue == nil || o.FeedbackDue == nil || o.CloseDue == nil {
						t.Errorf("order %d has no deadlines: %+v", o.ID, o)
					}
				}
				// Sent again (a double click, a retry): nothing twice.
				again, err := w.a.Transfer(ctx, w.taker, fenliu.TransferInput{Incident: &in})
				if err != nil || !again.Again || again.Created || len(again.Orders) != len(os) {
					t.Fatalf("resend: %+v, %v", again, err)
				}
				if got := w.orders(t, db, res.Incident.ID); got != tc.orders {
					t.Errorf("after the resend: %q", got)
				}
				if tc.passedOn == "" {
					if _, err := w.a.DispatchSuggested(ctx, w.deskop, res.Incident.ID, ""); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
						t.Errorf("nothing to pass on, yet: %v", err)
					}
					return
				}
				if _, err := w.a.DispatchSuggested(ctx, w.deskop, res.Incident.ID, ""); err != nil {
					t.Fatal(err)
				}
				if got := w.orders(t, db, res.Incident.ID); got != tc.passedOn {
					t.Errorf("passed on: %q, want %q", got, tc.passedOn)
				}
			})
		}
	})
}

func TestAutoDispatchByRoutingMode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newModesWorld(t, db, true)
		for i, tc := range modeCases {
			t.Run(tc.mode, func(t *testing.T) {
				must(t, w.a.SetRouting(ctx, w.admin, tc.mode, w.desk, w.duty))
				inc, created, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.ChannelGrid, ChannelRef: fmt.Sprintf("A-%d", i), Text: "楼下吵", AreaID: w.grid})
				if err != nil || !created {
					t.Fatalf("intake: %v", err)
				}
				if inc.Disposition != fenliu.DispDivert {
					t.Fatalf("not decided: %+v", inc)
				}
				if got := w.orders(t, db, inc.ID); got != tc.orders {
					t.Errorf("orders %q, want %q", got, tc.orders)
				}
				evs, _ := db.Events(ctx, inc.ID)
				if evs[1].Kind != fenliu.EvDecide || evs[1].Data["auto"] != true {
					t.Errorf("decision not recorded as automatic: %+v", evs[1])
				}
			})
		}
	})
}

// TestAutoDispatchFailureKeepsTheIncident: when auto-dispatch cannot
// dispatch (here the route names a unit that does not exist), the incident
// is recorded all the same, undecided, in the linkage desk's queue.
func TestAutoDispatchFailureKeepsTheIncident(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newModesWorld(t, db, true)
		// A route naming a unit that does not exist: dispatch must refuse it.
		w.with(func(o *app.Options) {
			o.Route = func(ctx context.Context, req app.RouteRequest) (*fenliu.Route, error) {
				return &fenliu.Route{Mode: "direct", Assignments: []fenliu.Assignment{{UnitID: 9999, Role: fenliu.OrderLead}}}, nil
			}
		})
		cat, _ := catalog.Parse([]byte(fmt.Sprintf(modesCatalog, true)))
		w.a.SetCatalog(cat)
		inc, created, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.ChannelGrid, ChannelRef: "broken", Text: "楼下吵", AreaID: w.grid})
		if err != nil || !created {
			t.Fatalf("intake refused: %v", err)
		}
		if inc.Disposition != "" {
			t.Errorf("decided although dispatch failed: %s", inc.Disposition)
		}
		if got := w.orders(t, db, inc.ID); got != "" {
			t.Errorf("orders %q", got)
		}
		q, err := w.a.DeskQueue(ctx, w.deskop)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range q.Undecided {
			found = found || x.ID == inc.ID
		}
		if !found {
			t.Error("the incident is not in the desk's queue")
		}
	})
}
