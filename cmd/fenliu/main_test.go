package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/fenliu/fenliu/store/storetest"
)

// TestMain lets the crash test run this binary as the real server in a child
// process: FENLIU_TEST_CHILD=1 makes it run Main with the given arguments.
func TestMain(m *testing.M) {
	if os.Getenv("FENLIU_TEST_CHILD") == "1" {
		os.Exit(Main(strings.Fields(os.Getenv("FENLIU_TEST_ARGS"))))
	}
	os.Exit(m.Run())
}

// startServer runs the real server — the wiring `fenliu serve` runs — on
// dsn in this process and returns its base URL; it stops when the test ends.
func startServer(t *testing.T, dsn string) string {
	t.Helper()
	return servertest.Start(t, dsn, nil).URL()
}

// bootstrapAdmin makes the first admin and its token directly in the
// database, as `fenliu user` does.
func bootstrapAdmin(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	db, err := openDB(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := app.New(db, app.Options{})
	u := &fenliu.User{Username: "root", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, u, ""); err != nil {
		t.Fatal(err)
	}
	tok, err := a.CreateToken(ctx, nil, u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type client struct {
	t     *testing.T
	base  string
	token string
}

// do sends a JSON request and decodes the answer into out (if not nil); it
// returns the status and the raw body.
func (c *client) do(method, path string, body any, out any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return resp.StatusCode, raw
}

// must sends a request that must answer want.
func (c *client) must(want int, method, path string, body any, out any) {
	c.t.Helper()
	if got, raw := c.do(method, path, body, out); got != want {
		c.t.Fatalf("%s %s = %d %s, want %d", method, path, got, raw, want)
	}
}

func (c *client) as(token string) *client { return &client{t: c.t, base: c.base, token: token} }

// wantError checks an error answer: status, code and both languages.
func wantError(t *testing.T, status int, raw []byte, wantStatus int, wantCode string) {
	t.Helper()
	var e struct {
		Error struct {
			Code, Field, Message, MessageZH, MessageEN string
		}
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		t.Fatalf("error body %s: %v", raw, err)
	}
	if status != wantStatus || e.Error.Code != wantCode {
		t.Fatalf("got %d %s, want %d %s", status, raw, wantStatus, wantCode)
	}
	var m map[string]map[string]string
	json.Unmarshal(raw, &m)
	if m["error"]["message_zh"] == "" || m["error"]["message_en"] == "" {
		t.Fatalf("error without both languages: %s", raw)
	}
}

type orderResp struct {
	Order fenliu.Order `json:"order"`
}

// TestWholeLifeOverHTTP drives the foundation's whole path through the real
// server: intake → divert to two units → lead signs → arrives → feeds back →
// verified and closed → callback unsatisfied → reopened → feedback → closed →
// callback satisfied; the assisting unit returns its order and the desk
// re-routes it; and the recorded history is asserted.
func TestWholeLifeOverHTTP(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		rootTok := bootstrapAdmin(t, dsn)
		base := startServer(t, dsn)
		admin := &client{t: t, base: base, token: rootTok}

		// The city: a district, a street, a grid; three units.
		var d, s, g struct{ Area fenliu.Area }
		admin.must(201, "POST", "/api/v1/areas", fenliu.Area{Code: "D", Name: "江南区", Level: fenliu.AreaDistrict}, &d)
		admin.must(201, "POST", "/api/v1/areas", fenliu.Area{Code: "S", Name: "福建园街道", Level: fenliu.AreaStreet, ParentID: d.Area.ID}, &s)
		admin.must(201, "POST", "/api/v1/areas", fenliu.Area{Code: "G", Name: "福建园第1网格", Level: fenliu.AreaGrid, ParentID: s.Area.ID}, &g)
		unit := func(code, name string, typ fenliu.UnitType) int64 {
			var u struct{ Unit fenliu.Unit }
			admin.must(201, "POST", "/api/v1/units", fenliu.Unit{Code: code, Name: name, Type: typ, AreaIDs: []int64{d.Area.ID}, AlwaysOn: true}, &u)
			return u.Unit.ID
		}
		um := unit("UM", "江南区城管执法大队", fenliu.UTUrbanManagement)
		housing := unit("HS", "江南区住建局", fenliu.UTHousing)
		muni := unit("MU", "江南区市政所", fenliu.UTMunicipal)
		user := func(name string, role fenliu.Role, unitID int64) *client {
			var u struct{ User fenliu.User }
			admin.must(201, "POST", "/api/v1/users", map[string]any{"username": name, "display_name": name, "role": role, "unit_id": unitID}, &u)
			var tok struct{ Token string }
			admin.must(201, "POST", fmt.Sprintf("/api/v1/users/%d/tokens", u.User.ID), map[string]string{"name": "t"}, &tok)
			return admin.as(tok.Token)
		}
		taker := user("taker", fenliu.RoleCallTaker, 0)
		desk := user("desk", fenliu.RoleLinkageDesk, 0)
		umStaff := user("um", fenliu.RoleUnitStaff, um)
		hsStaff := user("hs", fenliu.RoleUnitStaff, housing)
		muStaff := user("mu", fenliu.RoleUnitStaff, muni)
		callback := user("cb", fenliu.RoleCallback, 0)

		// Intake; the same channel reference again returns the first incident.
		call := map[string]any{"channel": "110", "channel_ref": "CALL-20261123-0001", "caller_name": "张先生",
			"caller_phone": "13800000001", "text": "凌晨两点楼下夜市烧烤摊还在放音乐划拳，吵得睡不着，楼上天花板也在漏水",
			"address": "福建园路12号", "area_id": g.Area.ID, "lat": 22.78, "lng": 108.30,
			"attachments": []map[string]string{{"kind": "recording", "uri": "rec://110/20261123/0001"}}}
		var in1, in2 struct {
			Incident fenliu.Incident
			Created  bool
		}
		taker.must(201, "POST", "/api/v1/incidents", call, &in1)
		taker.must(200, "POST", "/api/v1/incidents", call, &in2)
		if !in1.Created || in2.Created || in2.Incident.ID != in1.Incident.ID || in1.Incident.TrackingNo == "" {
			t.Fatalf("intake: %+v then %+v", in1, in2)
		}
		id := in1.Incident.ID
		taker.must(200, "POST", fmt.Sprintf("/api/v1/incidents/%d/decision", id),
			map[string]any{"disposition": "divert", "category": "city_appearance.night_market_noise"}, nil)
		// A change of decision needs a reason.
		st, raw := taker.do("POST", fmt.Sprintf("/api/v1/incidents/%d/decision", id), map[string]any{"disposition": "police"}, nil)
		wantError(t, st, raw, 400, fenliu.EInvalid)

		// Divert to two units: urban management leads, housing assists.
		var disp struct{ Orders []fenliu.Order }
		desk.must(201, "POST", fmt.Sprintf("/api/v1/incidents/%d/orders", id), map[string]any{
			"orders": []map[string]any{{"unit_id": um, "role": "lead"}, {"unit_id": housing, "role": "assist"}}, "note": "一键转派"}, &disp)
		if len(disp.Orders) != 2 {
			t.Fatalf("dispatch = %+v", disp)
		}
		lead, assist := disp.Orders[0].ID, disp.Orders[1].ID
		act := func(c *client, order int64, action string, body any) fenliu.Order {
			t.Helper()
			var o orderResp
			c.must(200, "POST", fmt.Sprintf("/api/v1/orders/%d/%s", order, action), body, &o)
			return o.Order
		}

		// Unit staff see only their own unit's orders.
		st, raw = hsStaff.do("GET", fmt.Sprintf("/api/v1/orders/%d", lead), nil, nil)
		wantError(t, st, raw, 404, fenliu.ENotFound)
		st, raw = hsStaff.do("POST", fmt.Sprintf("/api/v1/orders/%d/sign", lead), nil, nil)
		wantError(t, st, raw, 404, fenliu.ENotFound)
		var mine struct{ Orders []fenliu.Order }
		hsStaff.must(200, "GET", "/api/v1/orders", nil, &mine)
		if len(mine.Orders) != 1 || mine.Orders[0].ID != assist {
			t.Fatalf("housing sees %+v", mine.Orders)
		}
		// Feedback before signing is refused, naming the state and action.
		st, raw = umStaff.do("POST", fmt.Sprintf("/api/v1/orders/%d/feedback", lead), map[string]any{"note": "x"}, nil)
		wantError(t, st, raw, 409, fenliu.EInvalidTransition)
		if !strings.Contains(string(raw), "待签收") || !strings.Contains(string(raw), "feedback") {
			t.Errorf("transition error does not name state and action: %s", raw)
		}

		act(umStaff, lead, "sign", nil)
		act(umStaff, lead, "arrive", map[string]any{"lat": 22.781, "lng": 108.301})
		act(umStaff, lead, "feedback", map[string]any{"note": "已到场责令摊主停止播放音乐，收摊整改",
			"attachments": []map[string]string{{"kind": "photo", "uri": "upload/2026/11/23/a.jpg"}}})
		// Unit staff cannot verify their own work.
		st, raw = umStaff.do("POST", fmt.Sprintf("/api/v1/orders/%d/verify", lead), nil, nil)
		wantError(t, st, raw, 403, fenliu.EForbidden)
		act(desk, lead, "verify", nil)
		o := act(callback, lead, "callback", map[string]any{"solved": false, "satisfaction": "unsatisfied", "note": "第二天晚上又开始吵"})
		if o.State != fenliu.StateReopened || o.Reopens != 1 {
			t.Fatalf("after unsatisfied callback: %+v", o)
		}
		act(umStaff, lead, "feedback", map[string]any{"note": "夜间加强巡查，摊主已签承诺书"})
		act(desk, lead, "verify", nil)
		o = act(callback, lead, "callback", map[string]any{"solved": true, "satisfaction": "satisfied"})
		if o.State != fenliu.StateVisited || o.Satisfaction != fenliu.Satisfied || o.CallbackAt == nil {
			t.Fatalf("after satisfied callback: %+v", o)
		}
		st, raw = callback.do("POST", fmt.Sprintf("/api/v1/orders/%d/callback", lead), map[string]any{"solved": true, "satisfaction": "satisfied"}, nil)
		wantError(t, st, raw, 409, fenliu.EInvalidTransition)

		// The assisting unit returns its order; the desk re-routes it.
		st, raw = hsStaff.do("POST", fmt.Sprintf("/api/v1/orders/%d/return", assist), map[string]any{}, nil)
		wantError(t, st, raw, 400, fenliu.EInvalid) // a reason is required
		act(hsStaff, assist, "return", map[string]any{"note": "漏水点在公共管道，属市政维护"})
		act(desk, assist, "reroute", map[string]any{"note": "改派市政", "unit_id": muni})
		var muOrders struct{ Orders []fenliu.Order }
		muStaff.must(200, "GET", "/api/v1/orders?state=dispatched", nil, &muOrders)
		if len(muOrders.Orders) != 1 || muOrders.Orders[0].FromOrder != assist || muOrders.Orders[0].Role != fenliu.OrderAssist {
			t.Fatalf("re-routed order: %+v", muOrders.Orders)
		}
		act(muStaff, muOrders.Orders[0].ID, "sign", nil)

		// The whole record, in order.
		var view struct {
			Incident fenliu.Incident
			Orders   []fenliu.Order
			Events   []fenliu.Event
		}
		desk.must(200, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), nil, &view)
		var kinds []string
		for _, e := range view.Events {
			kinds = append(kinds, fmt.Sprintf("%s:%d", e.Kind, orderIndex(e.OrderID, lead, assist)))
		}
		want := []string{"intake:0", "decide:0", "dispatch:1", "dispatch:2",
			"sign:1", "arrive:1", "feedback:1", "verify:1", "callback:1", "feedback:1", "verify:1", "callback:1",
			"return:2", "reroute:2", "dispatch:3", "sign:3"}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Fatalf("history\n got %v\nwant %v", kinds, want)
		}
		for i := 1; i < len(view.Events); i++ {
			if view.Events[i].At.Before(view.Events[i-1].At) || view.Events[i].ID <= view.Events[i-1].ID {
				t.Fatalf("events out of order at %d", i)
			}
		}
		fb := view.Events[6]
		if fb.Note == "" || len(fb.Attachments) != 1 || fb.Attachments[0].Kind != "photo" || fb.FromState != fenliu.StateArrived || fb.ToState != fenliu.StateFedBack {
			t.Errorf("feedback event = %+v", fb)
		}
		if cb := view.Events[8]; cb.ToState != fenliu.StateReopened || cb.Data["reopened"] != true || cb.Note != "第二天晚上又开始吵" {
			t.Errorf("unsatisfied callback event = %+v", cb)
		}
		if len(view.Orders) != 3 || view.Orders[1].State != fenliu.StateRerouted || view.Orders[1].Returns != 1 {
			t.Errorf("orders = %+v", view.Orders)
		}
		// The housing staff's view of the incident shows only its own order.
		var hsView struct{ Orders []fenliu.Order }
		hsStaff.must(200, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), nil, &hsView)
		if len(hsView.Orders) != 1 || hsView.Orders[0].ID != assist {
			t.Errorf("housing's view: %+v", hsView.Orders)
		}
	})
}

func orderIndex(id, lead, assist int64) int {
	switch {
	case id == 0:
		return 0
	case id == lead:
		return 1
	case id == assist:
		return 2
	}
	return 3
}

// TestBadInputOverHTTP sends what careless or hostile clients send; every
// answer is a precise 4xx in both languages, never a 500.
func TestBadInputOverHTTP(t *testing.T) {
	dsn := t.TempDir() + "/f.db"
	tok := bootstrapAdmin(t, dsn)
	base := startServer(t, dsn)
	c := &client{t: t, base: base, token: tok}
	post := func(path, body, ctype string) (int, []byte) {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, raw
	}
	for _, tc := range []struct {
		name, path, body, ctype string
		status                  int
		code, field             string
	}{
		{"unknown field", "/api/v1/incidents", `{"channel":"110","text":"x","colour":"red"}`, "application/json", 400, "invalid", "colour"},
		{"broken utf-8", "/api/v1/incidents", "{\"channel\":\"110\",\"text\":\"\xff\xfe\"}", "application/json", 400, "invalid", ""},
		{"wrong type", "/api/v1/incidents", `{"channel":"110","text":12}`, "application/json", 400, "invalid", "text"},
		{"missing text", "/api/v1/incidents", `{"channel":"110"}`, "application/json", 400, "invalid", "text"},
		{"bad channel", "/api/v1/incidents", `{"channel":"fax","text":"x"}`, "application/json", 400, "invalid", "channel"},
		{"syntax", "/api/v1/incidents", `{"channel":`, "application/json", 400, "invalid", ""},
		{"trailing", "/api/v1/incidents", `{"channel":"110","text":"x"} {}`, "application/json", 400, "invalid", ""},
		{"array", "/api/v1/incidents", `[1,2]`, "application/json", 400, "invalid", ""},
		{"empty", "/api/v1/incidents", ``, "application/json", 400, "invalid", ""},
		{"not json", "/api/v1/incidents", `channel=110`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", ""},
		{"too large", "/api/v1/incidents", `{"channel":"110","text":"` + strings.Repeat("吵", 400000) + `"}`, "application/json", 413, "too_large", ""},
		{"unknown area", "/api/v1/incidents", `{"channel":"110","text":"x","area_id":999}`, "application/json", 422, "unprocessable", "area_id"},
		{"no incident", "/api/v1/incidents/999/decision", `{"disposition":"divert"}`, "application/json", 404, "not_found", ""},
		{"bad id", "/api/v1/incidents/abc/decision", `{"disposition":"divert"}`, "application/json", 404, "not_found", "id"},
		{"unknown action", "/api/v1/orders/1/fly", `{}`, "application/json", 404, "not_found", "action"},
		{"no order", "/api/v1/orders/77/sign", `{}`, "application/json", 404, "not_found", ""},
		{"no endpoint", "/api/v1/nothing", `{}`, "application/json", 404, "not_found", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, raw := post(tc.path, tc.body, tc.ctype)
			wantError(t, st, raw, tc.status, tc.code)
			if tc.field != "" && !strings.Contains(string(raw), `"field":"`+tc.field+`"`) {
				t.Errorf("error does not name field %s: %s", tc.field, raw)
			}
		})
	}
	// No token, a wrong token.
	st, raw := c.as("").do("GET", "/api/v1/orders", nil, nil)
	wantError(t, st, raw, 401, fenliu.EUnauthorized)
	st, raw = c.as("fl_wrong").do("GET", "/api/v1/orders", nil, nil)
	wantError(t, st, raw, 401, fenliu.EUnauthorized)
	st, raw = c.do("GET", "/api/v1/orders?state=flying", nil, nil)
	wantError(t, st, raw, 400, fenliu.EInvalid)
	st, raw = c.do("GET", "/api/v1/orders?from=yesterday", nil, nil)
	wantError(t, st, raw, 400, fenliu.EInvalid)
	// Dispatching an undecided incident is refused with 422.
	var in struct{ Incident fenliu.Incident }
	c.must(201, "POST", "/api/v1/incidents", map[string]any{"channel": "api", "text": "路灯不亮"}, &in)
	st, raw = c.do("POST", fmt.Sprintf("/api/v1/incidents/%d/orders", in.Incident.ID), map[string]any{"orders": []map[string]any{{"unit_id": 1, "role": "lead"}}}, nil)
	wantError(t, st, raw, 422, fenliu.EUnprocessable)
}
