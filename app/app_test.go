package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// world is a minimal city on a database: a call-taker, a desk, a unit with
// staff, an order waiting to be signed for.
type world struct {
	a      *app.App
	db     *store.DB
	opts   app.Options
	taker  *fenliu.User
	staff  []*fenliu.User
	unit   *fenliu.Unit
	clock  time.Time
	orders []*fenliu.Order
}

func newWorld(t testing.TB, db *store.DB, staffN int) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, clock: time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)}
	w.opts = app.Options{Now: func() time.Time { return w.clock }}
	w.a = app.New(db, w.opts)
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := w.a.Bootstrap(ctx, admin, ""); err != nil {
		t.Fatal(err)
	}
	w.unit = &fenliu.Unit{Code: "UM", Name: "城管", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	if err := w.a.CreateUnit(ctx, admin, w.unit); err != nil {
		t.Fatal(err)
	}
	w.taker = &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker}
	if err := w.a.CreateUser(ctx, admin, w.taker, ""); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < staffN; i++ {
		s := &fenliu.User{Username: fmt.Sprintf("staff%d", i), DisplayName: "值班员", Role: fenliu.RoleUnitStaff, UnitID: w.unit.ID}
		if err := w.a.CreateUser(ctx, admin, s, ""); err != nil {
			t.Fatal(err)
		}
		w.staff = append(w.staff, s)
	}
	return w
}

// with rebuilds the world's App with changed options (the database, and
// so the city, stay as they are), as a server restarted with them would be.
func (w *world) with(change func(o *app.Options)) {
	change(&w.opts)
	w.a = app.New(w.db, w.opts)
}

// classifier makes a function the world's triage engine.
func classifier(f func(string) fenliu.Triage) func(*catalog.Catalog) (app.Classifier, error) {
	return func(*catalog.Catalog) (app.Classifier, error) { return app.ClassifierFunc(f), nil }
}

func (w *world) divert(t testing.TB, text string) (*fenliu.Incident, *fenliu.Order) {
	t.Helper()
	ctx := context.Background()
	inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
		t.Fatal(err)
	}
	orders, err := w.a.Dispatch(ctx, w.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.unit.ID, Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	return inc, orders[0]
}

// TestConcurrentSign: many people sign the same order at once, each with the
// version they saw; exactly one wins and every other gets a conflict.
func TestConcurrentSign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 24
		w := newWorld(t, db, n)
		inc, o := w.divert(t, "夜市噪音扰民")
		var (
			wg                   sync.WaitGroup
			mu                   sync.Mutex
			wins, conflicts, bad int
		)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(u *fenliu.User) {
				defer wg.Done()
				<-start
				_, err := w.a.Act(context.Background(), u, o.ID, fenliu.ActSign, fenliu.ActionInput{Version: o.Version})
				mu.Lock()
				defer mu.Unlock()
				switch fenliu.ErrorCode(err) {
				case fenliu.EInternal:
					if err == nil {
						wins++
					} else {
						bad++
						t.Errorf("unexpected error: %v", err)
					}
				case fenliu.EConflict:
					conflicts++
				default:
					bad++
					t.Errorf("unexpected error: %v", err)
				}
			}(w.staff[i])
		}
		close(start)
		wg.Wait()
		if wins != 1 || conflicts != n-1 {
			t.Fatalf("%d wins, %d conflicts, %d other; want 1 and %d", wins, conflicts, bad, n-1)
		}
		// Exactly one sign event is on record.
		evs, err := db.Events(context.Background(), inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		signs := 0
		for _, e := range evs {
			if e.Kind == fenliu.EventKind(fenliu.ActSign) {
				signs++
			}
		}
		got, _ := db.Order(context.Background(), o.ID)
		if signs != 1 || got.State != fenliu.StateSigned || got.Version != o.Version+1 {
			t.Fatalf("%d sign events, order %+v", signs, got)
		}
	})
}

// TestConcurrentSignWithoutVersion: without a version the state machine
// still lets only one through; the others are told the order is signed.
func TestConcurrentSignWithoutVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const n = 16
		w := newWorld(t, db, n)
		_, o := w.divert(t, "占道经营")
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = w.a.Act(context.Background(), w.staff[i], o.ID, fenliu.ActSign, fenliu.ActionInput{})
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch fenliu.ErrorCode(err) {
			case fenliu.EInternal:
				if err != nil {
					t.Fatalf("internal error: %v", err)
				}
				ok++
			case fenliu.EInvalidTransition, fenliu.EConflict:
			default:
				t.Fatalf("unexpected: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d signs succeeded", ok)
		}
	})
}

func TestDecisionHistoryAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, 1)
		inc, _, err := w.a.Intake(ctx, w.taker, fenliu.IncidentInput{Channel: fenliu.Channel12345, ChannelRef: "12345-1", Text: "想问遗产继承的手续"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispRedirect, Hotline: "12348"}); err != nil {
			t.Fatal(err)
		}
		// A redirected incident gets no work orders.
		_, err = w.a.Dispatch(ctx, w.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.unit.ID, Role: fenliu.OrderLead}}})
		if fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Fatalf("dispatch of redirect: %v", err)
		}
		// A stale version loses.
		_, err = w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Reason: "需要上门", Version: 1})
		if fenliu.ErrorCode(err) != fenliu.EConflict {
			t.Fatalf("stale decision: %v", err)
		}
		w.clock = w.clock.Add(time.Minute)
		if _, err := w.a.Decide(ctx, w.taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Reason: "需要上门", Version: 2}); err != nil {
			t.Fatal(err)
		}
		evs, _ := db.Events(ctx, inc.ID)
		if len(evs) != 3 || evs[2].Kind != fenliu.EvDecide || evs[2].Data["previous"] != "redirect" || evs[2].Note != "需要上门" {
			t.Fatalf("events = %+v", evs)
		}
		// Unit staff may not record decisions; leaders may not record incidents.
		if _, err := w.a.Decide(ctx, w.staff[0], inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispPolice, Reason: "x"}); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("staff decision: %v", err)
		}
		if _, _, err := w.a.Intake(ctx, &fenliu.User{ID: 1, Role: fenliu.RoleLeader}, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "x"}); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("leader intake: %v", err)
		}
		// A second open lead for the same incident is refused.
		_, err = w.a.Dispatch(ctx, w.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.unit.ID, Role: fenliu.OrderLead}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.a.Dispatch(ctx, w.taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.unit.ID, Role: fenliu.OrderAssist}}})
		if fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Errorf("same unit twice: %v", err)
		}
	})
}

func TestPasswords(t *testing.T) {
	h := app.HashPassword("正确的密码")
	if !app.CheckPassword(h, "正确的密码") || app.CheckPassword(h, "wrong") || app.CheckPassword("garbage", "x") {
		t.Fatal("password check")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := app.New(db, app.Options{})
		ctx := context.Background()
		u := &fenliu.User{Username: "li", DisplayName: "李", Role: fenliu.RoleCallTaker}
		if err := a.Bootstrap(ctx, u, "s3cret-密码"); err != nil {
			t.Fatal(err)
		}
		if got, err := a.Login(ctx, "li", "s3cret-密码"); err != nil || got.ID != u.ID {
			t.Fatalf("login: %v", err)
		}
		for _, bad := range [][2]string{{"li", "wrong"}, {"nobody", "x"}} {
			if _, err := a.Login(ctx, bad[0], bad[1]); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
				t.Errorf("login %v: %v", bad, err)
			}
		}
	})
}
