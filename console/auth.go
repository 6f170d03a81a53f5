package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
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
// (field "csrf" or header X-CSRF-Token, which htmx sends), checked by
// readForm before any file is read.
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
		if r.Method == http.MethodPost {
			// The form, read once with its caps: the token before any file.
			files, err := readForm(w, r, sess.CSRF)
			if err != nil {
				s.fail(w, r, sess, err)
				return
			}
			r = withFiles(r, files)
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

// clientIP is the address a request came from: the peer's, or — when the
// peer is a trusted proxy (Options.TrustedProxies) — the last address in
// X-Forwarded-For that is not a trusted proxy. A client cannot choose its
// address by sending the header itself.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !s.trusted(a) {
			return a.Unmap().String()
		}
	}
	return host
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	p := s.newPage(r, nil, "", "")
	p.Title = p.T("login.title")
	p.Data = map[string]string{"Next": next, "Username": username}
	// Held back per account at this address and per address, never per
	// account alone: someone elsewhere cannot keep the owner out.
	ip := s.clientIP(r)
	keys := []struct {
		key string
		p   app.ThrottlePolicy
	}{{"login:" + ip + "|" + strings.ToLower(username), app.LoginAccountAddr}, {"login:" + ip, app.LoginAddr}}
	now := time.Now()
	for _, k := range keys {
		wait, err := s.app.ThrottleWait(r.Context(), k.key)
		if err != nil {
			s.fail(w, r, nil, err)
			return
		}
		if wait > 0 {
			p.Error = p.T("login.throttled", int(wait.Seconds())+1)
			w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			s.render(w, r, http.StatusTooManyRequests, "login", p)
			return
		}
	}
	st, err := s.app.SignIn(r.Context(), username, password, s.opts.SessionTTL)
	if fenliu.ErrorCode(err) == fenliu.EUnauthorized {
		for _, k := range keys {
			if err := s.app.ThrottleFail(r.Context(), k.p, k.key); err != nil {
				s.log.Error("sign-in throttle", "err", err)
			}
		}
		p.Error = errorMessage(p.Lang, err)
		s.render(w, r, http.StatusUnauthorized, "login", p)
		return
	}
	if err != nil {
		s.fail(w, r, nil, err)
		return
	}
	if err := s.app.ThrottleReset(r.Context(), keys[0].key); err != nil {
		s.log.Error("sign-in throttle", "err", err)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: st.ID, Path: "/", Expires: now.Add(s.opts.SessionTTL),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.SecureCookie})
	if next == "" {
		next = homeOf(st.User.Role)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
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

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
