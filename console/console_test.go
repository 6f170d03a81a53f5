package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/server/servertest"
)

type site struct {
	t   *testing.T
	url string
	a   *app.App
	ids map[string]int64 // users and units by name
}

// pw is a test user's password (long enough for the password policy).
func pw(user string) string { return "pw-" + strings.Repeat(user[:1], 2) + "-7Kq2x-" + user[1:] }

// newSite runs the real server (the wiring `fenliu serve` runs) on a fresh
// database with a small city.
func newSite(t *testing.T, change ...func(*server.Config)) *site {
	var ch func(*server.Config)
	if len(change) > 0 {
		ch = change[0]
	}
	m := servertest.Start(t, "", ch)
	a := m.App
	ctx := context.Background()
	s := &site{t: t, url: m.URL(), a: a, ids: map[string]int64{}}
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := a.Bootstrap(ctx, admin, pw("admin")); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*fenliu.Unit{{Code: "A", Name: "甲单位", Type: fenliu.UTUrbanManagement}, {Code: "B", Name: "乙单位", Type: fenliu.UTHousing}} {
		if err := a.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
		s.ids[u.Code] = u.ID
	}
	for _, u := range []*fenliu.User{
		{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker},
		{Username: "a", DisplayName: "甲值班员", Role: fenliu.RoleUnitStaff, UnitID: s.ids["A"]},
		{Username: "b", DisplayName: "乙值班员", Role: fenliu.RoleUnitStaff, UnitID: s.ids["B"]},
		{Username: "cb", DisplayName: "回访员", Role: fenliu.RoleCallback},
	} {
		if err := a.CreateUser(ctx, admin, u, pw(u.Username)); err != nil {
			t.Fatal(err)
		}
		s.ids[u.Username] = u.ID
	}
	return s
}

// browser is a cookie-keeping client that does not follow redirects.
func (s *site) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (s *site) get(c *http.Client, path string) (int, string) {
	s.t.Helper()
	resp, err := c.Get(s.url + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *site) post(c *http.Client, path string, form url.Values) (int, string, string) {
	s.t.Helper()
	resp, err := c.PostForm(s.url+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (s *site) login(user, pw string) (*http.Client, string) {
	s.t.Helper()
	c := s.browser()
	st, body, loc := s.post(c, "/login", url.Values{"username": {user}, "password": {pw}})
	if st != http.StatusSeeOther {
		s.t.Fatalf("login %s: %d %s", user, st, body)
	}
	_, page := s.get(c, loc)
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("no csrf token on %s", loc)
	}
	return c, m[1]
}

func TestSignInOutAndCSRF(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	if st, _ := s.get(c, "/inbox"); st != http.StatusSeeOther {
		t.Fatalf("inbox without session: %d", st)
	}
	st, body, _ := s.post(c, "/login", url.Values{"username": {"a"}, "password": {"wrong"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
		t.Fatalf("wrong password: %d", st)
	}
	c, csrf := s.login("a", pw("a"))
	if st, body := s.get(c, "/inbox"); st != 200 || !strings.Contains(body, "甲单位") {
		t.Fatalf("inbox: %d", st)
	}
	// A post without the token is refused, with it accepted.
	if st, _, _ := s.post(c, "/logout", url.Values{}); st != http.StatusSeeOther {
		t.Fatalf("logout without token: %d", st)
	}
	if st, _ := s.get(c, "/inbox"); st != 200 {
		t.Fatal("logout without the CSRF token ended the session")
	}
	st, body, _ = s.post(c, "/notices/1/reply", url.Values{"reply": {"x"}})
	if st != http.StatusForbidden || !strings.Contains(body, "页面已过期") {
		t.Fatalf("post without csrf: %d", st)
	}
	s.post(c, "/logout", url.Values{"csrf": {csrf}})
	if st, _ := s.get(c, "/inbox"); st != http.StatusSeeOther {
		t.Fatal("still signed in after logout")
	}
}

// TestSignInThrottle: an attacker's failures hold back the attacker's
// address, not the account: the real user, elsewhere, signs in; behind a
// trusted proxy each client is told apart by X-Forwarded-For, and a client
// cannot pick its address by sending the header to the server directly.
// The counts live in the database.
func TestSignInThrottle(t *testing.T) {
	m := servertest.Start(t, "", func(c *server.Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	})
	ctx := context.Background()
	admin := &fenliu.User{Username: "admin", DisplayName: "管理员", Role: fenliu.RoleAdmin}
	if err := m.App.Bootstrap(ctx, admin, pw("admin")); err != nil {
		t.Fatal(err)
	}
	if err := m.App.CreateUser(ctx, admin, &fenliu.User{Username: "taker", DisplayName: "接警员", Role: fenliu.RoleCallTaker}, pw("taker")); err != nil {
		t.Fatal(err)
	}
	try := func(from, user, pw string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", m.URL()+"/login", strings.NewReader(url.Values{"username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// The proxy appends the address it saw; a client may send its own first.
		req.Header.Set("X-Forwarded-For", "6.6.6.6, "+from+", 10.1.2.3")
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < 5; i++ {
		if st := try("203.0.113.9", "taker", "guess"); st != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, st)
		}
	}
	if st := try("203.0.113.9", "taker", pw("taker")); st != http.StatusTooManyRequests {
		t.Fatalf("attacker's address after five failures: %d, want 429", st)
	}
	if st := try("198.51.100.7", "taker", pw("taker")); st != http.StatusSeeOther {
		t.Fatalf("the real user elsewhere: %d, want a sign-in", st)
	}
	// The hold is in the database: another server on it sees it.
	if w, err := m.App.ThrottleWait(ctx, "login:203.0.113.9|taker"); err != nil || w <= 0 || w > time.Minute {
		t.Fatalf("held for %v, %v", w, err)
	}
	// The held address is held for no other account (until 50 failures).
	if st := try("203.0.113.9", "admin", pw("admin")); st != http.StatusSeeOther {
		t.Fatalf("another account from the attacker's address: %d", st)
	}
}

// TestIsolationAndEscaping: a unit cannot open another unit's order by URL;
// a call text with HTML and script is shown as text on every page.
func TestIsolationAndEscaping(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	taker := &fenliu.User{ID: s.ids["taker"], Role: fenliu.RoleCallTaker}
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	inc, _, err := s.a.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel110, Text: "楼下吵闹 " + evil, Address: evil})
	if err != nil {
		t.Fatal(err)
	}
	s.a.Decide(ctx, taker, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert})
	orders, err := s.a.Dispatch(ctx, taker, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: s.ids["A"], Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.login("a", pw("a"))
	b, _ := s.login("b", pw("b"))
	for _, path := range []string{"/inbox", "/orders/" + itoa(orders[0].ID), "/incidents/" + itoa(inc.ID)} {
		st, body := s.get(a, path)
		if st != 200 {
			t.Fatalf("%s: %d", path, st)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("%s renders the call text as HTML", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s does not show the text", path)
		}
	}
	if st, body := s.get(b, "/orders/"+itoa(orders[0].ID)); st != http.StatusNotFound || strings.Contains(body, "楼下吵闹") {
		t.Errorf("another unit opened the order: %d", st)
	}
	if st, _ := s.get(b, "/incidents/"+itoa(inc.ID)); st != http.StatusNotFound {
		t.Errorf("another unit opened the incident: %d", st)
	}
	// Signing through the console; the other unit cannot.
	ac, acsrf := s.login("a", pw("a"))
	_, bcsrf := s.login("b", pw("b"))
	if st, _, _ := s.post(b, "/orders/"+itoa(orders[0].ID)+"/act/sign", url.Values{"csrf": {bcsrf}}); st == http.StatusSeeOther {
		t.Error("another unit signed")
	}
	if st, body, _ := s.post(ac, "/orders/"+itoa(orders[0].ID)+"/act/sign", url.Values{"csrf": {acsrf}}); st != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", st, body)
	}
	if o, _ := s.a.Order(ctx, taker, orders[0].ID); o.State != fenliu.StateSigned {
		t.Errorf("order state %s", o.State)
	}
}

// TestCitizenReportAndTrack: a citizen reports without signing in, gets a
// tracking number, and the tracking page shows progress but no personal data.
func TestCitizenReportAndTrack(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	_, page := s.get(c, "/report")
	csrf := csrfRe.FindStringSubmatch(page)[1]
	st, body, _ := s.post(c, "/report", url.Values{"csrf": {csrf}, "text": {"小区门口路灯坏了一个星期"}, "address": {"友爱路8号"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "联系电话") {
		t.Fatalf("report without phone: %d", st)
	}
	st, _, loc := s.post(c, "/report", url.Values{"csrf": {csrf}, "text": {"小区门口路灯坏了一个星期"}, "address": {"友爱路8号"}, "phone": {"13912345678"}, "name": {"王女士"}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/track?no=") {
		t.Fatalf("report: %d %s", st, loc)
	}
	st, body = s.get(c, loc)
	if st != 200 || !strings.Contains(body, `id="tracking-no"`) {
		t.Fatalf("track: %d", st)
	}
	for _, private := range []string{"13912345678", "王女士"} {
		if strings.Contains(body, private) {
			t.Errorf("tracking page shows %s", private)
		}
	}
	if st, _, _ := s.post(s.browser(), "/report", url.Values{"text": {"x"}, "phone": {"139"}}); st != http.StatusForbidden {
		t.Errorf("report without the form's token: %d", st)
	}
	if _, body := s.get(c, "/track?no=NOPE"); !strings.Contains(body, "没有找到") {
		t.Error("unknown tracking number")
	}
}

func itoa(n int64) string { return fmtInt(n) }

func fmtInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
