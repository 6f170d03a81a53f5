package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
)

const (
	sessionCookie = "fenliu_session"
	langCookie    = "fenliu_lang"
)

type session struct {
	User *fenliu.User
	CSRF string
	ID   string
}

type sessionKey struct{}

// auth requires a signed-in session; form posts must carry its CSRF token
// (field "csrf" or header X-CSRF-Token, which htmx sends).
func (s *Server) auth(h func(w http.ResponseWriter, r *http.Request, sess *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.currentSession(r)
		if sess == nil {
			if r.Header.Get("HX-Request") == "true" || r.URL.Path == "/events" {
				w.Header().Set("HX-Redirect", "/login")
				http.Error(w, "sign in", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost && !validCSRF(r, sess.CSRF) {
			s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EForbidden, ZH: "页面已过期，请刷新后重试", EN: "the page has expired; reload and try again"})
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, sess)), sess)
	})
}

func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (s *Server) currentSession(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	st, err := s.app.Session(r.Context(), c.Value)
	if err != nil {
		if fenliu.StatusOf(err) >= 500 {
			s.log.Error("session", "err", err)
		}
		return nil
	}
	return &session{User: st.User, CSRF: st.CSRF, ID: c.Value}
}

// langOf is the page's language: the user's choice (the cookie the header's
// switch sets), else the browser's first language it names that the
// console speaks (Accept-Language), else Chinese.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "zh") {
		return c.Value
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage picks zh or en from an Accept-Language header, by the
// weights it gives (q=…); Chinese when neither is named.
func acceptLanguage(h string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		tag = strings.ToLower(tag)
		var lang string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = "en"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	return best
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != "en" {
		lang = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookie})
	back := r.Referer()
	if u, err := url.Parse(back); err != nil || back == "" || u.Host != r.Host {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// home sends each role to its own screen.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	if sess == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, homeOf(sess.User.Role), http.StatusSeeOther)
}

func homeOf(r fenliu.Role) string {
	switch r {
	case fenliu.RoleCallTaker:
		return "/desk"
	case fenliu.RoleLinkageDesk:
		return "/linkage"
	case fenliu.RoleUnitStaff:
		return "/inbox"
	case fenliu.RoleSupervisor:
		return "/supervise"
	case fenliu.RoleCallback:
		return "/callbacks"
	case fenliu.RoleLeader:
		return "/supervise"
	case fenliu.RoleAdmin:
		return "/admin"
	}
	return "/inbox"
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if sess := s.currentSession(r); sess != nil {
		http.Redirect(w, r, homeOf(sess.User.Role), http.StatusSeeOther)
		return
	}
	p := s.newPage(r, nil, "", "")
	p.Title = p.T("login.title")
	p.Data = map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return ""
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	p := s.newPage(r, nil, "", "")
	p.Title = p.T("login.title")
	p.Data = map[string]string{"Next": next, "Username": username}
	keys := []string{"u:" + username, "ip:" + clientIP(r)}
	now := time.Now()
	if wait := s.throttle.Blocked(now, keys...); wait > 0 {
		p.Error = p.T("login.throttled", int(wait.Minutes())+1)
		s.render(w, r, http.StatusTooManyRequests, "login", p)
		return
	}
	st, err := s.app.SignIn(r.Context(), username, password, s.opts.SessionTTL)
	if fenliu.ErrorCode(err) == fenliu.EUnauthorized {
		s.throttle.Fail(now, keys...)
		p.Error = errorMessage(p.Lang, err)
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	s.throttle.Reset(keys...)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: st.ID, Path: "/", Expires: now.Add(s.opts.SessionTTL),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookie})
	if next == "" {
		next = homeOf(st.User.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	if sess != nil && !validCSRF(r, sess.CSRF) {
		// Not from our own page: keep the session (no logout CSRF).
		http.Redirect(w, r, homeOf(sess.User.Role), http.StatusSeeOther)
		return
	}
	if sess != nil {
		if err := s.app.SignOut(r.Context(), sess.ID); err != nil {
			s.log.Error("sign out", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookie})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// Throttle limits failed sign-ins: after max failures for a key (a username
// or an address) within window, that key must wait until the oldest failure
// leaves the window.
type Throttle struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

// NewThrottle returns a throttle allowing max failures per window.
func NewThrottle(max int, window time.Duration) *Throttle {
	return &Throttle{max: max, window: window, fails: map[string][]time.Time{}}
}

// Blocked returns how long any of the keys must still wait (0: not blocked).
func (t *Throttle) Blocked(now time.Time, keys ...string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		fs := t.recent(now, k)
		if len(fs) >= t.max {
			if w := fs[0].Add(t.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait
}

// Fail records a failure for each key.
func (t *Throttle) Fail(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		t.fails[k] = append(t.recent(now, k), now)
	}
	if len(t.fails) > 100000 { // bound memory under a spray of names
		for k := range t.fails {
			if len(t.recent(now, k)) == 0 {
				delete(t.fails, k)
			}
		}
	}
}

// Reset forgets the keys' failures (after a good sign-in).
func (t *Throttle) Reset(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.fails, k)
	}
}

func (t *Throttle) recent(now time.Time, k string) []time.Time {
	fs := t.fails[k]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= t.window {
		i++
	}
	fs = fs[i:]
	t.fails[k] = fs
	return fs
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
