package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

var t0 = time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)

// fixture is a small city: one district, one street, one grid, two units and
// a call-taker and a unit user.
type fixture struct {
	district, street, grid *fenliu.Area
	um, housing            *fenliu.Unit
	taker, staff           *fenliu.User
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{}
	err := db.Tx(ctx, func(q *store.Q) error {
		lat, lng := 22.8, 108.3
		f.district = &fenliu.Area{Code: "D1", Name: "青秀区", Level: fenliu.AreaDistrict, Lat: &lat, Lng: &lng}
		if err := q.CreateArea(ctx, f.district); err != nil {
			return err
		}
		f.street = &fenliu.Area{Code: "S1", Name: "新竹街道", Level: fenliu.AreaStreet, ParentID: f.district.ID}
		if err := q.CreateArea(ctx, f.street); err != nil {
			return err
		}
		f.grid = &fenliu.Area{Code: "G1", Name: "新竹1号网格", Level: fenliu.AreaGrid, ParentID: f.street.ID}
		if err := q.CreateArea(ctx, f.grid); err != nil {
			return err
		}
		f.um = &fenliu.Unit{Code: "UM-QX", Name: "青秀区城管局", Type: fenliu.UTUrbanManagement, AreaIDs: []int64{f.district.ID}, DutyPhone: "0771-1234567", AlwaysOn: true}
		if err := q.CreateUnit(ctx, f.um); err != nil {
			return err
		}
		f.housing = &fenliu.Unit{Code: "HS-QX", Name: "青秀区住建局", Type: fenliu.UTHousing, ParentID: f.um.ID}
		if err := q.CreateUnit(ctx, f.housing); err != nil {
			return err
		}
		f.taker = &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker, CreatedAt: t0}
		if err := q.CreateUser(ctx, f.taker, "hash"); err != nil {
			return err
		}
		f.staff = &fenliu.User{Username: "um1", DisplayName: "城管", Role: fenliu.RoleUnitStaff, UnitID: f.um.ID, CreatedAt: t0}
		return q.CreateUser(ctx, f.staff, "")
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func newIncident(f *fixture, ref string) *fenliu.Incident {
	lat, lng := 22.81, 108.32
	return &fenliu.Incident{TrackingNo: "T" + ref, Channel: fenliu.Channel110, ChannelRef: ref, ReceivedAt: t0,
		CallerName: "张先生", CallerPhone: "13800000000", Text: "夜市烧烤摊太吵了", Address: "新竹路1号",
		AreaID: f.grid.ID, Lat: &lat, Lng: &lng, RecordedBy: f.taker.ID, CreatedAt: t0,
		Attachments: []fenliu.Attachment{{Kind: "recording", URI: "rec://110/1"}},
		Triage:      []byte(`{"disposition":"divert"}`), CatalogVersion: "2026.11"}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := fenliu.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %s, want %s", err, got, code)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n, err := db.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second migrate ran %d migrations, err %v", n, err)
		}
	})
}

func TestDirectory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		areas, err := db.Areas(ctx)
		if err != nil || len(areas) != 3 || areas[2].ParentID != f.street.ID || areas[0].Lat == nil || *areas[0].Lat != 22.8 {
			t.Fatalf("areas = %+v, %v", areas, err)
		}
		units, err := db.Units(ctx)
		if err != nil || len(units) != 2 {
			t.Fatalf("units = %v, %v", units, err)
		}
		if u := units[0]; u.Type != fenliu.UTUrbanManagement || !u.AlwaysOn || len(u.AreaIDs) != 1 || u.AreaIDs[0] != f.district.ID {
			t.Errorf("unit 0 = %+v", u)
		}
		if u := units[1]; u.ParentID != f.um.ID || u.AlwaysOn || len(u.AreaIDs) != 0 {
			t.Errorf("unit 1 = %+v", u)
		}
		u, err := db.Unit(ctx, f.um.ID)
		if err != nil || u.DutyPhone != "0771-1234567" || len(u.AreaIDs) != 1 {
			t.Errorf("Unit = %+v, %v", u, err)
		}
		_, err = db.Unit(ctx, 999)
		wantCode(t, err, fenliu.ENotFound)

		got, hash, err := db.UserByUsername(ctx, "taker")
		if err != nil || got.ID != f.taker.ID || hash != "hash" || got.Role != fenliu.RoleCallTaker {
			t.Fatalf("UserByUsername = %+v %q %v", got, hash, err)
		}
		staff, err := db.User(ctx, f.staff.ID)
		if err != nil || staff.UnitID != f.um.ID || !staff.CreatedAt.Equal(t0) {
			t.Fatalf("User = %+v, %v", staff, err)
		}
		// A second user with the same name is a conflict, not an internal error.
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateUser(ctx, &fenliu.User{Username: "taker", DisplayName: "x", Role: fenliu.RoleAdmin, CreatedAt: t0}, "")
		})
		wantCode(t, err, fenliu.EConflict)
		// A unit user of a unit that does not exist breaks a reference.
		err = db.Tx(ctx, func(q *store.Q) error {
			return q.CreateUser(ctx, &fenliu.User{Username: "ghost", DisplayName: "x", Role: fenliu.RoleUnitStaff, UnitID: 4242, CreatedAt: t0}, "")
		})
		wantCode(t, err, fenliu.EUnprocessable)

		var token string
		err = db.Tx(ctx, func(q *store.Q) error {
			token, err = q.CreateToken(ctx, f.staff.ID, "test", t0, t0.Add(time.Hour))
			return err
		})
		if err != nil || len(token) < 20 {
			t.Fatalf("CreateToken = %q, %v", token, err)
		}
		who, err := db.UserByToken(ctx, token, t0.Add(time.Minute))
		if err != nil || who.ID != f.staff.ID {
			t.Fatalf("UserByToken = %+v, %v", who, err)
		}
		_, err = db.UserByToken(ctx, token+"x", t0)
		wantCode(t, err, fenliu.EUnauthorized)
		_, err = db.UserByToken(ctx, token, t0.Add(2*time.Hour)) // expired
		wantCode(t, err, fenliu.EUnauthorized)
		// Listed by reference, revoked by it, and then no more.
		list, err := db.Tokens(ctx, f.staff.ID, t0)
		if err != nil || len(list) != 1 || len(list[0].Ref) != 16 || strings.Contains(token, list[0].Ref) {
			t.Fatalf("tokens = %+v, %v", list, err)
		}
		if err := db.Tx(ctx, func(q *store.Q) error {
			found, err := q.RevokeToken(ctx, f.staff.ID, list[0].Ref)
			if !found {
				t.Error("revoke: not found")
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err = db.UserByToken(ctx, token, t0.Add(time.Minute))
		wantCode(t, err, fenliu.EUnauthorized)
	})
}

func TestIncidents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var first *fenliu.Incident
		err := db.Tx(ctx, func(q *store.Q) error {
			in, created, err := q.InsertIncident(ctx, newIncident(f, "R1"))
			if err != nil || !created || in.ID == 0 || in.Version != 1 {
				t.Fatalf("insert = %+v %v %v", in, created, err)
			}
			first = in
			// The same channel reference again returns the first incident.
			again := newIncident(f, "R1")
			again.TrackingNo = "other"
			again.Text = "different text"
			in2, created, err := q.InsertIncident(ctx, again)
			if err != nil || created || in2.ID != first.ID || in2.Text != first.Text {
				t.Fatalf("duplicate insert = %+v %v %v", in2, created, err)
			}
			// Another channel with the same reference is a new incident.
			other := newIncident(f, "R1")
			other.Channel, other.TrackingNo = fenliu.Channel12345, "T-12345-R1"
			_, created, err = q.InsertIncident(ctx, other)
			if err != nil || !created {
				t.Fatalf("other channel: created %v err %v", created, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Incident(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CallerPhone != "13800000000" || got.AreaID != f.grid.ID || *got.Lat != 22.81 || !got.ReceivedAt.Equal(t0) ||
			len(got.Attachments) != 1 || got.Attachments[0].URI != "rec://110/1" || got.Disposition != "" || got.DecidedAt != nil ||
			string(got.Triage) != `{"disposition":"divert"}` || got.Route != nil || got.CatalogVersion != "2026.11" || got.RepeatOf != 0 {
			t.Errorf("incident = %+v", got)
		}
		byNo, err := db.IncidentByTracking(ctx, "TR1")
		if err != nil || byNo.ID != first.ID {
			t.Errorf("by tracking = %+v %v", byNo, err)
		}
		_, err = db.Incident(ctx, 12345)
		wantCode(t, err, fenliu.ENotFound)

		decided := t0.Add(time.Minute)
		got.Disposition, got.Category, got.DecidedAt = fenliu.DispDivert, "noise.night_market", &decided
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UpdateDecision(ctx, got, 1) }); err != nil {
			t.Fatal(err)
		}
		// A writer that saw version 1 loses.
		err = db.Tx(ctx, func(q *store.Q) error { return q.UpdateDecision(ctx, got, 1) })
		wantCode(t, err, fenliu.EConflict)
		back, _ := db.Incident(ctx, first.ID)
		if back.Version != 2 || back.Disposition != fenliu.DispDivert || back.DecidedAt == nil || !back.DecidedAt.Equal(decided) {
			t.Errorf("after decision = %+v", back)
		}

		list, err := db.Incidents(ctx, fenliu.IncidentFilter{Phone: "13800000000"})
		if err != nil || len(list) != 2 || list[0].ID < list[1].ID {
			t.Fatalf("by phone = %d, %v", len(list), err)
		}
		list, _ = db.Incidents(ctx, fenliu.IncidentFilter{Disposition: fenliu.DispDivert})
		if len(list) != 1 {
			t.Errorf("by disposition = %d", len(list))
		}
		list, _ = db.Incidents(ctx, fenliu.IncidentFilter{Limit: 1})
		next, _ := db.Incidents(ctx, fenliu.IncidentFilter{Limit: 1, Before: list[0].ID})
		if len(list) != 1 || len(next) != 1 || next[0].ID >= list[0].ID {
			t.Errorf("paging: %v then %v", list, next)
		}
	})
}

func TestOrdersAndEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		var in *fenliu.Incident
		var lead, assist *fenliu.Order
		err := db.Tx(ctx, func(q *store.Q) error {
			var err error
			if in, _, err = q.InsertIncident(ctx, newIncident(f, "R2")); err != nil {
				return err
			}
			due := t0.Add(30 * time.Minute)
			lead = &fenliu.Order{IncidentID: in.ID, UnitID: f.um.ID, Role: fenliu.OrderLead, State: fenliu.StateDispatched, DispatchedAt: t0, UpdatedAt: t0, SignDue: &due}
			assist = &fenliu.Order{IncidentID: in.ID, UnitID: f.housing.ID, Role: fenliu.OrderAssist, State: fenliu.StateDispatched, DispatchedAt: t0.Add(time.Second), UpdatedAt: t0}
			if err := q.InsertOrder(ctx, lead); err != nil {
				return err
			}
			if err := q.InsertOrder(ctx, assist); err != nil {
				return err
			}
			for _, e := range []*fenliu.Event{
				{IncidentID: in.ID, At: t0, ActorID: f.taker.ID, Kind: fenliu.EvIntake, Note: "录入"},
				{IncidentID: in.ID, OrderID: lead.ID, At: t0, ActorID: f.taker.ID, Kind: fenliu.EventKind("dispatch"),
					ToState: fenliu.StateDispatched, Data: map[string]any{"unit_id": f.um.ID},
					Attachments: []fenliu.Attachment{{Kind: "photo", URI: "upload/1.jpg"}}},
			} {
				if err := q.InsertEvent(ctx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		signed := t0.Add(5 * time.Minute)
		lead.State, lead.SignedAt, lead.UpdatedAt = fenliu.StateSigned, &signed, signed
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UpdateOrder(ctx, lead, 1) }); err != nil {
			t.Fatal(err)
		}
		err = db.Tx(ctx, func(q *store.Q) error { return q.UpdateOrder(ctx, lead, 1) })
		wantCode(t, err, fenliu.EConflict)
		got, err := db.Order(ctx, lead.ID)
		if err != nil || got.State != fenliu.StateSigned || got.Version != 2 || !got.SignedAt.Equal(signed) || got.Solved != nil ||
			got.SignDue == nil || !got.SignDue.Equal(t0.Add(30*time.Minute)) || got.CloseDue != nil {
			t.Fatalf("order = %+v, %v", got, err)
		}
		yes := true
		got.Solved, got.Satisfaction, got.Returns, got.Reopens, got.Feedback = &yes, fenliu.Satisfied, 1, 2, "已处理"
		if err := db.Tx(ctx, func(q *store.Q) error { return q.UpdateOrder(ctx, got, 2) }); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Order(ctx, lead.ID)
		if got.Solved == nil || !*got.Solved || got.Satisfaction != fenliu.Satisfied || got.Returns != 1 || got.Reopens != 2 || got.Feedback != "已处理" {
			t.Errorf("order fields = %+v", got)
		}

		all, _ := db.OrdersOfIncident(ctx, in.ID)
		if len(all) != 2 || all[0].ID != lead.ID {
			t.Errorf("orders of incident = %v", all)
		}
		for _, tc := range []struct {
			f    fenliu.OrderFilter
			want int
		}{
			{fenliu.OrderFilter{}, 2},
			{fenliu.OrderFilter{UnitID: f.um.ID}, 1},
			{fenliu.OrderFilter{States: []fenliu.OrderState{fenliu.StateDispatched}}, 1},
			{fenliu.OrderFilter{States: []fenliu.OrderState{fenliu.StateDispatched, fenliu.StateSigned}}, 2},
			{fenliu.OrderFilter{From: t0.Add(time.Millisecond)}, 1},
			{fenliu.OrderFilter{To: t0.Add(time.Millisecond)}, 1},
			{fenliu.OrderFilter{Before: assist.ID}, 1},
			{fenliu.OrderFilter{Limit: 1}, 1},
		} {
			list, err := db.Orders(ctx, tc.f)
			if err != nil || len(list) != tc.want {
				t.Errorf("Orders(%+v) = %d, %v; want %d", tc.f, len(list), err, tc.want)
			}
		}
		units, _ := db.Incidents(ctx, fenliu.IncidentFilter{UnitID: f.housing.ID})
		if len(units) != 1 {
			t.Errorf("incidents of unit = %d", len(units))
		}

		evs, err := db.Events(ctx, in.ID)
		if err != nil || len(evs) != 2 {
			t.Fatalf("events = %v, %v", evs, err)
		}
		if e := evs[1]; e.OrderID != lead.ID || e.ToState != fenliu.StateDispatched || len(e.Attachments) != 1 || e.Data["unit_id"] == nil {
			t.Errorf("event = %+v", e)
		}
		if evs[0].Data != nil || evs[0].OrderID != 0 {
			t.Errorf("event 0 = %+v", evs[0])
		}
	})
}

// TestEventsAreImmutable checks the schema itself refuses to change the record.
func TestEventsAreImmutable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := setup(t, db)
		err := db.Tx(ctx, func(q *store.Q) error {
			in, _, err := q.InsertIncident(ctx, newIncident(f, "R3"))
			if err != nil {
				return err
			}
			return q.InsertEvent(ctx, &fenliu.Event{IncidentID: in.ID, At: t0, ActorID: f.taker.ID, Kind: fenliu.EvIntake})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{"UPDATE events SET note = 'x'", "DELETE FROM events"} {
			if err := store.ExecRaw(ctx, db, stmt); err == nil {
				t.Errorf("%s succeeded", stmt)
			}
		}
	})
}

func TestOpenBadPath(t *testing.T) {
	_, err := store.Open(context.Background(), "")
	if err == nil || errors.Is(err, context.Canceled) {
		t.Fatal("empty path accepted")
	}
	if !store.IsPostgres("postgres://x@y/z") || store.IsPostgres("/var/lib/fenliu/fenliu.db") {
		t.Error("IsPostgres")
	}
}
