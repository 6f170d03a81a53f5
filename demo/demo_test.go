package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestDemoCity: the demo makes a living city — every role, 30+ units of
// many types, and orders in every state — and only into an empty database.
func TestDemoCity(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	a := app.New(db, app.Options{})
	sum, err := Load(ctx, a, time.Now().UTC(), 300, 7)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Units < 30 || sum.Areas != 39 || sum.Incidents != 300 || sum.Orders < 200 {
		t.Fatalf("summary %+v", sum)
	}
	roles := map[fenliu.Role]bool{}
	for _, acc := range sum.Accounts {
		roles[acc.Role] = true
		if acc.Token == "" {
			t.Errorf("%s has no token", acc.Username)
		}
	}
	for _, r := range fenliu.Roles {
		if !roles[r] {
			t.Errorf("no demo account with role %s", r)
		}
	}
	units, _ := db.Units(ctx)
	types := map[fenliu.UnitType]bool{}
	for _, u := range units {
		types[u.Type] = true
	}
	if len(types) < 20 {
		t.Errorf("only %d unit types", len(types))
	}
	counts, err := db.StateCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range fenliu.OrderStates {
		if counts[st] == 0 {
			t.Errorf("no demo order in state %s (%v)", st, counts)
		}
	}
	// Alive on the day it is loaded: nothing happened after now, no open
	// order is more than a few days past its limits, police orders exist.
	now := time.Now()
	orders, _ := a.Orders(ctx, sum0(a), fenliu.OrderFilter{Limit: fenliu.MaxPage})
	police := 0
	for _, o := range orders {
		if o.UpdatedAt.After(now.Add(time.Minute)) {
			t.Errorf("order %d changed in the future: %v", o.ID, o.UpdatedAt)
		}
		if _, due := fenliu.Watch(o); due != nil && due.Before(now.Add(-4*24*time.Hour)) {
			t.Errorf("order %d (%s) is weeks overdue: due %v", o.ID, o.State, due)
		}
		for _, u := range units {
			if u.ID == o.UnitID && u.Type == fenliu.UTPolice {
				police++
			}
		}
	}
	if police == 0 {
		t.Error("no police orders: police matters end nowhere")
	}
	if _, err := Load(ctx, a, time.Now(), 10, 1); err == nil {
		t.Error("loaded twice into the same database")
	}
	waiting, _ := db.IncidentsWaiting(ctx, false, 100)
	if len(waiting) == 0 {
		t.Error("no undecided incidents for the desk")
	}
}

// sum0 is an admin to read the demo with.
func sum0(a *app.App) *fenliu.User { return &fenliu.User{ID: 1, Role: fenliu.RoleAdmin} }
