package app_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
	"github.com/fenliu/fenliu/store/storetest"
)

// privacyCity: two units; an incident with a caller, an order of unit A;
// a user of every role.
type privacyCity struct {
	a                              *app.App
	admin, desk, super, leader, cb *fenliu.User
	taker, staffA, staffB          *fenliu.User
	unitA, unitB                   *fenliu.Unit
	inc                            *fenliu.Incident
	order                          *fenliu.Order
}

func newPrivacyCity(t *testing.T, db *store.DB) *privacyCity {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t, db, 1)
	c := &privacyCity{a: w.a, taker: w.taker, staffA: w.staff[0], unitA: w.unit}
	c.admin = &fenliu.User{Username: "root", DisplayName: "root", Role: fenliu.RoleAdmin}
	if err := c.a.Bootstrap(ctx, c.admin, ""); err != nil {
		t.Fatal(err)
	}
	c.unitB = &fenliu.Unit{Code: "HS", Name: "住建", Type: fenliu.UTHousing, AlwaysOn: true}
	if err := c.a.CreateUnit(ctx, c.admin, c.unitB); err != nil {
		t.Fatal(err)
	}
	for _, u := range []**fenliu.User{&c.desk, &c.super, &c.leader, &c.cb, &c.staffB} {
		*u = &fenliu.User{DisplayName: "x"}
	}
	c.desk.Username, c.desk.Role = "desk", fenliu.RoleLinkageDesk
	c.super.Username, c.super.Role = "super", fenliu.RoleSupervisor
	c.leader.Username, c.leader.Role = "leader", fenliu.RoleLeader
	c.cb.Username, c.cb.Role = "cb", fenliu.RoleCallback
	c.staffB.Username, c.staffB.Role, c.staffB.UnitID = "staffB", fenliu.RoleUnitStaff, c.unitB.ID
	for _, u := range []*fenliu.User{c.desk, c.super, c.leader, c.cb, c.staffB} {
		if err := c.a.CreateUser(ctx, c.admin, u, ""); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	c.inc, _, err = c.a.Intake(ctx, c.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: "110-20261123-0001",
		CallerName: "张三丰", CallerPhone: "13800004389", Text: "楼下烧烤摊太吵", Address: "江南大道100号"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.a.Decide(ctx, c.desk, c.inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
		t.Fatal(err)
	}
	orders, err := c.a.Dispatch(ctx, c.desk, c.inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: c.unitA.ID, Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	c.order = orders[0]
	return c
}

func (c *privacyCity) reads(t *testing.T, kind string) []*app.Access {
	t.Helper()
	log, err := c.a.AccessLog(context.Background(), c.admin, app.AccessFilter{IncidentID: c.inc.ID, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestCallerOnNeedToKnow: one policy on every read — in full (and
// recorded) for the call-taker and the desk, masked with a recorded reveal
// for the unit handling it, hidden from supervisors, leaders, admins and
// other units; and the side doors (the same call sent again, earlier
// incidents, a search by phone) follow it.
func TestCallerOnNeedToKnow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newPrivacyCity(t, db)
		for _, tc := range []struct {
			who   *fenliu.User
			phone string
			acc   fenliu.CallerAccess
		}{
			{c.taker, "13800004389", fenliu.CallerFull}, {c.desk, "13800004389", fenliu.CallerFull},
			{c.staffA, "138****4389", fenliu.CallerMasked},
			{c.super, "138****4389", fenliu.CallerHidden}, {c.leader, "138****4389", fenliu.CallerHidden},
			{c.admin, "138****4389", fenliu.CallerHidden}, {c.cb, "138****4389", fenliu.CallerHidden},
		} {
			v, err := c.a.Incident(ctx, tc.who, c.inc.ID)
			if err != nil {
				t.Fatalf("%s: %v", tc.who.Username, err)
			}
			if v.Incident.CallerPhone != tc.phone || v.Caller != tc.acc {
				t.Errorf("%s sees %q (%v), want %q (%v)", tc.who.Username, v.Incident.CallerPhone, v.Caller, tc.phone, tc.acc)
			}
			if tc.acc != fenliu.CallerFull && v.Incident.CallerName != "张**" {
				t.Errorf("%s sees the name %q", tc.who.Username, v.Incident.CallerName)
			}
			ov, err := c.a.OrderView(ctx, tc.who, c.order.ID)
			if err != nil || ov.Incident.CallerPhone != tc.phone {
				t.Errorf("%s on the order page: %v %v", tc.who.Username, ov, err)
			}
		}
		if got := len(c.reads(t, "read")); got != 4 { // the taker's and the desk's, each on two pages
			t.Errorf("%d full reads recorded, want 4", got)
		}

		// The same call sent again: another unit gets nothing; the unit
		// handling it gets the caller masked; a leader cannot record.
		again := fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: "110-20261123-0001", Text: "重发"}
		if _, _, err := c.a.Intake(ctx, c.staffB, again); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("another unit re-sending the reference: %v, want not found", err)
		}
		inc, created, err := c.a.Intake(ctx, c.staffA, again)
		if err != nil || created || inc.CallerPhone != "138****4389" || inc.CallerName != "张**" {
			t.Errorf("the unit re-sending: %+v %v %v", inc, created, err)
		}
		res, err := c.a.Transfer(ctx, c.super, fenliu.TransferInput{Incident: &again})
		if err != nil || res.Incident.CallerPhone != "138****4389" {
			t.Errorf("a supervisor transferring the same call again: %+v %v", res, err)
		}

		// Earlier incidents: another unit sees none; the unit sees its own,
		// masked; a look-up by phone is only for those who see callers.
		sug, err := c.a.Suggest(ctx, c.staffB, "", 0, "13800004389", "江南大道100号")
		if err != nil || len(sug.Earlier) != 0 {
			t.Errorf("another unit's earlier incidents: %v %v", sug, err)
		}
		sug, err = c.a.Suggest(ctx, c.staffA, "", 0, "13800004389", "")
		if err != nil || len(sug.Earlier) != 0 {
			t.Errorf("the unit looking up by phone: %d, %v", len(sug.Earlier), err)
		}
		sug, err = c.a.Suggest(ctx, c.staffA, "", 0, "", "江南大道100号")
		if err != nil || len(sug.Earlier) != 1 || sug.Earlier[0].CallerPhone != "138****4389" {
			t.Errorf("the unit's earlier incidents by address: %+v %v", sug, err)
		}
		sug, err = c.a.Suggest(ctx, c.taker, "", 0, "13800004389", "")
		if err != nil || len(sug.Earlier) != 1 || sug.Earlier[0].CallerPhone != "13800004389" {
			t.Errorf("the call-taker's earlier incidents: %+v %v", sug, err)
		}
		if _, err := c.a.Incidents(ctx, c.leader, fenliu.IncidentFilter{Phone: "13800004389"}); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("a leader searching by phone: %v", err)
		}
		list, err := c.a.Incidents(ctx, c.leader, fenliu.IncidentFilter{})
		if err != nil || len(list) != 1 || list[0].CallerPhone != "138****4389" {
			t.Errorf("a leader's list: %+v %v", list, err)
		}
		if q, err := c.a.DeskQueue(ctx, c.desk); err != nil {
			t.Fatal(err)
		} else {
			for _, in := range append(q.Undecided, q.Undispatched...) {
				if strings.Contains(in.CallerPhone, "3800004") {
					t.Errorf("the desk queue carries the phone of %d", in.ID)
				}
			}
		}

		// The reveal: the unit handling it, with a reason, recorded; not
		// another unit, not a leader; not without a reason.
		if _, err := c.a.RevealCaller(ctx, c.staffA, c.inc.ID, " "); fenliu.ErrorCode(err) != fenliu.EInvalid {
			t.Errorf("a reveal without a reason: %v", err)
		}
		if _, err := c.a.RevealCaller(ctx, c.staffB, c.inc.ID, "回电"); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("another unit's reveal: %v", err)
		}
		if _, err := c.a.RevealCaller(ctx, c.leader, c.inc.ID, "看看"); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("a leader's reveal: %v", err)
		}
		got, err := c.a.RevealCaller(ctx, c.staffA, c.inc.ID, "回电核实现场")
		if err != nil || got.Phone != "13800004389" || got.Name != "张三丰" {
			t.Fatalf("the unit's reveal: %+v %v", got, err)
		}
		rv := c.reads(t, "reveal")
		if len(rv) != 1 || rv[0].UserID != c.staffA.ID || rv[0].Reason != "回电核实现场" {
			t.Errorf("reveals recorded: %+v", rv)
		}
		if _, err := c.a.AccessLog(ctx, c.leader, app.AccessFilter{}); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("a leader reading the access log: %v", err)
		}

		// Callback staff see the caller of the calls they are to make.
		if _, err := c.a.Act(ctx, c.staffA, c.order.ID, fenliu.ActSign, fenliu.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.a.Act(ctx, c.staffA, c.order.ID, fenliu.ActFeedback, fenliu.ActionInput{Note: "已处理"}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.a.Act(ctx, c.desk, c.order.ID, fenliu.ActVerify, fenliu.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[*fenliu.User]string{c.cb: "13800004389", c.super: "138****4389"} {
			q, err := c.a.CallbackQueue(ctx, who)
			if err != nil || len(q.Items) != 1 || q.Items[0].Phone != want || q.Items[0].In.CallerPhone != want {
				t.Errorf("%s's callback queue: %+v %v", who.Username, q, err)
			}
		}
		// The order is closed: the unit no longer needs the caller.
		if _, err := c.a.RevealCaller(ctx, c.staffA, c.inc.ID, "再看看"); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("a reveal once the unit's order is closed: %v", err)
		}
	})
}

var png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 200)...)

// TestUploadsCheckedBeforeKept: oversize, wrong type, no permission, wrong
// state, another system's URL — nothing is stored; what is stored belongs
// to its event; quotas hold; a photo is served only to who may see it.
func TestUploadsCheckedBeforeKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newPrivacyCity(t, db)
		stored := func() int64 {
			t.Helper()
			s, err := c.a.UploadStats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return s.Files
		}
		feedback := func(who *fenliu.User, id int64, files ...fenliu.File) error {
			_, err := c.a.Act(ctx, who, id, fenliu.ActFeedback, fenliu.ActionInput{Note: "现场照片", Files: files})
			return err
		}
		big := fenliu.File{Name: "big.png", Data: append(bytes.Clone(png), make([]byte, app.MaxUpload)...)}
		exe := fenliu.File{Name: "x.png", Data: []byte("MZ\x90\x00 this is not an image")}
		ok := fenliu.File{Name: "ok.png", Data: png}
		for name, err := range map[string]error{
			"oversize":      feedback(c.staffA, c.order.ID, ok, big),
			"wrong type":    feedback(c.staffA, c.order.ID, ok, exe),
			"too many":      feedback(c.staffA, c.order.ID, ok, ok, ok, ok, ok, ok),
			"a leader":      feedback(c.leader, c.order.ID, ok),
			"another unit":  feedback(c.staffB, c.order.ID, ok),
			"no such order": feedback(c.staffA, 999, ok),
			"wrong state":   feedback(c.staffA, c.order.ID, ok), // dispatched: not signed for yet
			"reroute": func() error {
				_, err := c.a.Act(ctx, c.desk, c.order.ID, fenliu.ActReroute, fenliu.ActionInput{UnitID: c.unitB.ID, Note: "x", Files: []fenliu.File{ok}})
				return err
			}(),
			"an outside image": func() error {
				_, _, err := c.a.Intake(ctx, c.taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "x", Attachments: []fenliu.Attachment{{Kind: "photo", URI: "https://evil.example/a.png"}}})
				return err
			}(),
			"a citizen's bad file": func() error {
				_, err := c.a.PublicIntake(ctx, fenliu.IncidentInput{Text: "路灯坏了", CallerPhone: "13900000000", Files: []fenliu.File{ok, exe}, Addr: "203.0.113.5"})
				return err
			}(),
		} {
			if err == nil {
				t.Errorf("%s: accepted", name)
			}
			if s := fenliu.StatusOf(err); s >= 500 {
				t.Errorf("%s: %d %v", name, s, err)
			}
		}
		if n := stored(); n != 0 {
			t.Fatalf("%d uploads stored after refusals", n)
		}
		// Signed for, the unit's feedback keeps its photos, on its event.
		if _, err := c.a.Act(ctx, c.staffA, c.order.ID, fenliu.ActSign, fenliu.ActionInput{}); err != nil {
			t.Fatal(err)
		}
		if err := feedback(c.staffA, c.order.ID, ok, ok); err != nil {
			t.Fatal(err)
		}
		if n := stored(); n != 2 {
			t.Fatalf("%d uploads after the feedback, want 2", n)
		}
		v, err := c.a.Incident(ctx, c.staffA, c.inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var token string
		for _, e := range v.Events {
			if e.Kind == fenliu.EventKind(fenliu.ActFeedback) && len(e.Attachments) == 2 {
				token = strings.TrimPrefix(e.Attachments[0].URI, fenliu.UploadPrefix)
			}
		}
		if token == "" {
			t.Fatal("the feedback event does not carry its photos")
		}
		if up, err := c.a.Upload(ctx, c.staffA, token); err != nil || up.OrderID != c.order.ID {
			t.Errorf("the unit's own photo: %v", err)
		}
		if _, err := c.a.Upload(ctx, c.staffB, token); fenliu.ErrorCode(err) != fenliu.ENotFound {
			t.Errorf("another unit fetching the photo by its URL: %v", err)
		}
		if _, err := c.a.Upload(ctx, c.leader, token); err != nil {
			t.Errorf("a leader (who sees every order): %v", err)
		}

		// A citizen's address has its day's quota; refused reports keep nothing.
		mb := append(bytes.Clone(png), make([]byte, 7<<20)...)
		five := []fenliu.File{{Name: "a.png", Data: mb}, {Name: "b.png", Data: mb}, {Name: "c.png", Data: mb}, {Name: "d.png", Data: mb}, {Name: "e.png", Data: mb}}
		before := stored()
		if _, err := c.a.PublicIntake(ctx, fenliu.IncidentInput{Text: "路灯坏了", CallerPhone: "13900000000", Files: five, Addr: "203.0.113.5"}); err != nil {
			t.Fatal(err)
		}
		_, err = c.a.PublicIntake(ctx, fenliu.IncidentInput{Text: "又坏了", CallerPhone: "13900000000", Files: five, Addr: "203.0.113.5"})
		if fenliu.ErrorCode(err) != fenliu.ETooMany {
			t.Errorf("over the address's quota: %v", err)
		}
		if n := stored(); n != before+5 {
			t.Errorf("%d uploads, want %d", n, before+5)
		}
		// Another address is not held back.
		if _, err := c.a.PublicIntake(ctx, fenliu.IncidentInput{Text: "井盖丢了", CallerPhone: "13900000001", Files: five[:1], Addr: "198.51.100.1"}); err != nil {
			t.Errorf("another address: %v", err)
		}
	})
}

// TestAccounts: the password policy; tokens listed by reference and
// revoked by their owner (not by others) and an admin; a disabled user's
// tokens and sessions stop at once.
func TestAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := newPrivacyCity(t, db)
		for _, bad := range []string{"a", "short-pw", "grid-worker", "rekrow-dirg", "xxxxxxxxxxxx", "password123", "1234567890", "Woaini1314"} {
			u := &fenliu.User{Username: "grid-worker", DisplayName: "x", Role: fenliu.RoleCallTaker}
			if err := c.a.CreateUser(ctx, c.admin, u, bad); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
				t.Errorf("password %q: %v", bad, err)
			}
		}
		u := &fenliu.User{Username: "grid-worker", DisplayName: "x", Role: fenliu.RoleCallTaker}
		if err := c.a.CreateUser(ctx, c.admin, u, "江南-网格-7731"); err != nil {
			t.Fatal(err)
		}
		tok, err := c.a.CreateToken(ctx, u, u.ID, "phone")
		if err != nil {
			t.Fatal(err)
		}
		list, err := c.a.Tokens(ctx, u, u.ID)
		if err != nil || len(list) != 1 || list[0].ExpiresAt.Sub(list[0].CreatedAt) != app.TokenTTL {
			t.Fatalf("tokens: %+v %v", list, err)
		}
		if _, err := c.a.Tokens(ctx, c.staffA, u.ID); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("another user's tokens: %v", err)
		}
		if err := c.a.RevokeToken(ctx, c.staffA, u.ID, list[0].Ref); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("revoking another user's token: %v", err)
		}
		if err := c.a.RevokeToken(ctx, u, u.ID, list[0].Ref); err != nil {
			t.Fatal(err)
		}
		if _, err := c.a.Authenticate(ctx, tok); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("a revoked token: %v", err)
		}
		// Disabled: the token and the session stop at once; no sign-in.
		tok, _ = c.a.CreateToken(ctx, c.admin, u.ID, "again")
		s, err := c.a.SignIn(ctx, "grid-worker", "江南-网格-7731", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.a.SetDisabled(ctx, c.leader, u.ID, true); fenliu.ErrorCode(err) != fenliu.EForbidden {
			t.Errorf("a leader disabling: %v", err)
		}
		if err := c.a.SetDisabled(ctx, c.admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := c.a.Authenticate(ctx, tok); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("a disabled user's token: %v", err)
		}
		if _, err := c.a.Session(ctx, s.ID); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("a disabled user's session: %v", err)
		}
		if _, err := c.a.SignIn(ctx, "grid-worker", "江南-网格-7731", time.Hour); fenliu.ErrorCode(err) != fenliu.EUnauthorized {
			t.Errorf("a disabled user signing in: %v", err)
		}
		if err := c.a.SetDisabled(ctx, c.admin, u.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := c.a.SignIn(ctx, "grid-worker", "江南-网格-7731", time.Hour); err != nil {
			t.Errorf("enabled again: %v", err)
		}
	})
}
