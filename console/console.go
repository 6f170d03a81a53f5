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

// StateLabel is a state's label in the page's language.
func (p *page) StateLabel(st fenliu.OrderState) string {
	if p.Lang == "en" {
		return strings.ReplaceAll(string(st), "_", " ")
	}
	return st.ZH()
}

// ActionLabel is an action's label in the page's language.
func (p *page) ActionLabel(a fenliu.Action) string {
	if p.Lang == "en" {
		return string(a)
	}
	return a.ZH()
}

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
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) {
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
	s.securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fragment writes one named template (for htmx swaps).
func (s *Server) fragment(w http.ResponseWriter, status int, page, block string, p any) {
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
	s.securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
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
		s.fragment(w, status, "error", "message", p)
		return
	}
	p.Title = p.T("error.title")
	s.render(w, status, "error", p)
}
