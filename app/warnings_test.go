package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestClassWarningEpisode: a run of garbage calls in one street, against a
// quiet baseline, raises one warning slip — to the street office, to the
// district's urban-management squad and to the leaders, with the evidence —
// and no second while the run lasts; when it passes, the episode ends. The
// street office's staff see the slip among their notices and the warning in
// the list; another street's office sees neither.
func TestClassWarningEpisode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Hour)
		a := app.New(db, app.Options{Now: func() time.Time { return now }, Triage: classifier(func(string) fenliu.Triage {
			return fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.garbage",
				Units: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTSubdistrict}}
		})})
		if _, err := demo.Load(ctx, a, now, 0, 1); err != nil {
			t.Fatal(err)
		}
		taker := &fenliu.User{Username: "t", DisplayName: "t", Role: fenliu.RoleCallTaker}
		if err := a.Bootstrap(ctx, taker, ""); err != nil {
			t.Fatal(err)
		}
		areas, _ := db.Areas(ctx)
		units, _ := db.Units(ctx)
		code := map[string]int64{}
		for _, ar := range areas {
			code[ar.Code] = ar.ID
		}
		unit := map[string]int64{}
		for _, u := range units {
			unit[u.Code] = u.ID
		}
		var grid *fenliu.Area
		for _, ar := range areas {
			if ar.Code == "JN-S1-G3" {
				grid = ar
			}
		}
		call := func(at time.Time) {
			t.Helper()
			if _, _, err := a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "小区里垃圾三天没人清了", ReceivedAt: &at, Lat: grid.Lat, Lng: grid.Lng}); err != nil {
				t.Fatal(err)
			}
		}
		// The baseline: one such call a week in the same hours, for 8 weeks.
		for k := 1; k <= 8; k++ {
			call(now.Add(-time.Duration(k)*7*24*time.Hour - 30*time.Hour))
		}
		res, err := a.DetectWarnings(ctx, now)
		if err != nil || len(res.Opened) != 0 {
			t.Fatalf("quiet street warned: %+v, %v", res, err)
		}
		// The run: 10 calls in the last 72 hours.
		for i := 0; i < 10; i++ {
			call(now.Add(-time.Duration(2+i*6) * time.Hour))
		}
		res, err = a.DetectWarnings(ctx, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Opened) != 1 {
			t.Fatalf("%d warnings opened, want 1", len(res.Opened))
		}
		w := res.Opened[0]
		if w.AreaID != code["JN-S1"] || w.StreetUnitID != unit["JN-S1-OFFICE"] || w.LeadUnitID != unit["JN-urban_management"] || w.Count != 10 || len(w.Evidence.Incidents) != 10 {
			t.Errorf("warning %+v", w)
		}
		// Checked again while the run lasts: no second slip.
		for _, later := range []time.Duration{15 * time.Minute, 6 * time.Hour} {
			if res, err = a.DetectWarnings(ctx, now.Add(later)); err != nil || len(res.Opened) != 0 || res.Ended != 0 {
				t.Fatalf("%v later: %+v, %v", later, res, err)
			}
		}
		// Who sees it.
		person := func(name string, role fenliu.Role, unitID int64) *fenliu.User {
			u := &fenliu.User{Username: name, DisplayName: name, Role: role, UnitID: unitID}
			if err := a.Bootstrap(ctx, u, ""); err != nil {
				t.Fatal(err)
			}
			return u
		}
		office := person("office", fenliu.RoleUnitStaff, unit["JN-S1-OFFICE"])
		other := person("other", fenliu.RoleUnitStaff, unit["JN-S2-OFFICE"])
		leader := person("boss", fenliu.RoleLeader, 0)
		slips := func(u *fenliu.User, f fenliu.NoticeFilter) int {
			ns, err := a.Notices(ctx, u, f)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if x.Kind == fenliu.NoticeClassWarning && strings.Contains(x.Text, "一类事预警单") {
					n++
				}
			}
			return n
		}
		if n := slips(office, fenliu.NoticeFilter{}); n != 1 {
			t.Errorf("the street office has %d warning slips, want 1", n)
		}
		if n := slips(other, fenliu.NoticeFilter{}); n != 0 {
			t.Errorf("another street's office has %d warning slips", n)
		}
		if n := slips(leader, fenliu.NoticeFilter{ToRole: fenliu.RoleLeader}); n != 1 {
			t.Errorf("the leaders have %d warning slips, want 1", n)
		}
		if ws, err := a.Warnings(ctx, office, time.Time{}, time.Time{}, 0); err != nil || len(ws) != 1 || ws[0].StreetUnit != "江南街道办事处" {
			t.Errorf("the office's warnings: %+v, %v", ws, err)
		}
		if ws, err := a.Warnings(ctx, other, time.Time{}, time.Time{}, 0); err != nil || len(ws) != 0 {
			t.Errorf("another office's warnings: %+v, %v", ws, err)
		}
		if _, err := a.Warning(ctx, other, w.ID); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("another office reads the warning: %v", err)
		}
		// The run passes: three days on, the episode ends; a new run later
		// is a new episode.
		if res, err = a.DetectWarnings(ctx, now.Add(4*24*time.Hour)); err != nil || res.Ended != 1 {
			t.Fatalf("after the run: %+v, %v", res, err)
		}
		ended, _ := a.Warning(ctx, leader, w.ID)
		if ended.EndedAt == nil || ended.Peak < 10 {
			t.Errorf("ended warning %+v", ended.ClassWarning)
		}

		// The leader opens a scenario from the warning: the street's police
		// station owns it, the squad and the office work with it.
		sc, err := a.OpenScenario(ctx, leader, app.ScenarioInput{Title: "江南街道小区垃圾清运", WarningID: w.ID, Note: "由预警单开设"})
		if err != nil {
			t.Fatal(err)
		}
		if sc.OwnerUnitID != unit["JN-S1-PS"] || len(sc.CoUnitIDs) != 2 || sc.AreaID != code["JN-S1"] || sc.Categories[0] != "city_appearance.garbage" {
			t.Errorf("scenario %+v", sc)
		}
		squad := person("squad", fenliu.RoleUnitStaff, unit["JN-urban_management"])
		m := &fenliu.Measure{Text: "每日两次清运并公示清运时间", UnitID: unit["JN-urban_management"], DueAt: now.Add(7 * 24 * time.Hour)}
		if err := a.AddMeasure(ctx, squad, sc.ID, m); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("unit staff added a measure: %v", err)
		}
		if err := a.AddMeasure(ctx, leader, sc.ID, m); err != nil {
			t.Fatal(err)
		}
		// The squad sees the scenario and reports the measure done.
		if v, err := a.Scenario(ctx, squad, sc.ID); err != nil || len(v.Measures) != 1 {
			t.Fatalf("the squad's view: %+v, %v", v, err)
		}
		if err := a.ReportProgress(ctx, other, sc.ID, m.ID, "不是我们的", false); err == nil {
			t.Error("another office reported progress")
		}
		if err := a.ReportProgress(ctx, squad, sc.ID, m.ID, "已增设两个清运班次", true); err != nil {
			t.Fatal(err)
		}
		// Too early to close.
		if err := a.CloseScenario(ctx, leader, sc.ID, ""); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Errorf("closed at once: %v", err)
		}
		// A month on with no such calls: the rate has stayed down.
		now = now.Add(30 * 24 * time.Hour)
		v, err := a.Scenario(ctx, leader, sc.ID)
		if err != nil || !v.CanClose || v.BeforeRate <= 0 || v.SinceRate != 0 || len(v.Weeks) < 8 {
			t.Fatalf("a month on: %+v, %v", v, err)
		}
		if err := a.CloseScenario(ctx, leader, sc.ID, "连续四周无同类诉求"); err != nil {
			t.Fatal(err)
		}
		v, _ = a.Scenario(ctx, leader, sc.ID)
		var kinds []string
		for _, e := range v.History {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, ",") != "opened,measure,done,closed" || v.ClosedAt == nil {
			t.Errorf("history %v, closed %v", kinds, v.ClosedAt)
		}
		if err := a.CloseScenario(ctx, leader, sc.ID, ""); fenliu.ErrorCode(err) != fenliu.EConflict {
			t.Errorf("closed twice: %v", err)
		}
	})
}
