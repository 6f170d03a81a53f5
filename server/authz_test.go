package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/server/servertest"
)

// The authorization matrix: every route of both route tables (the API's and
// the console's) × every role, unit staff of the order's own unit and of
// another unit, and nobody signed in. The expected answer of each route is
// the rule of perm.go that guards it; a route added to either table without
// an entry here fails the test, and so does an entry for a route that is
// gone.

// rule is who may use a route: nil allows, an error is the answer a
// refused user gets (its status, from fenliu.StatusOf).
type rule func(f *authzFixture, u *fenliu.User) error

func allow(*authzFixture, *fenliu.User) error { return nil }

func by(check func(*fenliu.User) error) rule {
	return func(_ *authzFixture, u *fenliu.User) error { return check(u) }
}

func both(a, b rule) rule {
	return func(f *authzFixture, u *fenliu.User) error {
		if err := a(f, u); err != nil {
			return err
		}
		return b(f, u)
	}
}

// seeOrder: the fixture's order (of unit A) — fenliu.CanSeeOrder.
func seeOrder(f *authzFixture, u *fenliu.User) error { return fenliu.CanSeeOrder(u, f.order) }

// act: an action on the fixture's order — seeing it, then fenliu.CanAct.
func act(a fenliu.Action) rule {
	return both(seeOrder, func(f *authzFixture, u *fenliu.User) error { return fenliu.CanAct(u, a, f.order) })
}

// reveal: fenliu.CallerAccessTo must allow at least a masked reveal.
func reveal(f *authzFixture, u *fenliu.User) error {
	if err := seeOrder(f, u); err != nil {
		return fenliu.NotFound("警情", "incident", f.inc.ID)
	}
	if fenliu.CallerAccessTo(u, f.inc, []*fenliu.Order{f.order}) == fenliu.CallerHidden {
		return &fenliu.Error{Code: fenliu.EForbidden}
	}
	return nil
}

func replyNotice(f *authzFixture, u *fenliu.User) error { return fenliu.CanReplyNotice(u, f.notice) }

var apiRules = map[string]rule{
	"GET /api/v1/health":                                  allow,
	"GET /healthz":                                        allow,
	"GET /readyz":                                         allow,
	"GET /api/v1/me":                                      allow,
	"POST /api/v1/incidents":                              by(fenliu.CanIntake),
	"GET /api/v1/incidents":                               allow, // unit staff: their unit's only
	"GET /api/v1/incidents/{id}":                          seeOrder,
	"POST /api/v1/incidents/{id}/decision":                by(fenliu.CanDecide),
	"POST /api/v1/incidents/{id}/orders":                  by(fenliu.CanDecide),
	"POST /api/v1/incidents/{id}/transfer":                both(by(fenliu.CanIntake), by(fenliu.CanDecide)),
	"POST /api/v1/incidents/{id}/dispatch-suggested":      by(fenliu.CanDecide),
	"POST /api/v1/triage":                                 by(fenliu.CanIntake),
	"POST /api/v1/incidents/{id}/reveal":                  reveal,
	"GET /api/v1/access-log":                              by(fenliu.CanReadAccessLog),
	"GET /api/v1/orders":                                  allow,
	"GET /api/v1/orders/{id}":                             seeOrder,
	"POST /api/v1/orders/{id}/{action}":                   act(fenliu.ActSign),
	"GET /api/v1/notices":                                 allow,
	"POST /api/v1/orders/{id}/notices":                    by(fenliu.CanSupervise),
	"POST /api/v1/notices/{id}/reply":                     replyNotice,
	"GET /api/v1/units":                                   by(fenliu.CanReadDirectory),
	"POST /api/v1/units":                                  by(fenliu.CanAdminister),
	"GET /api/v1/areas":                                   by(fenliu.CanReadDirectory),
	"POST /api/v1/areas":                                  by(fenliu.CanAdminister),
	"GET /api/v1/users":                                   by(fenliu.CanAdminister),
	"POST /api/v1/users":                                  by(fenliu.CanAdminister),
	"POST /api/v1/users/{id}/tokens":                      func(f *authzFixture, u *fenliu.User) error { return tokenFor(f, u) },
	"POST /api/v1/users/{id}/disable":                     by(fenliu.CanAdminister),
	"POST /api/v1/users/{id}/enable":                      by(fenliu.CanAdminister),
	"GET /api/v1/tokens":                                  allow,                                                                                 // one's own
	"DELETE /api/v1/tokens/{ref}":                         func(*authzFixture, *fenliu.User) error { return fenliu.NotFound("令牌", "token", "") }, // one's own; the probe names none
	"GET /api/v1/shifts":                                  by(fenliu.CanReadRosters),
	"POST /api/v1/shifts":                                 func(_ *authzFixture, u *fenliu.User) error { return fenliu.CanReportRoster(u, 0) }, // an empty body names no unit
	"GET /api/v1/catalog":                                 by(fenliu.CanReadDirectory),
	"POST /api/v1/catalog":                                by(fenliu.CanAdminister),
	"GET /api/v1/catalog/versions":                        by(fenliu.CanReadDirectory),
	"PUT /api/v1/catalog/categories/{code}":               by(fenliu.CanAdminister),
	"GET /api/v1/routing/rules":                           by(fenliu.CanReadRouting),
	"POST /api/v1/routing/rules":                          by(fenliu.CanAdminister),
	"DELETE /api/v1/routing/rules/{id}":                   by(fenliu.CanAdminister),
	"PUT /api/v1/routing/mode":                            by(fenliu.CanAdminister),
	"PUT /api/v1/calendar":                                by(fenliu.CanAdminister),
	"PUT /api/v1/limits/{unit_type}":                      by(fenliu.CanAdminister),
	"PUT /api/v1/assessment/weights":                      by(fenliu.CanAdminister),
	"GET /api/v1/settings":                                by(fenliu.CanAdminister),
	"PUT /api/v1/settings":                                by(fenliu.CanAdminister),
	"GET /api/v1/reports":                                 by(fenliu.CanReport),
	"GET /api/v1/openapi.json":                            allow,
	"GET /api/v1/subscribers":                             by(fenliu.CanAdminister),
	"POST /api/v1/subscribers":                            by(fenliu.CanAdminister),
	"GET /api/v1/subscribers/{id}":                        by(fenliu.CanAdminister),
	"PUT /api/v1/subscribers/{id}":                        by(fenliu.CanAdminister),
	"DELETE /api/v1/subscribers/{id}":                     by(fenliu.CanAdminister),
	"GET /api/v1/subscribers/{id}/deliveries":             by(fenliu.CanAdminister),
	"GET /api/v1/subscribers/{id}/dead-letters":           by(fenliu.CanAdminister),
	"GET /api/v1/dead-letters/{id}":                       noDeadLetter,
	"POST /api/v1/dead-letters/{id}/replay":               noDeadLetter,
	"GET /api/v1/changes":                                 allow, // unit staff: their unit's changes only
	"POST /api/v1/triage/models":                          by(fenliu.CanManageModels),
	"GET /api/v1/triage/models":                           by(fenliu.CanManageModels),
	"POST /api/v1/triage/models/{id}/activate":            by(fenliu.CanManageModels),
	"POST /api/v1/triage/models/rollback":                 by(fenliu.CanManageModels),
	"GET /api/v1/reports/disagreements":                   by(fenliu.CanReadDisagreements),
	"GET /api/v1/areas/geojson":                           by(fenliu.CanReadDirectory),
	"POST /api/v1/areas/geojson":                          by(fenliu.CanAdminister),
	"PUT /api/v1/areas/{id}/outline":                      by(fenliu.CanAdminister),
	"GET /api/v1/addresses":                               by(fenliu.CanReadDirectory),
	"POST /api/v1/addresses":                              by(fenliu.CanAdminister),
	"DELETE /api/v1/addresses/{id}":                       absent(fenliu.CanAdminister, "地址", "address"),
	"GET /api/v1/map":                                     by(fenliu.CanSeeGovernance),
	"GET /api/v1/hotspots":                                by(fenliu.CanSeeGovernance),
	"GET /api/v1/warnings":                                seeWarnings,
	"GET /api/v1/warnings/{id}":                           absent(func(*fenliu.User) error { return nil }, "预警单", "warning"),
	"GET /api/v1/scenarios":                               allow, // unit staff: those their unit works on
	"POST /api/v1/scenarios":                              by(fenliu.CanManageScenarios),
	"GET /api/v1/scenarios/{id}":                          absent(func(*fenliu.User) error { return nil }, "场景", "scenario"),
	"POST /api/v1/scenarios/{id}/measures":                emptyBody(fenliu.CanManageScenarios),
	"POST /api/v1/scenarios/{id}/measures/{mid}/progress": emptyBody(func(*fenliu.User) error { return nil }), // the empty report is refused before the measure is looked up
	"POST /api/v1/scenarios/{id}/close":                   absent(fenliu.CanManageScenarios, "场景", "scenario"),
}

// absent: the probe names a resource that does not exist: whoever passes
// check learns it is not found.
func absent(check func(*fenliu.User) error, zh, en string) rule {
	return func(_ *authzFixture, u *fenliu.User) error {
		if err := check(u); err != nil {
			return err
		}
		return fenliu.NotFound(zh, en, 999999)
	}
}

// emptyBody: whoever passes check is told the probe's empty body is invalid.
func emptyBody(check func(*fenliu.User) error) rule {
	return func(_ *authzFixture, u *fenliu.User) error {
		if err := check(u); err != nil {
			return err
		}
		return &fenliu.Error{Code: fenliu.EInvalid}
	}
}

// seeWarnings: class-level warnings are for the governance roles and for
// unit staff (those sent to their unit).
func seeWarnings(_ *authzFixture, u *fenliu.User) error {
	if u.Role == fenliu.RoleUnitStaff {
		return nil
	}
	return fenliu.CanSeeGovernance(u)
}

// noDeadLetter: the probe names a dead letter that does not exist; only an
// admin may learn so.
func noDeadLetter(_ *authzFixture, u *fenliu.User) error {
	if err := fenliu.CanAdminister(u); err != nil {
		return err
	}
	return fenliu.NotFound("死信", "dead letter", 999999)
}

// shiftOfUnit: the fixture's shift, of unit A — fenliu.CanReportRoster.
func shiftOfUnit(f *authzFixture, u *fenliu.User) error {
	return fenliu.CanReportRoster(u, f.shiftUnit)
}

// tokenFor: a token for the fixture's call-taker — the call-taker, or an admin.
func tokenFor(f *authzFixture, u *fenliu.User) error {
	if u.ID == f.users["taker"].ID {
		return nil
	}
	return fenliu.CanAdminister(u)
}

var consoleRules = map[string]rule{
	"GET /static/{version}/{path...}":              allow,
	"GET /login":                                   allow,
	"POST /login":                                  func(*authzFixture, *fenliu.User) error { return &fenliu.Error{Code: fenliu.EUnauthorized} }, // an empty form signs nobody in
	"POST /logout":                                 allow,
	"GET /lang/{lang}":                             allow,
	"GET /{$}":                                     allow,
	"GET /events":                                  allow,
	"GET /uploads/{token}":                         seeOrder, // the incident's photo: whoever may see the incident
	"GET /desk":                                    both(by(fenliu.CanIntake), by(fenliu.CanDecide)),
	"POST /desk/suggest":                           by(fenliu.CanIntake),
	"POST /desk/incidents":                         both(by(fenliu.CanIntake), by(fenliu.CanDecide)),
	"GET /linkage":                                 by(fenliu.CanDecide),
	"GET /incidents/{id}":                          seeOrder,
	"POST /incidents/{id}/dispatch":                by(fenliu.CanDecide),
	"POST /incidents/{id}/dispatch-suggested":      by(fenliu.CanDecide),
	"POST /incidents/{id}/decide":                  by(fenliu.CanDecide),
	"POST /incidents/{id}/note":                    both(seeOrder, by(fenliu.CanNote)),
	"POST /incidents/{id}/reveal":                  reveal,
	"GET /inbox":                                   allow,
	"GET /orders/{id}":                             seeOrder,
	"POST /orders/{id}/act/{action}":               act(fenliu.ActSign),
	"POST /orders/{id}/notice":                     by(fenliu.CanSupervise),
	"POST /notices/{id}/reply":                     replyNotice,
	"GET /supervise":                               by(fenliu.CanSupervise),
	"GET /callbacks":                               by(fenliu.CanCallBack),
	"GET /dashboard":                               by(fenliu.CanReport),
	"GET /dashboard/orders":                        by(fenliu.CanReport),
	"GET /dashboard/report.xlsx":                   by(fenliu.CanReport),
	"GET /bulletins":                               by(fenliu.CanReport),
	"GET /bulletins/{id}":                          by(fenliu.CanReport),
	"GET /admin":                                   by(fenliu.CanAdminister),
	"POST /admin/users":                            by(fenliu.CanAdminister),
	"POST /admin/units":                            by(fenliu.CanAdminister),
	"POST /admin/areas":                            by(fenliu.CanAdminister),
	"POST /admin/shifts":                           allow, // the form names the unit (CanReportRoster)
	"GET /admin/catalog.yaml":                      by(fenliu.CanAdminister),
	"GET /admin/catalog.csv":                       by(fenliu.CanAdminister),
	"POST /admin/catalog":                          by(fenliu.CanAdminister),
	"GET /favicon.ico":                             allow,
	"POST /admin/users/{id}":                       by(fenliu.CanAdminister),
	"POST /admin/units/{id}":                       by(fenliu.CanAdminister),
	"POST /admin/areas/{id}":                       by(fenliu.CanAdminister),
	"POST /admin/shifts/{id}":                      shiftOfUnit,
	"POST /admin/shifts/{id}/delete":               shiftOfUnit,
	"GET /admin/subscribers":                       by(fenliu.CanAdminister),
	"POST /admin/subscribers":                      by(fenliu.CanAdminister),
	"GET /admin/subscribers/{id}":                  by(fenliu.CanAdminister),
	"POST /admin/subscribers/{id}/active":          by(fenliu.CanAdminister),
	"POST /admin/subscribers/{id}/delete":          by(fenliu.CanAdminister),
	"POST /admin/dead-letters/{id}/replay":         noDeadLetter,
	"GET /map":                                     by(fenliu.CanSeeGovernance),
	"GET /map/areas/{id}":                          by(fenliu.CanSeeGovernance),
	"GET /warnings":                                seeWarnings,
	"GET /scenarios":                               allow,
	"POST /scenarios":                              by(fenliu.CanManageScenarios),
	"GET /scenarios/{id}":                          absent(func(*fenliu.User) error { return nil }, "场景", "scenario"),
	"POST /scenarios/{id}/measures":                emptyBody(fenliu.CanManageScenarios),
	"POST /scenarios/{id}/measures/{mid}/progress": emptyBody(func(*fenliu.User) error { return nil }), // the empty report is refused before the measure is looked up
	"POST /scenarios/{id}/close":                   absent(fenliu.CanManageScenarios, "场景", "scenario"),
	"GET /guide":                                   allow,
	"GET /report":                                  allow,
	"POST /report": func(_ *authzFixture, u *fenliu.User) error { // citizens; signed in, a grid worker's intake
		if u == nil {
			return nil
		}
		return fenliu.CanIntake(u)
	},
	"GET /track": allow,
}

const matrixPassword = "Matrix-Pass-2026"

type authzFixture struct {
	users     map[string]*fenliu.User // by username; "" is nobody
	tokens    map[string]string
	inc       *fenliu.Incident
	order     *fenliu.Order
	notice    *fenliu.Notice
	upload    string
	rule      int64
	bull      int64
	spare     int64            // the account the probes disable and enable (no subject)
	ids       map[string]int64 // the other {id}s by the path segment before them
	shiftUnit int64
}

// subject is who probes: a user (or nobody) and how they get in.
type subject struct {
	name  string
	user  *fenliu.User
	token string       // API
	web   *http.Client // console, signed in (or not)
	csrf  string
}

func TestAuthorizationMatrix(t *testing.T) {
	m := servertest.Start(t, "", nil)
	a := m.App
	ctx := context.Background()
	f := &authzFixture{users: map[string]*fenliu.User{}, tokens: map[string]string{}}
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, matrixPassword); err != nil {
		t.Fatal(err)
	}
	f.users["admin"] = admin
	unitA := &fenliu.Unit{Code: "A", Name: "甲", Type: fenliu.UTUrbanManagement, AlwaysOn: true}
	unitB := &fenliu.Unit{Code: "B", Name: "乙", Type: fenliu.UTHousing, AlwaysOn: true}
	for _, u := range []*fenliu.Unit{unitA, unitB} {
		if err := a.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*fenliu.User{
		{Username: "taker", Role: fenliu.RoleCallTaker}, {Username: "desk", Role: fenliu.RoleLinkageDesk},
		{Username: "super", Role: fenliu.RoleSupervisor}, {Username: "cb", Role: fenliu.RoleCallback},
		{Username: "leader", Role: fenliu.RoleLeader},
		{Username: "unit-own", Role: fenliu.RoleUnitStaff, UnitID: unitA.ID},
		{Username: "unit-other", Role: fenliu.RoleUnitStaff, UnitID: unitB.ID},
	} {
		u.DisplayName = u.Username
		if err := a.CreateUser(ctx, admin, u, matrixPassword); err != nil {
			t.Fatal(err)
		}
		f.users[u.Username] = u
	}
	spare := &fenliu.User{Username: "spare", DisplayName: "spare", Role: fenliu.RoleCallTaker}
	if err := a.CreateUser(ctx, admin, spare, ""); err != nil {
		t.Fatal(err)
	}
	f.spare = spare.ID
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	inc, _, err := a.Intake(ctx, f.users["taker"], fenliu.IncidentInput{Channel: fenliu.Channel110, ChannelRef: "110-1", CallerName: "张三",
		CallerPhone: "13800004389", Text: "楼下烧烤摊太吵", Address: "江南大道1号", Files: []fenliu.File{{Name: "p.png", Data: png}}})
	if err != nil {
		t.Fatal(err)
	}
	f.inc, f.upload = inc, strings.TrimPrefix(inc.Attachments[0].URI, fenliu.UploadPrefix)
	if _, err := a.Decide(ctx, f.users["desk"], inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
		t.Fatal(err)
	}
	orders, err := a.Dispatch(ctx, f.users["desk"], inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: unitA.ID, Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	f.order = orders[0]
	if f.notice, err = a.SendNotice(ctx, f.users["super"], f.order.ID, fenliu.NoticeSupervision, "请尽快处理", a.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r := &fenliu.RoutingRule{UnitType: fenliu.UTUrbanManagement, UnitID: unitA.ID}
	if err := a.AddRoutingRule(ctx, admin, r); err != nil {
		t.Fatal(err)
	}
	f.rule = r.ID
	ar := &fenliu.Area{Code: "G1", Name: "一号网格", Level: fenliu.AreaDistrict}
	if err := a.CreateArea(ctx, admin, ar); err != nil {
		t.Fatal(err)
	}
	sh := &fenliu.Shift{UnitID: unitA.ID, StartsAt: a.Now(), EndsAt: a.Now().Add(8 * time.Hour), Person: "值班员"}
	if err := a.AddShift(ctx, admin, sh); err != nil {
		t.Fatal(err)
	}
	sub, err := a.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: "12345", URL: "http://127.0.0.1:1/hook", Kinds: []string{string(fenliu.EvDispatch)}})
	if err != nil {
		t.Fatal(err)
	}
	f.ids = map[string]int64{"/units/": unitB.ID, "/areas/": ar.ID, "/shifts/": sh.ID, "/subscribers/": sub.ID, "/dead-letters/": 999999, "/models/": 0, "/addresses/": 999999, "/warnings/": 999999, "/scenarios/": 999999, "/measures/": 999999}
	f.shiftUnit = unitA.ID
	// renew gives a deleting probe a fresh shift and subscriber, so that each
	// subject deletes one that exists.
	renewed := 0
	renew := func() {
		renewed++
		sh := &fenliu.Shift{UnitID: unitA.ID, StartsAt: a.Now(), EndsAt: a.Now().Add(8 * time.Hour), Person: "值班员"}
		if err := a.AddShift(ctx, admin, sh); err != nil {
			t.Fatal(err)
		}
		sub, err := a.CreateSubscriber(ctx, admin, fenliu.SubscriberInput{Name: fmt.Sprintf("12345-%d", renewed), URL: "http://127.0.0.1:1/hook", Kinds: []string{string(fenliu.EvDispatch)}})
		if err != nil {
			t.Fatal(err)
		}
		f.ids["/shifts/"], f.ids["/subscribers/"] = sh.ID, sub.ID
	}
	if _, err := a.GenerateBulletins(ctx); err != nil {
		t.Fatal(err)
	}
	if bs, err := a.Bulletins(ctx, admin, 1); err != nil || len(bs) == 0 {
		t.Fatalf("no bulletin: %v", err)
	} else {
		f.bull = bs[0].ID
	}

	subjects := []*subject{{name: "nobody", web: jarClient()}}
	names := make([]string, 0, len(f.users))
	for n := range f.users {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		u := f.users[n]
		tok, err := a.CreateToken(ctx, nil, u.ID, "matrix")
		if err != nil {
			t.Fatal(err)
		}
		s, err := a.SignIn(ctx, n, matrixPassword, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c := jarClient()
		base, _ := url.Parse(m.URL())
		c.Jar.SetCookies(base, []*http.Cookie{{Name: "fenliu_session", Value: s.ID, Path: "/"}})
		subjects = append(subjects, &subject{name: n, user: u, token: tok, web: c, csrf: s.CSRF})
	}
	// Nobody's report form needs its page's token.
	resp, err := subjects[0].web.Get(m.URL() + "/report")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	base, _ := url.Parse(m.URL())
	for _, c := range subjects[0].web.Jar.Cookies(base) {
		if c.Name == "fenliu_pcsrf" {
			subjects[0].csrf = c.Value
		}
	}

	type probe struct {
		table, pattern string
		public         bool
		rule           rule
	}
	var probes []probe
	seen := map[string]bool{}
	for _, rt := range m.API.Routes() {
		probes = append(probes, probe{"api", rt.Pattern, rt.Public, apiRules[rt.Pattern]})
		seen["api "+rt.Pattern] = true
	}
	for _, rt := range m.Console.Routes() {
		probes = append(probes, probe{"console", rt.Pattern, rt.Public, consoleRules[rt.Pattern]})
		seen["console "+rt.Pattern] = true
	}
	for p := range apiRules {
		if !seen["api "+p] {
			t.Errorf("api rule for %q: no such route", p)
		}
	}
	for p := range consoleRules {
		if !seen["console "+p] {
			t.Errorf("console rule for %q: no such route", p)
		}
	}
	// Signing out and disabling last: they end sessions and tokens.
	last := func(p string) bool { return p == "POST /logout" || strings.HasSuffix(p, "/disable") }
	sort.SliceStable(probes, func(i, j int) bool { return last(probes[j].pattern) && !last(probes[i].pattern) })
	n := 0
	for _, p := range probes {
		if p.rule == nil {
			t.Errorf("%s route %q has no entry in the authorization matrix", p.table, p.pattern)
			continue
		}
		for _, s := range subjects {
			if p.pattern == "DELETE /api/v1/subscribers/{id}" || strings.HasSuffix(p.pattern, "{id}/delete") {
				renew()
			}
			got := f.send(t, m.URL(), p.table, p.pattern, s)
			n++
			var want error
			switch {
			case s.user == nil && !p.public:
				want = &fenliu.Error{Code: fenliu.EUnauthorized}
			default: // public routes' rules take a nil user
				want = p.rule(f, s.user)
			}
			if p.pattern == "POST /login" && got == http.StatusTooManyRequests {
				got = http.StatusUnauthorized // the fifth empty try from one address is held back: that is the throttle
			}
			what := fmt.Sprintf("%s %s as %s", p.table, p.pattern, s.name)
			switch {
			case got >= 500:
				t.Errorf("%s: %d", what, got)
			case want == nil && (got == 401 || got == 403 || got == 404):
				t.Errorf("%s: %d, want it allowed", what, got)
			case want != nil && s.user == nil && p.table == "console":
				if got != http.StatusSeeOther && got != http.StatusUnauthorized {
					t.Errorf("%s: %d, want the sign-in page", what, got)
				}
			case want != nil && got != fenliu.StatusOf(want):
				t.Errorf("%s: %d, want %d (%v)", what, got, fenliu.StatusOf(want), want)
			}
		}
	}
	t.Logf("%d probes: %d routes × %d subjects", n, len(probes), len(subjects))
	if n < 750 {
		t.Errorf("only %d probes", n)
	}
}

func jarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// send probes one route as one subject, with its path filled from the
// fixture and an empty body, and returns the status.
func (f *authzFixture) send(t *testing.T, base, table, pattern string, s *subject) int {
	t.Helper()
	method, path, _ := strings.Cut(pattern, " ")
	id := map[string]string{"/incidents/": fmt.Sprint(f.inc.ID), "/orders/": fmt.Sprint(f.order.ID), "/notices/": fmt.Sprint(f.notice.ID),
		"/users/": fmt.Sprint(f.users["taker"].ID), "/rules/": fmt.Sprint(f.rule), "/bulletins/": fmt.Sprint(f.bull)}
	if strings.HasSuffix(path, "/disable") || strings.HasSuffix(path, "/enable") {
		path = strings.Replace(path, "{id}", fmt.Sprint(f.spare), 1)
	}
	for prefix, v := range f.ids {
		id[prefix] = fmt.Sprint(v)
	}
	for prefix, v := range id {
		path = strings.Replace(path, prefix+"{id}", prefix+v, 1)
	}
	path = strings.NewReplacer("{action}", "sign", "{token}", f.upload, "{code}", "city_appearance.night_market_noise",
		"{unit_type}", "urban_management", "{mid}", "999999", "{ref}", "0123456789abcdef", "{version}", "x", "{path...}", "app.css", "{lang}", "en", "{$}", "").Replace(path)
	var body io.Reader
	ctype := ""
	if method == "POST" || method == "PUT" {
		if table == "api" {
			body, ctype = bytes.NewBufferString("{}"), "application/json"
		} else {
			body, ctype = strings.NewReader(""), "application/x-www-form-urlencoded"
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel() // also ends the live stream of /events
	req, _ := http.NewRequestWithContext(ctx, method, base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	client := s.web
	if table == "api" {
		client = jarClient()
		if s.token != "" {
			req.Header.Set("Authorization", "Bearer "+s.token)
		}
	} else if s.csrf != "" {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
