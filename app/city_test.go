package app_test

import (
	"context"
	"fmt"
	"sort"
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

// cityWorld is a small city with the default catalogue: a district with a
// street and a grid; a police branch for the district, a police station
// for the street under it, the city's command centre; 119, 120, 122;
// urban management; a psychological crisis team; the 12345 desk. Every
// unit has a staff account; there is a call-taker, a desk operator,
// callback staff and a supervisor. The engine answers by the call's text.
type cityWorld struct {
	t      *testing.T
	db     *store.DB
	a      *app.App
	opts   app.Options
	clock  time.Time
	grid   int64
	units  map[string]*fenliu.Unit
	staff  map[string]*fenliu.User
	role   map[fenliu.Role]*fenliu.User
	admin  *fenliu.User
	mu     sync.Mutex
	sent   []*fenliu.Notice
	answer map[string]fenliu.Triage
}

func newCityWorld(t *testing.T, db *store.DB) *cityWorld {
	t.Helper()
	ctx := context.Background()
	w := &cityWorld{t: t, db: db, clock: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC), units: map[string]*fenliu.Unit{},
		staff: map[string]*fenliu.User{}, role: map[fenliu.Role]*fenliu.User{}, answer: map[string]fenliu.Triage{}}
	w.opts = app.Options{Now: func() time.Time { return w.clock },
		OnNotice: func(n *fenliu.Notice) { w.mu.Lock(); w.sent = append(w.sent, n); w.mu.Unlock() },
		Triage:   classifier(func(text string) fenliu.Triage { return w.answer[text] })}
	w.a = app.New(db, w.opts)
	w.admin = &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	must(t, w.a.Bootstrap(ctx, w.admin, ""))
	d := &fenliu.Area{Code: "D", Name: "江南区", Level: fenliu.AreaDistrict}
	must(t, w.a.CreateArea(ctx, w.admin, d))
	st := &fenliu.Area{Code: "S", Name: "福建园街道", Level: fenliu.AreaStreet, ParentID: d.ID}
	must(t, w.a.CreateArea(ctx, w.admin, st))
	g := &fenliu.Area{Code: "G", Name: "福建园1号网格", Level: fenliu.AreaGrid, ParentID: st.ID}
	must(t, w.a.CreateArea(ctx, w.admin, g))
	w.grid = g.ID
	add := func(code, name string, typ fenliu.UnitType, parent string, areas ...int64) {
		u := &fenliu.Unit{Code: code, Name: name, Type: typ, AreaIDs: areas, AlwaysOn: true}
		if parent != "" {
			u.ParentID = w.units[parent].ID
		}
		must(t, w.a.CreateUnit(ctx, w.admin, u))
		w.units[code] = u
		s := &fenliu.User{Username: "u-" + code, DisplayName: name + "值班员", Role: fenliu.RoleUnitStaff, UnitID: u.ID}
		must(t, w.a.CreateUser(ctx, w.admin, s, ""))
		w.staff[code] = s
	}
	add("CMD", "市公安局指挥中心", fenliu.UTPolice, "")
	add("BRANCH", "江南分局", fenliu.UTPolice, "CMD", d.ID)
	add("PS", "福建园派出所", fenliu.UTPolice, "BRANCH", st.ID)
	add("FIRE", "消防救援支队", fenliu.UTFireRescue, "")
	add("EMS", "急救中心", fenliu.UTMedicalEmergency, "")
	add("TRAFFIC", "交警支队", fenliu.UTTrafficPolice, "")
	add("UM-CITY", "市城管局", fenliu.UTUrbanManagement, "")
	add("UM", "江南区城管", fenliu.UTUrbanManagement, "UM-CITY", d.ID)
	add("UM-FJY", "福建园执法队", fenliu.UTUrbanManagement, "UM", st.ID)
	add("HS", "江南区住建", fenliu.UTHousing, "", d.ID)
	add("CRISIS", "心理危机干预中心", fenliu.UTPsychCrisis, "")
	add("DESK", "12345联动专席", fenliu.UTSubdistrict, "")
	for _, r := range []fenliu.Role{fenliu.RoleCallTaker, fenliu.RoleLinkageDesk, fenliu.RoleCallback, fenliu.RoleSupervisor} {
		u := &fenliu.User{Username: string(r), DisplayName: string(r), Role: r}
		must(t, w.a.CreateUser(ctx, w.admin, u, ""))
		w.role[r] = u
	}
	must(t, w.a.SetRouting(ctx, w.admin, "direct", w.units["DESK"].ID, 0))
	return w
}

// call records and transfers a call the engine answers as t.
func (w *cityWorld) call(text string, t fenliu.Triage, d fenliu.DecisionInput) *app.TransferResult {
	w.t.Helper()
	w.answer[text] = t
	in := fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text, AreaID: w.grid, CallerPhone: "13900001111"}
	res, err := w.a.Transfer(context.Background(), w.role[fenliu.RoleCallTaker], fenliu.TransferInput{Incident: &in, Decision: d})
	if err != nil {
		w.t.Fatalf("transfer %q: %v", text, err)
	}
	return res
}

func (w *cityWorld) name(id int64) string {
	for code, u := range w.units {
		if u.ID == id {
			return code
		}
	}
	return fmt.Sprint(id)
}

// orders: "UNIT:role" of an incident's open orders, sorted.
func (w *cityWorld) orders(incidentID int64) (string, []*fenliu.Order) {
	w.t.Helper()
	os, err := w.db.OrdersOfIncident(context.Background(), incidentID)
	must(w.t, err)
	var out []string
	for _, o := range os {
		if o.State.Open() {
			out = append(out, w.name(o.UnitID)+":"+string(o.Role))
		}
	}
	sort.Strings(out)
	return strings.Join(out, " "), os
}

func (w *cityWorld) act(u *fenliu.User, o *fenliu.Order, a fenliu.Action, in fenliu.ActionInput) *fenliu.Order {
	w.t.Helper()
	got, err := w.a.Act(context.Background(), u, o.ID, a, in)
	if err != nil {
		w.t.Fatalf("%s on order %d by %s: %v", a, o.ID, u.Username, err)
	}
	return got
}

func (w *cityWorld) fire(at time.Duration, from time.Time) {
	w.t.Helper()
	w.clock = from.Add(at)
	if _, err := w.a.FireDue(context.Background(), w.clock); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cityWorld) notices() []*fenliu.Notice {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*fenliu.Notice{}, w.sent...)
}

var (
	policeFight = fenliu.Triage{Disposition: fenliu.DispPolice, Category: "public_safety.fight", Units: []fenliu.UnitType{fenliu.UTPolice}}
	jointFire   = fenliu.Triage{Disposition: fenliu.DispJoint, Category: "emergency.fire",
		Units: []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue, fenliu.UTMedicalEmergency}}
	suicide = fenliu.Triage{Disposition: fenliu.DispJoint, Category: "emergency.suicide_risk",
		Units: []fenliu.UnitType{fenliu.UTPolice, fenliu.UTFireRescue, fenliu.UTMedicalEmergency}, Danger: []string{"suicide"}}
	noise = fenliu.Triage{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise", Units: []fenliu.UnitType{fenliu.UTUrbanManagement}}
)

// TestPoliceAndJointOrders: a police decision makes an order for the police
// station of the place with the category's police limits; a joint one adds
// 119 and 120; the call-taker's answer says what went to whom.
func TestPoliceAndJointOrders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newCityWorld(t, db)
		res := w.call("烧烤店门口两伙人打起来了", policeFight, fenliu.DecisionInput{})
		if got, _ := w.orders(res.Incident.ID); got != "PS:lead" {
			t.Fatalf("police orders %q", got)
		}
		o := res.Orders[0]
		if o.SignDue == nil || o.SignDue.Sub(o.DispatchedAt) != time.Minute || o.ArriveDue == nil || o.ArriveDue.Sub(o.DispatchedAt) != 10*time.Minute {
			t.Errorf("police limits: sign %v arrive %v", o.SignDue, o.ArriveDue)
		}
		// In desk-first mode too: police matters never wait at the 12345 desk.
		must(t, w.a.SetRouting(context.Background(), w.admin, "desk_first", w.units["DESK"].ID, 0))
		res = w.call("对面楼五楼窗户冒黑烟", jointFire, fenliu.DecisionInput{})
		if got, _ := w.orders(res.Incident.ID); got != "EMS:assist FIRE:assist PS:lead" {
			t.Fatalf("joint orders %q", got)
		}
		if res.Incident.Disposition != fenliu.DispJoint {
			t.Errorf("decided %s", res.Incident.Disposition)
		}
		// Each emergency unit sees its order in its inbox.
		for _, code := range []string{"PS", "FIRE", "EMS"} {
			in, err := w.a.Inbox(context.Background(), w.staff[code], 0)
			must(t, err)
			if len(in.Todo) == 0 || in.Todo[0].O.IncidentID != res.Incident.ID {
				t.Errorf("%s's inbox lacks the fire: %+v", code, in.Todo)
			}
		}
	})
}

// TestGreenChannel: a suicide-risk call runs in its green channel: urgent
// priority, the crisis team brought in beside police, fire and ambulance,
// and the partner-engaged time measured once the team signs.
func TestGreenChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		received := w.clock
		res := w.call("桥上有个女孩站在栏杆外面，说不想活了", suicide, fenliu.DecisionInput{})
		if res.Incident.GreenChannel != "psych_crisis" || res.Incident.Priority != fenliu.PriorityUrgent {
			t.Fatalf("channel %q priority %d", res.Incident.GreenChannel, res.Incident.Priority)
		}
		got, orders := w.orders(res.Incident.ID)
		if got != "CRISIS:assist EMS:assist FIRE:assist PS:lead" {
			t.Fatalf("orders %q", got)
		}
		var crisis *fenliu.Order
		for _, o := range orders {
			if o.UnitID == w.units["CRISIS"].ID {
				crisis = o
			}
		}
		if !crisis.Partner {
			t.Error("the crisis team's order is not marked as a partner's")
		}
		w.clock = received.Add(4 * time.Minute)
		w.act(w.staff["CRISIS"], crisis, fenliu.ActSign, fenliu.ActionInput{})
		rep, err := w.a.Report(ctx, w.role[fenliu.RoleSupervisor], app.ReportQuery{From: received.Add(-time.Hour), To: received.Add(time.Hour), Live: true})
		must(t, err)
		r := rep.Total.Rates
		if r.PartnerEngaged.Num != 1 || r.PartnerEngaged.Den != 1 || r.TimeToPartner.Mean == nil || *r.TimeToPartner.Mean < 3.9 || *r.TimeToPartner.Mean > 4.1 {
			t.Errorf("partner engaged %+v, time %+v", r.PartnerEngaged, r.TimeToPartner)
		}
		if r.TimeToDispatch.N != 1 {
			t.Errorf("time to dispatch %+v", r.TimeToDispatch)
		}
	})
}

// TestDeskKeepsTheCategory: an incident that reaches the desk undecided is
// decided there with its category, and its orders get that category's limits.
func TestDeskKeepsTheCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		inc, _, err := w.a.Intake(ctx, w.role[fenliu.RoleCallTaker], fenliu.IncidentInput{Channel: fenliu.ChannelCitizen, Text: "网上留言：夜市太吵", AreaID: w.grid, CallerPhone: "139"})
		must(t, err)
		desk := w.role[fenliu.RoleLinkageDesk]
		res, err := w.a.Transfer(ctx, desk, fenliu.TransferInput{IncidentID: inc.ID,
			Decision: fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise"}})
		must(t, err)
		if res.Incident.Category != "city_appearance.night_market_noise" || len(res.Orders) == 0 {
			t.Fatalf("decided %q with %d orders", res.Incident.Category, len(res.Orders))
		}
		for _, o := range res.Orders {
			if o.SignDue == nil || o.FeedbackDue == nil || o.CloseDue == nil {
				t.Errorf("order %d without limits: %+v", o.ID, o)
			}
		}
		// An unknown category is refused, not stored without limits.
		inc2, _, _ := w.a.Intake(ctx, w.role[fenliu.RoleCallTaker], fenliu.IncidentInput{Channel: fenliu.ChannelCitizen, Text: "另一条", AreaID: w.grid, CallerPhone: "139"})
		if _, err := w.a.Decide(ctx, desk, inc2.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "no.such"}); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Errorf("unknown category: %v", err)
		}
	})
}

// TestDecisionChangedAfterDispatch: diverted as noise, then found to be a
// housing matter: the noise order is re-routed to housing with housing's
// limits; changed back, the same unit is re-timed; redirected, the open
// orders are cancelled — each step on the record.
func TestDecisionChangedAfterDispatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		res := w.call("楼上装修太吵", noise, fenliu.DecisionInput{})
		if got, _ := w.orders(res.Incident.ID); got != "UM-FJY:lead" {
			t.Fatalf("orders %q", got)
		}
		desk := w.role[fenliu.RoleLinkageDesk]
		w.clock = w.clock.Add(2 * time.Hour)
		_, err := w.a.Decide(ctx, desk, res.Incident.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "housing.housing_construction_night", Reason: "实为夜间施工"})
		must(t, err)
		// housing.housing_construction_night: housing leads, urban management assists.
		got, orders := w.orders(res.Incident.ID)
		if got != "HS:lead UM-FJY:assist" {
			t.Fatalf("after the change: %q", got)
		}
		var hs *fenliu.Order
		for _, o := range orders {
			if o.State.Open() && o.UnitID == w.units["HS"].ID {
				hs = o
			}
		}
		if !hs.DispatchedAt.Equal(w.clock) || hs.SignDue == nil || !hs.SignDue.After(w.clock) {
			t.Errorf("the new order's limits: %+v", hs)
		}
		w.clock = w.clock.Add(time.Hour)
		_, err = w.a.Decide(ctx, desk, res.Incident.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "housing.rental_dispute", Reason: "改为租赁纠纷"})
		must(t, err)
		got, orders = w.orders(res.Incident.ID) // housing.rental_dispute: housing alone
		if got != "HS:lead" {
			t.Fatalf("same unit: %q", got)
		}
		for _, o := range orders {
			if o.ID == hs.ID && (!o.LimitsFrom.Equal(w.clock) || o.SignDue.Equal(*hs.SignDue)) {
				t.Errorf("not re-timed: %+v", o)
			}
		}
		_, err = w.a.Decide(ctx, desk, res.Incident.ID, fenliu.DecisionInput{Disposition: fenliu.DispRedirect, Category: "legal_service.consultation", Hotline: "12348", Reason: "法律咨询"})
		must(t, err)
		if got, _ := w.orders(res.Incident.ID); got != "" {
			t.Errorf("open orders after a redirect: %q", got)
		}
		evs, _ := db.Events(ctx, res.Incident.ID)
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, string(e.Kind))
		}
		want := "intake decide dispatch decide reroute dispatch dispatch decide retime cancel decide cancel"
		if strings.Join(kinds, " ") != want {
			t.Errorf("record:\n %s\nwant\n %s", strings.Join(kinds, " "), want)
		}
	})
}

// TestRejectedReturnAndHandDown: the desk refuses a return (the same unit,
// fresh limits, the reason recorded); a district unit hands an order down to
// its street team, which may act on it.
func TestRejectedReturnAndHandDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		res := w.call("夜市太吵", noise, fenliu.DecisionInput{})
		o := res.Orders[0]
		w.clock = w.clock.Add(20 * time.Minute)
		o = w.act(w.staff["UM-FJY"], o, fenliu.ActReturn, fenliu.ActionInput{Note: "不归我们管"})
		w.clock = w.clock.Add(10 * time.Minute)
		desk := w.role[fenliu.RoleLinkageDesk]
		if _, err := w.a.Act(ctx, desk, o.ID, fenliu.ActReroute, fenliu.ActionInput{Note: "x", UnitID: o.UnitID}); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Errorf("re-routed to the same unit: %v", err)
		}
		o = w.act(desk, o, fenliu.ActReject, fenliu.ActionInput{Note: "夜市噪音属城管执法范围，请按清单办理"})
		if o.State != fenliu.StateDispatched || o.UnitID != w.units["UM-FJY"].ID || !o.LimitsFrom.Equal(w.clock) || o.SignDue.Sub(w.clock) != 15*time.Minute {
			t.Fatalf("after the rejection: %+v", o)
		}
		// Hand down: the district squad passes its order to the street team.
		inc, _, _ := w.a.Intake(ctx, w.role[fenliu.RoleCallTaker], fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "区里的", AreaID: w.grid})
		_, err := w.a.Decide(ctx, desk, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise"})
		must(t, err)
		orders, err := w.a.Dispatch(ctx, desk, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.units["UM"].ID, Role: fenliu.OrderLead}}})
		must(t, err)
		if _, err := w.a.Act(ctx, w.staff["UM"], orders[0].ID, fenliu.ActHandDown, fenliu.ActionInput{Note: "下派", UnitID: w.units["HS"].ID}); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
			t.Errorf("handed down to a unit that is not below: %v", err)
		}
		if _, err := w.a.Act(ctx, w.staff["UM-FJY"], orders[0].ID, fenliu.ActHandDown, fenliu.ActionInput{Note: "下派", UnitID: w.units["UM-FJY"].ID}); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("the street team handed down the district's order: %v", err)
		}
		w.act(w.staff["UM"], orders[0], fenliu.ActHandDown, fenliu.ActionInput{Note: "请福建园执法队处理", UnitID: w.units["UM-FJY"].ID})
		got, all := w.orders(inc.ID)
		if got != "UM-FJY:lead" {
			t.Fatalf("after handing down: %q", got)
		}
		for _, o := range all {
			if o.State.Open() {
				w.act(w.staff["UM-FJY"], o, fenliu.ActSign, fenliu.ActionInput{})
			}
		}
	})
}

// TestEscalatedOrderIsTheNewUnitsToo: an order escalated (提级盯办) is in
// the inbox of the unit above, which may read it and act on it; a unit
// beside it still may not.
func TestEscalatedOrderIsTheNewUnitsToo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		t0 := w.clock
		res := w.call("夜市太吵", noise, fenliu.DecisionInput{})
		o := res.Orders[0] // UM-FJY, parent UM; sign limit 30 min
		w.fire(61*time.Minute, t0)
		got, err := w.a.Order(ctx, w.staff["UM"], o.ID)
		if err != nil {
			t.Fatalf("the unit above cannot open the escalated order: %v", err)
		}
		if !got.Escalated || got.EscalatedTo != w.units["UM"].ID {
			t.Fatalf("not escalated to the unit above: %+v", got)
		}
		in, err := w.a.Inbox(ctx, w.staff["UM"], 0)
		must(t, err)
		if len(in.Escalated) != 1 || in.Escalated[0].O.ID != o.ID {
			t.Errorf("escalated list: %+v", in.Escalated)
		}
		for _, n := range w.notices() {
			if n.Kind == fenliu.NoticeEscalation && n.UnitID != w.units["UM"].ID {
				t.Errorf("escalation notice to unit %d", n.UnitID)
			}
		}
		w.act(w.staff["UM"], got, fenliu.ActSign, fenliu.ActionInput{})
		if _, err := w.a.Order(ctx, w.staff["HS"], o.ID); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("a unit beside it opened it: %v", err)
		}
	})
}

// TestCallbackQueueAndLimits: once an incident's work is done it waits for
// one callback (lead and assisting orders are one call); the callback has
// its limit, warned to the callback team and supervised by the supervisors;
// a caller not reached is tried again, and after three tries the order is
// done without a rating.
func TestCallbackQueueAndLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		desk, cb, sup := w.role[fenliu.RoleLinkageDesk], w.role[fenliu.RoleCallback], w.role[fenliu.RoleSupervisor]
		res := w.call("夜市太吵还占道", noise, fenliu.DecisionInput{})
		inc := res.Incident
		assist, err := w.a.Dispatch(ctx, desk, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.units["HS"].ID, Role: fenliu.OrderAssist}}})
		must(t, err)
		lead := res.Orders[0]
		finish := func(o *fenliu.Order, code string) *fenliu.Order {
			o = w.act(w.staff[code], o, fenliu.ActSign, fenliu.ActionInput{})
			o = w.act(w.staff[code], o, fenliu.ActFeedback, fenliu.ActionInput{Note: "已处理"})
			return w.act(desk, o, fenliu.ActVerify, fenliu.ActionInput{})
		}
		lead = finish(lead, "UM-FJY")
		q, err := w.a.CallbackQueue(ctx, cb)
		must(t, err)
		if len(q.Items) != 0 {
			t.Fatalf("called back while the assisting order is still open: %+v", q.Items)
		}
		w.clock = w.clock.Add(time.Hour)
		closedAt := w.clock
		finish(assist[0], "HS")
		// One call, on the lead, due 48 hours after the work was done.
		q, _ = w.a.CallbackQueue(ctx, cb)
		if len(q.Items) != 1 || q.Items[0].O.ID != lead.ID || q.Items[0].Due == nil || !q.Items[0].Due.Equal(closedAt.Add(48*time.Hour)) {
			t.Fatalf("queue: %+v", q.Items)
		}
		if q.Items[0].Phone != "13900001111" {
			t.Errorf("callback staff do not see the phone: %q", q.Items[0].Phone)
		}
		// Warned to the callback team at 80 %, supervised by the supervisors at the limit.
		w.fire(48*time.Hour+time.Minute, closedAt)
		var roles []string
		for _, n := range w.notices() {
			if n.Stage == fenliu.StageCallback {
				roles = append(roles, string(n.Kind)+">"+string(n.ToRole))
			}
		}
		if strings.Join(roles, " ") != "warning>callback overdue>callback supervision>supervisor" {
			t.Errorf("callback notices: %v", roles)
		}
		board, err := w.a.SupervisionBoard(ctx, sup)
		must(t, err)
		found := false
		for _, r := range board.Overdue {
			found = found || r.O.ID == lead.ID
		}
		if !found {
			t.Error("the late callback is not on the supervision board")
		}
		// Not reached twice, then reached: one call, both orders visited.
		for i := 0; i < 2; i++ {
			got := w.act(cb, q.Items[0].O, fenliu.ActCallback, fenliu.ActionInput{Unreachable: true})
			if got.State != fenliu.StateClosed || got.CallbackAttempts != i+1 {
				t.Fatalf("after %d unreachable tries: %s %d", i+1, got.State, got.CallbackAttempts)
			}
			q.Items[0].O = got
		}
		yes := true
		w.act(cb, q.Items[0].O, fenliu.ActCallback, fenliu.ActionInput{Solved: &yes, Satisfaction: fenliu.Satisfied})
		_, all := w.orders(inc.ID)
		for _, o := range all {
			if o.State != fenliu.StateVisited || o.Satisfaction != fenliu.Satisfied {
				t.Errorf("order %d after the call: %s %q", o.ID, o.State, o.Satisfaction)
			}
		}
		if q, _ := w.a.CallbackQueue(ctx, cb); len(q.Items) != 0 {
			t.Errorf("still queued: %+v", q.Items)
		}
		// Three tries not reached: done without a rating, not counted as rated.
		res = w.call("又一起夜市噪音", noise, fenliu.DecisionInput{})
		o := finish(res.Orders[0], "UM-FJY")
		for i := 0; i < fenliu.MaxCallbackAttempts; i++ {
			o = w.act(cb, o, fenliu.ActCallback, fenliu.ActionInput{Unreachable: true})
		}
		if o.State != fenliu.StateVisited || o.Satisfaction != "" || o.CallbackAt == nil {
			t.Errorf("after %d tries: %+v", fenliu.MaxCallbackAttempts, o)
		}
	})
}

// TestVerificationQueue: fed-back orders wait for the dispatcher, longest
// waiting first; verified or sent back, they leave it.
func TestVerificationQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		desk := w.role[fenliu.RoleLinkageDesk]
		var ids []int64
		for i := 0; i < 3; i++ {
			res := w.call(fmt.Sprintf("噪音%d", i), noise, fenliu.DecisionInput{})
			o := w.act(w.staff["UM-FJY"], res.Orders[0], fenliu.ActSign, fenliu.ActionInput{})
			w.clock = w.clock.Add(time.Minute)
			w.act(w.staff["UM-FJY"], o, fenliu.ActFeedback, fenliu.ActionInput{Note: "已处理"})
			ids = append(ids, o.ID)
		}
		q, err := w.a.VerificationQueue(ctx, desk)
		must(t, err)
		if len(q) != 3 || q[0].O.ID != ids[0] || q[2].O.ID != ids[2] {
			t.Fatalf("queue %+v", q)
		}
		w.act(desk, q[0].O, fenliu.ActVerify, fenliu.ActionInput{})
		w.act(desk, q[1].O, fenliu.ActReopen, fenliu.ActionInput{Note: "反馈不完整"})
		if q, _ := w.a.VerificationQueue(ctx, desk); len(q) != 1 || q[0].O.ID != ids[2] {
			t.Errorf("after acting: %+v", q)
		}
		if _, err := w.a.VerificationQueue(ctx, w.staff["UM-FJY"]); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("unit staff read the verification queue: %v", err)
		}
	})
}

// TestNoticesOnceWhenWorkedLate: an order signed, arrived and fed back late
// draws each stage's warning, overdue mark and supervision notice once —
// however many actions re-arm its timers, and whatever the scheduler's ticks.
func TestNoticesOnceWhenWorkedLate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newCityWorld(t, db)
		t0 := w.clock
		res := w.call("夜市太吵", noise, fenliu.DecisionInput{}) // sign 30m, arrive 2h, feedback 1d, close 3d
		o := res.Orders[0]
		staff := w.staff["UM-FJY"]
		for _, step := range []struct {
			at time.Duration
			a  fenliu.Action
		}{{50 * time.Minute, fenliu.ActSign}, {3 * time.Hour, fenliu.ActArrive}, {30 * time.Hour, fenliu.ActFeedback}} {
			for tick := time.Duration(0); tick < step.at; tick += 7 * time.Minute {
				w.fire(tick, t0)
			}
			w.fire(step.at, t0)
			in := fenliu.ActionInput{}
			if step.a == fenliu.ActFeedback {
				in.Note = "已处理"
			}
			o = w.act(staff, o, step.a, in)
			w.fire(step.at, t0) // right after the action, at the same moment
		}
		count := map[string]int{}
		for _, n := range w.notices() {
			count[string(n.Stage)+"/"+string(n.Kind)]++
		}
		for k, n := range count {
			if n != 1 && !strings.HasSuffix(k, "/escalation") {
				t.Errorf("%s: %d notices", k, n)
			}
		}
		for _, want := range []string{"sign/warning", "sign/overdue", "sign/supervision", "arrive/warning", "arrive/overdue", "feedback/warning", "feedback/overdue"} {
			if count[want] != 1 {
				t.Errorf("%s: %d notices, want 1 (%v)", want, count[want], count)
			}
		}
	})
}

// TestPastDueTimerFiresAtOnce: a timer armed while the scheduler sleeps —
// due before its next tick — is fired at its time: every write that arms a
// timer wakes the scheduler.
func TestPastDueTimerFiresAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newCityWorld(t, db)
		var mu sync.Mutex
		var firedAt []time.Time
		w.opts.Now = nil // the real clock: the scheduler sleeps for real
		w.opts.OnNotice = func(n *fenliu.Notice) { mu.Lock(); firedAt = append(firedAt, time.Now()); mu.Unlock() }
		asleep := make(chan time.Duration, 100)
		w.opts.OnSchedule = func(fired int, sleep time.Duration) {
			select {
			case asleep <- sleep:
			default:
			}
		}
		a := app.New(db, w.opts)
		cat, err := catalog.Default()
		must(t, err)
		a.SetCatalog(cat)
		sctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { a.RunScheduler(sctx, time.Hour); close(done) }()
		defer func() { stop(); <-done }()
		// A one-second limit: the warning and the overdue fall due long
		// before the scheduler's next (hourly) tick.
		one := fenliu.Limits{Sign: fenliu.Duration(time.Second), Feedback: fenliu.Duration(time.Hour), Close: fenliu.Duration(2 * time.Hour)}
		must(t, a.SetLimitOverride(ctx, w.admin, fenliu.UTHousing, &one))
		inc, _, err := a.Intake(ctx, w.role[fenliu.RoleCallTaker], fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "漏水", AreaID: w.grid})
		must(t, err)
		_, err = a.Decide(ctx, w.role[fenliu.RoleLinkageDesk], inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "housing.water_leak_between_flats"})
		must(t, err)
		// The scheduler has looked: nothing is due, it sleeps for its hour.
		for sleep := <-asleep; sleep < time.Hour; sleep = <-asleep {
		}
		start := time.Now()
		_, err = a.Dispatch(ctx, w.role[fenliu.RoleLinkageDesk], inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: w.units["HS"].ID, Role: fenliu.OrderLead}}})
		must(t, err)
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			n := len(firedAt)
			mu.Unlock()
			if n >= 3 { // warning, overdue, supervision
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(firedAt) < 3 {
			t.Fatalf("%d notices within 20 s of a past-due timer (the scheduler ticks hourly)", len(firedAt))
		}
		if took := firedAt[0].Sub(start); took > 10*time.Second {
			t.Errorf("the first notice came %v after the dispatch", took)
		}
	})
}
