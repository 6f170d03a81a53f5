package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// The public pages: a citizen (or a signed-in grid worker) reports a matter
// and follows it by tracking number, without signing in.

const publicCSRFCookie = "fenliu_pcsrf"

func (s *Server) publicCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(publicCSRFCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: publicCSRFCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.opts.SecureCookie})
	return tok
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("report.title")
	if sess == nil {
		p.CSRF = s.publicCSRF(w, r)
	}
	p.Data = map[string]any{}
	s.render(w, r, http.StatusOK, "report", p)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("report.title")
	want := ""
	if sess != nil {
		want = sess.CSRF
	} else if c, err := r.Cookie(publicCSRFCookie); err == nil {
		want = c.Value
	}
	if want == "" {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EForbidden, ZH: "页面已过期，请刷新后重试", EN: "the page has expired; reload and try again"})
		return
	}
	// Every citizen's post counts against the address's allowance before
	// its body is read: a refused report counts as much as a kept one.
	if sess == nil {
		if wait, err := s.app.ThrottleHit(r.Context(), app.ReportThrottle, "report:"+s.clientIP(r)); err != nil {
			s.fail(w, r, sess, err)
			return
		} else if wait > 0 {
			s.fail(w, r, sess, &fenliu.Error{Code: fenliu.ETooMany, ZH: "提交过于频繁，请稍后再试", EN: "too many reports; try again later"})
			return
		}
	}
	files, err := readForm(w, r, want)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	in := fenliu.IncidentInput{Text: r.PostFormValue("text"), Address: r.PostFormValue("address"),
		CallerName: r.PostFormValue("name"), CallerPhone: r.PostFormValue("phone"),
		Files: formFilesOf(files, "photo"), Addr: s.clientIP(r)}
	if lat, err1 := strconv.ParseFloat(r.PostFormValue("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(r.PostFormValue("lng"), 64); err2 == nil {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	var inc *fenliu.Incident
	if sess != nil {
		in.Channel = fenliu.ChannelGrid
		inc, _, err = s.app.Intake(r.Context(), sess.User, in)
	} else {
		inc, err = s.app.PublicIntake(r.Context(), in)
	}
	if err != nil {
		p.Error = errorMessage(p.Lang, err)
		if sess == nil {
			p.CSRF = s.publicCSRF(w, r)
		}
		p.Data = map[string]any{"Form": in}
		status := fenliu.StatusOf(err) // the form again, with the error's own status
		if status >= 500 {
			s.log.Error("report", "err", err)
		}
		s.render(w, r, status, "report", p)
		return
	}
	http.Redirect(w, r, "/track?no="+inc.TrackingNo+"&new=1", http.StatusSeeOther)
}

func (s *Server) track(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("track.title")
	no := strings.TrimSpace(r.URL.Query().Get("no"))
	data := map[string]any{"No": no, "New": r.URL.Query().Get("new") == "1"}
	if no != "" {
		v, err := s.app.Track(r.Context(), no)
		if err != nil {
			p.Error = p.T("track.notfound")
		} else {
			data["View"] = v
			data["CategoryName"] = s.categoryName(p.Lang, v.Category)
		}
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "track", p)
}
