package console

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	r.Body = http.MaxBytesReader(w, r.Body, 5*app.MaxUpload+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "上传的内容过大", EN: "upload too large"})
		return
	}
	want := ""
	if sess != nil {
		want = sess.CSRF
	} else if c, err := r.Cookie(publicCSRFCookie); err == nil {
		want = c.Value
	}
	if want == "" || !validCSRF(r, want) {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EForbidden, ZH: "页面已过期，请刷新后重试", EN: "the page has expired; reload and try again"})
		return
	}
	if wait := s.throttle.Blocked(time.Now(), "report:"+clientIP(r)); wait > 0 && sess == nil {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EForbidden, ZH: "提交过于频繁，请稍后再试", EN: "too many reports; try again later"})
		return
	}
	in := fenliu.IncidentInput{Text: r.PostFormValue("text"), Address: r.PostFormValue("address"),
		CallerName: r.PostFormValue("name"), CallerPhone: r.PostFormValue("phone")}
	if lat, err1 := strconv.ParseFloat(r.PostFormValue("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(r.PostFormValue("lng"), 64); err2 == nil {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	var actor *fenliu.User
	if sess != nil {
		actor = sess.User
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photo"] {
			if fh.Size == 0 {
				continue
			}
			att, err := s.savePhoto(r, actor, fh.Filename, fh.Size, func() (io.ReadCloser, error) { return fh.Open() })
			if err != nil {
				s.fail(w, r, sess, err)
				return
			}
			in.Attachments = append(in.Attachments, att)
		}
	}
	var inc *fenliu.Incident
	var err error
	if sess != nil {
		in.Channel = fenliu.ChannelGrid
		inc, _, err = s.app.Intake(r.Context(), sess.User, in)
	} else {
		s.throttle.Fail(time.Now(), "report:"+clientIP(r)) // counts reports, not failures: 5 per window per address
		inc, err = s.app.PublicIntake(r.Context(), in)
	}
	if err != nil {
		p.Error = errorMessage(p.Lang, err)
		if sess == nil {
			p.CSRF = s.publicCSRF(w, r)
		}
		p.Data = map[string]any{"Form": in}
		s.render(w, r, http.StatusBadRequest, "report", p)
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
