// Package console is Fenliu's web console: server-rendered pages
// (html/template) with htmx, one screen per role, live updates over
// server-sent events, Chinese first and English second. It calls the service
// layer for everything — it never touches the database — and holds no
// rules: the route table is routes.go, one file per screen.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the city's time zone works on machines without tzdata

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options are the console's settings.
type Options struct {
	TileURL      string        // map tile server URL template; empty draws maps without tiles
	SecureCookie bool          // set the Secure flag on cookies (behind HTTPS)
	SessionTTL   time.Duration // default 12h
	// Live fans change notices out to open screens (default: a new broker).
	Live *Broker
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client's address (sign-in throttling, report quotas).
	TrustedProxies []netip.Prefix
}

// Server is the web console.
type Server struct {
	app     *app.App
	log     *slog.Logger
	opts    Options
	live    *Broker
	pages   map[string]*template.Template
	static  map[string]staticFile
	version string // checksum of the static files, part of their URLs
	// tileOrigin is the tile server's origin (" https://tiles.example"),
	// the only other place images may come from.
	tileOrigin string
}

type staticFile struct {
	body, gz    []byte
	contentType string
}

// New builds the console: it parses the templates and indexes the static
// files once.
func New(a *app.App, log *slog.Logger, opts Options) (*Server, error) {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Live == nil {
		opts.Live = NewBroker()
	}
	s := &Server{app: a, log: log, opts: opts, live: opts.Live}
	if u, err := url.Parse(strings.ReplaceAll(strings.ReplaceAll(opts.TileURL, "{", ""), "}", "")); err == nil && u.Host != "" && (u.Scheme == "https" || u.Scheme == "http") {
		s.tileOrigin = " " + u.Scheme + "://" + u.Host
	}
	if err := s.loadStatic(); err != nil {
		return nil, err
	}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) loadStatic() error {
	s.static = map[string]staticFile{}
	h := sha256.New()
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		h.Write([]byte(p))
		h.Write(b)
		f := staticFile{body: b, contentType: mime.TypeByExtension(path.Ext(p))}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".css") || strings.HasSuffix(p, ".svg") {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(b)
			zw.Close()
			f.gz = buf.Bytes()
		}
		s.static[strings.TrimPrefix(p, "static/")] = f
		return nil
	})
	s.version = hex.EncodeToString(h.Sum(nil))[:12]
	return err
}

// Static returns the URL of a static file, with the checksum in the path so
// browsers may cache it for ever.
func (s *Server) Static(name string) string { return "/static/" + s.version + "/" + name }

func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	f, ok := s.static[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("version") == s.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	w.Header().Add("Vary", "Accept-Encoding")
	if f.gz != nil && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(f.gz)
		return
	}
	w.Write(f.body)
}

// favicon answers browsers that ask for /favicon.ico with the SVG icon.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	r.SetPathValue("path", "favicon.svg")
	r.SetPathValue("version", s.version)
	s.serveStatic(w, r)
}

func (s *Server) parseTemplates() error {
	funcs := template.FuncMap{
		"static":       s.Static,
		"join":         strings.Join,
		"add":          func(a, b int) int { return a + b },
		"dispositions": func() []fenliu.Disposition { return fenliu.Dispositions },
		"pct":          func(f float64) float64 { return f * 100 },
		"days":         func() []int { return []int{1, 7, 30, 90, 365} },
		"periods":      func() []string { return []string{"day", "week", "month"} },
		"notices":      func(p *page, rows []noticeRow) map[string]any { return map[string]any{"P": p, "Rows": rows} },
		"deref":        func(t *time.Time) time.Time { return *t },
		"isUpload":     fenliu.IsUploadURI,
		"caller": func(p *page, in *fenliu.Incident, acc fenliu.CallerAccess) map[string]any {
			return map[string]any{"P": p, "In": in, "Access": acc}
		},
		"levels": func() []string { return []string{"district", "street", "grid"} },
		"hasID": func(ids []int64, id int64) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"dict2": func(p *page, v any) map[string]any { return map[string]any{"P": p, "I": v} },
		"act":   func(p *page, a fenliu.Action) map[string]any { return map[string]any{"P": p, "A": a} },
		"picker": func(p *page, name, list, value string, required bool) pickerArgs {
			return pickerArgs{P: p, Name: name, List: list, Value: value, Required: required}
		},
		"pickerid": func(a pickerArgs, id string) pickerArgs { a.ID = id; return a },
		"unitlist": func(p *page, id string, units []*fenliu.Unit) map[string]any {
			return map[string]any{"P": p, "ID": id, "Units": units}
		},
		"ms": func(t any) int64 {
			switch v := t.(type) {
			case *time.Time:
				if v != nil {
					return v.UnixMilli()
				}
			case time.Time:
				return v.UnixMilli()
			}
			return 0
		},
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return err
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return fmt.Errorf("template %s: %w", name, err)
		}
		s.pages[name] = t
	}
	return nil
}

// page is what every template gets.
type page struct {
	s       *Server
	loc     *time.Location // the city's time zone
	Lang    string
	User    *fenliu.User
	CSRF    string
	Title   string
	Nav     string // the active menu entry
	Flash   string
	Error   string
	Data    any
	Now     time.Time
	Version string
	TileURL string
}

// T translates a message key into the page's language.
func (p *page) T(key string, args ...any) string { return translate(p.Lang, key, args...) }

// Time formats a time in the city's zone.
func (p *page) Time(t any) string {
	var v time.Time
	switch x := t.(type) {
	case time.Time:
		v = x
	case *time.Time:
		if x == nil {
			return ""
		}
		v = *x
	default:
		return ""
	}
	if v.IsZero() {
		return ""
	}
	return v.In(p.loc).Format("2006-01-02 15:04")
}

// Local is a time as a datetime-local field holds it, in the city's zone.
func (p *page) Local(t time.Time) string { return t.In(p.loc).Format("2006-01-02T15:04") }

// StateLabel is a state's label in the page's language.
func (p *page) StateLabel(st fenliu.OrderState) string { return p.codeLabel("state.", string(st)) }

// ActionLabel is an action's label in the page's language.
func (p *page) ActionLabel(a fenliu.Action) string { return p.codeLabel("action.", string(a)) }

// RoleLabel is a role's name in the page's language.
func (p *page) RoleLabel(r fenliu.Role) string { return p.codeLabel("role.", string(r)) }

// codeLabel is the catalogue's label for a code; an unknown code shows as
// itself.
func (p *page) codeLabel(prefix, code string) string {
	if _, ok := messages[prefix+code]; ok {
		return p.T(prefix + code)
	}
	return code
}

// Sys is a text the system wrote ("中文 / English") in the page's language.
func (p *page) Sys(text string) string { return fenliu.InLanguage(text, p.Lang) }

// UnitTypeLabel names a unit type in the page's language.
func (p *page) UnitTypeLabel(t fenliu.UnitType) string {
	for _, u := range fenliu.UnitTypes {
		if u.Code == t {
			if p.Lang == "en" {
				return u.EN
			}
			return u.ZH
		}
	}
	return string(t)
}

// Has reports whether the user has one of the roles.
func (p *page) Has(roles ...string) bool {
	if p.User == nil {
		return false
	}
	for _, r := range roles {
		if string(p.User.Role) == r {
			return true
		}
	}
	return false
}

func (s *Server) newPage(r *http.Request, sess *session, title, nav string) *page {
	p := &page{s: s, loc: s.app.Location(r.Context()), Lang: langOf(r), Title: title, Nav: nav, Now: s.app.Now(), Version: s.version, TileURL: s.opts.TileURL}
	if sess != nil {
		p.User, p.CSRF = sess.User, sess.CSRF
	}
	return p
}

// render writes a whole page, or only the named block when htmx asks for it.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no template", "name", name)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("render", "template", name, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	s.writeHTML(w, r, status, buf.Bytes())
}

// writeHTML sends a page, gzipped when the browser takes it and it is worth
// it.
func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	s.securityHeaders(w)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "Accept-Encoding")
	if len(body) > 1024 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression)
		zw.Write(body)
		zw.Close()
		h.Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		w.Write(gz.Bytes())
		return
	}
	w.WriteHeader(status)
	w.Write(body)
}

// fragment writes one named template (for htmx swaps).
func (s *Server) fragment(w http.ResponseWriter, r *http.Request, status int, page, block string, p any) {
	t, ok := s.pages[page]
	if !ok {
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.Error("render fragment", "template", page, "block", block, "err", err)
		http.Error(w, "render error", http.StatusInternalServerError)
		return
	}
	s.writeHTML(w, r, status, buf.Bytes())
}

func (s *Server) securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	// Scripts only from this origin: call texts can never run as script.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:"+s.tileOrigin+"; connect-src 'self'; frame-ancestors 'none'")
}

// errorMessage is a domain error's message in the page's language.
func errorMessage(lang string, err error) string {
	var e *fenliu.Error
	if errors.As(err, &e) && fenliu.StatusOf(err) < 500 {
		if lang == "en" {
			return e.EN
		}
		return e.ZH
	}
	if lang == "en" {
		return "internal error; try again"
	}
	return "系统错误，请重试"
}

// fail answers an error on a console page.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, sess *session, err error) {
	status := fenliu.StatusOf(err) // the one table, the API's too
	if status >= 500 {
		s.log.Error("console", "path", r.URL.Path, "err", err)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "30")
	}
	p := s.newPage(r, sess, "", "")
	p.Error = errorMessage(p.Lang, err)
	if r.Header.Get("HX-Request") == "true" {
		s.fragment(w, r, status, "error", "message", p)
		return
	}
	p.Title = p.T("error.title")
	p.Data = map[string]any{"Back": backLink(r), "Typed": typed(r)}
	s.render(w, r, status, "error", p)
}

// backLink is where an error page's 返回 goes without script: the page the
// form was on (on this site), else home.
func backLink(r *http.Request) string {
	if u, err := url.Parse(r.Referer()); err == nil && u.Host == r.Host && u.Path != "" {
		if b := safeNext(u.RequestURI()); b != "" {
			return b
		}
	}
	return "/"
}

// typed is what the user typed into the form that failed — shown on the
// error page so nothing is lost (hidden fields, passwords and files left
// out).
func typed(r *http.Request) []string {
	if r.Method != http.MethodPost || r.PostForm == nil {
		return nil
	}
	skip := map[string]bool{"csrf": true, "version": true, "back": true, "do": true, "ref": true, "lat": true, "lng": true,
		"disposition": true, "category": true, "next": true, "unreachable": true, "solved": true, "complaint": true}
	var keys []string
	for k := range r.PostForm {
		if !skip[k] && !strings.Contains(k, "password") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		for _, v := range r.PostForm[k] {
			if v = strings.TrimSpace(v); v != "" && v != "0" {
				out = append(out, v)
			}
		}
	}
	return out
}
