package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

const limitsCatalog = `version: "t"
groups:
  - code: city
    name_zh: 市容
    name_en: City
    categories:
      - code: city.noise
        name_zh: 噪音
        name_en: Noise
        disposition: divert
        units: [urban_management]
        urgency: urgent
        limits: {sign: 30m, arrive: 1h, feedback: 4h, close: 1d}
        keywords: [吵]
`

// supWorld is a world with a parent unit above the unit, and the clock.
func supWorld(t *testing.T, db *store.DB) (*world, *fenliu.Unit, *[]*fenliu.Notice) {
	t.Helper()
	w := newWorld(t, db, 1)
	var mu sync.Mutex
	sent := &[]*fenliu.Notice{}
	w.with(func(o *app.Options) {
		o.OnNotice = func(n *fenliu.Notice) { mu.Lock(); *sent = append(*sent, n); mu.Unlock() }
	})
	cat, err := catalog.Parse([]byte(limitsCatalog))
	if err != nil {
		t.Fatal(err)
	}
	w.a.SetCatalog(cat)
	ctx := context.Background()
	admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
	parent := &fenliu.Unit{Code: "UM-CITY", Name: "市城管局", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	if err := w.a.CreateUnit(ctx, admin, parent); err != nil {
		t.Fatal(err)
	}
	// Re-parent the unit under the city bureau (a direct write: units have no update use case yet).
	child := &fenliu.Unit{Code: "UM-JN", Name: "江南区城管", Type: fenliu.UTUrbanManagement, ParentID: parent.ID}
	if err := w.a.CreateUnit(ctx, admin, child); err != nil {
		t.Fatal(err)
	}
	w.unit = child
	staff := &fenliu.User{Username: "jn", DisplayName: "江南值班", Role: fenliu.RoleUnitStaff, UnitID: child.ID}
	if err := w.a.CreateUser(ctx, admin, staff, ""); err != nil {
		t.Fatal(err)
	}
	w.staff = []*fenliu.User{staff}
	return w, parent, sent
}

func (w *world) divertNoise(t *testing.T) (*fenliu.Incident, *fenliu.Order) {
	t.Helper()
	ctx := context.Background()
	inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "楼下太吵"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city.noise"}); err != nil {
		t.Fatal(err)
	}
	orders, err := w.a.Dispatch(ctx, w.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.unit.ID, Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	return inc, orders[0]
}

func kinds(ns []*fenliu.Notice) map[fenliu.NoticeKind]int {
	m := map[fenliu.NoticeKind]int{}
	for _, n := range ns {
		m[n.Kind]++
	}
	return m
}

func TestTimersWarnOverdueEscalate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, parent, sent := supWorld(t, db)
		t0 := w.clock
		_, o := w.divertNoise(t)
		if o.SignDue == nil || !o.SignDue.Equal(t0.Add(30*time.Minute)) || !o.CloseDue.Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("deadlines: %+v", o)
		}
		fire := func(at time.Duration) int {
			t.Helper()
			w.clock = t0.Add(at)
			n, err := w.a.FireDue(ctx, w.clock)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := fire(20 * time.Minute); n != 0 {
			t.Fatalf("%d timers fired before the warning", n)
		}
		// 80 % of the 30-minute sign limit: a warning to the unit.
		fire(24 * time.Minute)
		if k := kinds(*sent); k[fenliu.NoticeWarning] != 1 || len(*sent) != 1 || (*sent)[0].UnitID != w.unit.ID {
			t.Fatalf("after warning: %v", *sent)
		}
		// The limit: an overdue mark and one supervision notice (督办单), to
		// the unit (issue 10: it was doubled to the unit and its parent).
		fire(31 * time.Minute)
		k := kinds(*sent)
		if k[fenliu.NoticeOverdue] != 1 || k[fenliu.NoticeSupervision] != 1 {
			t.Fatalf("after overdue: %v", k)
		}
		sup, _ := db.Notices(ctx, fenliu.NoticeFilter{UnitID: w.unit.ID})
		if len(sup) != 3 || sup[0].Kind != fenliu.NoticeSupervision || sup[0].DueAt == nil || sup[0].Stage != fenliu.StageSign {
			t.Fatalf("the unit's notices: %+v", sup)
		}
		if ps, _ := db.Notices(ctx, fenliu.NoticeFilter{UnitID: parent.ID}); len(ps) != 0 {
			t.Fatalf("the parent got notices before the escalation: %+v", ps)
		}
		// Still not signed when the overdue time has passed again: escalated
		// to the parent, which from now on sees and may act on the order.
		fire(61 * time.Minute)
		got, _ := db.Order(ctx, o.ID)
		if !got.Escalated || got.EscalatedTo != parent.ID || kinds(*sent)[fenliu.NoticeEscalation] != 1 {
			t.Fatalf("not escalated: %+v %v", got, kinds(*sent))
		}
		if ps, _ := db.Notices(ctx, fenliu.NoticeFilter{UnitID: parent.ID}); len(ps) != 1 || ps[0].Kind != fenliu.NoticeEscalation {
			t.Fatalf("the parent's notices: %+v", ps)
		}
		// Firing again at a later time does nothing twice.
		before := len(*sent)
		fire(62 * time.Minute)
		if len(*sent) != before {
			t.Fatalf("fired again: %v", (*sent)[before:])
		}
		// The unit signs: sign timers are gone, feedback timers armed; signing
		// after the feedback warning time fires only what is due.
		if _, err := w.a.Act(ctx, w.staff[0], o.ID, fenliu.ActSign, fenliu.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		before = len(*sent)
		fire(3*time.Hour + 13*time.Minute) // 80 % of 4 h is 3 h 12 m
		if k := kinds((*sent)[before:]); k[fenliu.NoticeWarning] != 1 || len((*sent)[before:]) != 1 {
			t.Fatalf("feedback warning: %v", (*sent)[before:])
		}
		// The record holds the timers' events.
		evs, _ := db.Events(ctx, o.IncidentID)
		seen := map[fenliu.EventKind]bool{}
		for _, e := range evs {
			seen[e.Kind] = true
		}
		for _, want := range []fenliu.EventKind{"warn_sign", "over_sign", "escalation", "warn_feedback"} {
			if !seen[want] {
				t.Errorf("no %s event in the record", want)
			}
		}
	})
}

// TestTimersExactlyOnceAcrossRestart: a timer due while the server was down
// fires once when it comes back, and two servers ticking at once on the same
// database fire each timer once.
func TestTimersExactlyOnceAcrossRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, _, sent := supWorld(t, db)
		t0 := w.clock
		for i := 0; i < 5; i++ {
			w.divertNoise(t)
		}
		// "Restart": two fresh App values over the same database, as two
		// server processes would be, both ticking at the same instant.
		var mu sync.Mutex
		total := 0
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			srv := app.New(db, w.opts)
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := srv.FireDue(ctx, t0.Add(31*time.Minute))
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		// 5 orders × (warn_sign + over_sign) are due at 31 min.
		if total != 10 {
			t.Fatalf("%d timers fired, want 10", total)
		}
		k := kinds(*sent)
		if k[fenliu.NoticeWarning] != 5 || k[fenliu.NoticeOverdue] != 5 || k[fenliu.NoticeSupervision] != 5 { // one 督办单 each (issue 10)
			t.Fatalf("notices: %v", k)
		}
		// A third start later fires nothing already fired.
		again, err := app.New(db, app.Options{}).FireDue(ctx, t0.Add(31*time.Minute))
		if err != nil || again != 0 {
			t.Fatalf("refired %d, %v", again, err)
		}
	})
}

func TestEscalationByHistoryAndManualNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, parent, sent := supWorld(t, db)
		_, o := w.divertNoise(t)
		staff, desk := w.staff[0], w.taker
		// Returned, re-routed back and forth: the third unit escalates.
		other := &fenliu.Unit{Code: "HS", Name: "住建", Type: fenliu.UTHousing}
		if err := w.a.CreateUnit(ctx, &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}, other); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Act(ctx, staff, o.ID, fenliu.ActReturn, fenliu.ActionInput{Note: "不是我们的"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Act(ctx, desk, o.ID, fenliu.ActReroute, fenliu.ActionInput{Note: "改派", UnitID: other.ID}); err != nil {
			t.Fatal(err)
		}
		second, _ := db.Orders(ctx, fenliu.OrderFilter{UnitID: other.ID})
		admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
		if _, err := w.a.Act(ctx, admin, second[0].ID, fenliu.ActReturn, fenliu.ActionInput{Note: "也不是"}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Act(ctx, desk, second[0].ID, fenliu.ActReroute, fenliu.ActionInput{Note: "再改派", UnitID: parent.ID}); err != nil {
			t.Fatal(err)
		}
		third, _ := db.Orders(ctx, fenliu.OrderFilter{UnitID: parent.ID})
		if len(third) != 1 || !third[0].Escalated || kinds(*sent)[fenliu.NoticeEscalation] != 1 {
			t.Fatalf("third unit not escalated: %+v %v", third, kinds(*sent))
		}
		// A manual supervision notice needs a reply; the unit replies once.
		sup := &fenliu.User{ID: 1, Role: fenliu.RoleSupervisor}
		n, err := w.a.SendNotice(ctx, sup, third[0].ID, fenliu.NoticeRectification, "请于明日前整改并书面回复", w.clock.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		open, _ := w.a.Notices(ctx, sup, fenliu.NoticeFilter{Open: true})
		if len(open) != 1 || open[0].ID != n.ID {
			t.Fatalf("open notices: %v", open)
		}
		if err := w.a.ReplyNotice(ctx, staff, n.ID, "已整改"); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("another unit replied: %v", err)
		}
		if err := w.a.ReplyNotice(ctx, admin, n.ID, "已整改完毕"); err != nil {
			t.Fatal(err)
		}
		if err := w.a.ReplyNotice(ctx, admin, n.ID, "again"); fenliu.ErrorCode(err) != fenliu.EConflict {
			t.Errorf("second reply: %v", err)
		}
		if _, err := w.a.SendNotice(ctx, staff, third[0].ID, fenliu.NoticeSupervision, "x", w.clock.Add(time.Hour)); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("unit staff sent a notice: %v", err)
		}
	})
}

// TestWorkingTimeAndOverrides: a category counted in working time gets
// deadlines inside working hours; a unit type's override replaces the
// category's limits.
func TestWorkingTimeAndOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, _, _ := supWorld(t, db)
		cat, err := catalog.Parse([]byte(strings.Replace(limitsCatalog, "keywords: [吵]", "keywords: [吵]\n        working_time: true", 1)))
		if err != nil {
			t.Fatal(err)
		}
		w.a.SetCatalog(cat)
		admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
		cst := time.FixedZone("CST", 8*3600)
		if err := w.a.SetCalendar(ctx, admin, &fenliu.Calendar{DayStart: 9 * time.Hour, DayEnd: 17 * time.Hour, Holidays: []string{"2026-11-24"}}); err != nil {
			t.Fatal(err)
		}
		// Monday 23 Nov 2026, 16:00 in the city; 24 Nov is a holiday.
		w.clock = time.Date(2026, 11, 23, 16, 0, 0, 0, cst).UTC()
		_, o := w.divertNoise(t)
		// Sign 30m: 16:30 the same day. Feedback 4h: 1h today + 3h on the 25th → 12:00.
		if !o.SignDue.Equal(time.Date(2026, 11, 23, 16, 30, 0, 0, cst)) || !o.FeedbackDue.Equal(time.Date(2026, 11, 25, 12, 0, 0, 0, cst)) {
			t.Fatalf("working-time deadlines: sign %v feedback %v", o.SignDue.In(cst), o.FeedbackDue.In(cst))
		}
		two := fenliu.Limits{Sign: fenliu.Duration(10 * time.Minute), Feedback: fenliu.Duration(time.Hour), Close: fenliu.Duration(2 * time.Hour)}
		if err := w.a.SetLimitOverride(ctx, admin, fenliu.UTUrbanManagement, &two); err != nil {
			t.Fatal(err)
		}
		_, o2 := w.divertNoise(t)
		if !o2.SignDue.Equal(time.Date(2026, 11, 23, 16, 10, 0, 0, cst)) || o2.ArriveDue != nil {
			t.Fatalf("override: sign %v arrive %v", o2.SignDue.In(cst), o2.ArriveDue)
		}
		if err := w.a.SetCalendar(ctx, admin, &fenliu.Calendar{DayStart: 17 * time.Hour, DayEnd: 9 * time.Hour}); fenliu.ErrorCode(err) != fenliu.EInvalid {
			t.Errorf("backwards hours: %v", err)
		}
	})
}
