package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

func TestReportAndDrillDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, _, _ := supWorld(t, db)
		t0 := w.clock
		staff := w.staff[0]
		yes := true
		// Three orders: signed on time and closed; signed late; never signed.
		_, o1 := w.divertNoise(t)
		_, o2 := w.divertNoise(t)
		w.divertNoise(t)
		w.clock = t0.Add(10 * time.Minute)
		w.a.Act(ctx, staff, o1.ID, fenliu.ActSign, fenliu.ActionInput{})
		w.a.Act(ctx, staff, o1.ID, fenliu.ActFeedback, fenliu.ActionInput{Note: "已处理"})
		w.a.Act(ctx, w.taker, o1.ID, fenliu.ActVerify, fenliu.ActionInput{})
		cb := &fenliu.User{ID: 1, Role: fenliu.RoleCallback}
		if _, err := w.a.Act(ctx, cb, o1.ID, fenliu.ActCallback, fenliu.ActionInput{Solved: &yes, Satisfaction: fenliu.Satisfied}); err != nil {
			t.Fatal(err)
		}
		w.clock = t0.Add(45 * time.Minute)
		w.a.Act(ctx, staff, o2.ID, fenliu.ActSign, fenliu.ActionInput{})
		leader := &fenliu.User{ID: 1, Role: fenliu.RoleLeader}
		q := app.ReportQuery{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), AsOf: t0.Add(48 * time.Hour), GroupBy: app.ByUnit}
		rep, err := w.a.Report(ctx, leader, q)
		if err != nil {
			t.Fatal(err)
		}
		r := rep.Total.Rates
		if r.SignFor.Num != 1 || r.SignFor.Den != 3 || r.SignForAny.Num != 2 || r.Completion.Num != 1 || r.Completion.Den != 3 || r.Satisfaction.Num != 1 {
			t.Fatalf("total: sign %+v any %+v completion %+v satisfaction %+v", r.SignFor, r.SignForAny, r.Completion, r.Satisfaction)
		}
		if len(rep.Rows) != 1 || rep.Rows[0].Name != w.unit.Name || rep.Rows[0].Score == nil {
			t.Fatalf("rows: %+v", rep.Rows)
		}
		if rep.Total.Counts.Incidents != 3 || rep.Total.Rates.Diversion.Value == nil {
			t.Errorf("incident counts: %+v", rep.Total.Counts)
		}
		// The orders behind "signed on time": order 1 only; behind the denominator: all three.
		num, err := w.a.DrillDown(ctx, leader, q, "sign_for", "num", rep.Rows[0].Key, 100)
		if err != nil || len(num) != 1 || num[0].ID != o1.ID {
			t.Fatalf("drill-down num: %v %v", num, err)
		}
		den, _ := w.a.DrillDown(ctx, leader, q, "sign_for", "den", rep.Rows[0].Key, 100)
		if len(den) != 3 {
			t.Fatalf("drill-down den: %d", len(den))
		}
		// A unit sees only its own orders; by day groups in order.
		other := &fenliu.User{ID: 9, Role: fenliu.RoleUnitStaff, UnitID: 424242}
		mine, _ := w.a.Report(ctx, other, q)
		if mine.Total.Counts.Dispatched != 0 {
			t.Errorf("another unit sees %d orders", mine.Total.Counts.Dispatched)
		}
		days, _ := w.a.Report(ctx, leader, app.ReportQuery{From: t0.Add(-time.Hour), To: t0.Add(time.Hour), GroupBy: app.ByDay})
		if len(days.Rows) != 1 || days.Rows[0].Key != t0.Format("2006-01-02") {
			t.Errorf("by day: %+v", days.Rows)
		}
		if _, err := w.a.DrillDown(ctx, leader, q, "nonsense", "num", "", 10); fenliu.ErrorCode(err) != fenliu.EInvalid {
			t.Errorf("unknown rate: %v", err)
		}
	})
}
