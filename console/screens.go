package console

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
)

// moreRoutes registers the role screens beyond the inbox and the record.
func (s *Server) moreRoutes(mux *http.ServeMux) {
	mux.Handle("GET /linkage", s.auth(s.linkage))
	mux.Handle("POST /incidents/{id}/dispatch", s.auth(s.dispatchForm))
	mux.Handle("POST /incidents/{id}/decide", s.auth(s.decideForm))
	mux.Handle("POST /incidents/{id}/note", s.auth(s.noteForm))
	mux.Handle("GET /supervise", s.auth(s.supervise))
	mux.Handle("GET /callbacks", s.auth(s.callbacks))
	mux.HandleFunc("GET /report", s.reportPage)
	mux.HandleFunc("POST /report", s.report)
	mux.HandleFunc("GET /track", s.track)
	s.adminRoutes(mux)
	s.deskRoutes(mux)
}

// queueItem is an incident waiting at the desk, with the units to offer.
type queueItem struct {
	In        *fenliu.Incident
	Suggested []int64 // suggested unit ids, lead first
}

func (s *Server) linkage(w http.ResponseWriter, r *http.Request, sess *session) {
	q, err := s.App.Queue(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "linkage")
	p.Title = p.T("nav.linkage")
	units, err := s.App.DB.Units(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	var items []queueItem
	for _, in := range q.Undispatched {
		items = append(items, queueItem{In: in, Suggested: s.suggestedUnits(in)})
	}
	var undecided []queueItem
	for _, in := range q.Undecided {
		undecided = append(undecided, queueItem{In: in})
	}
	p.Data = map[string]any{"Undecided": undecided, "Undispatched": items, "Returned": s.rowsOf(r, p, q.Returned), "Units": units}
	if r.URL.Query().Get("part") == "queue" {
		s.fragment(w, http.StatusOK, "linkage", "queue", p)
		return
	}
	s.render(w, http.StatusOK, "linkage", p)
}

// suggestedUnits reads the route recorded at intake, if any.
func (s *Server) suggestedUnits(in *fenliu.Incident) []int64 {
	return routeUnits(in.Route)
}

func (s *Server) dispatchForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	lead, _ := strconv.ParseInt(r.PostFormValue("lead"), 10, 64)
	d := fenliu.DispatchInput{Note: r.PostFormValue("note"), Orders: []fenliu.OrderSpec{{UnitID: lead, Role: fenliu.OrderLead}}}
	for _, v := range r.PostForm["assist"] {
		if a, err := strconv.ParseInt(v, 10, 64); err == nil && a != lead {
			d.Orders = append(d.Orders, fenliu.OrderSpec{UnitID: a, Role: fenliu.OrderAssist})
		}
	}
	if _, err := s.App.Dispatch(r.Context(), sess.User, id, d); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

func (s *Server) decideForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	d := fenliu.DecisionInput{Disposition: fenliu.Disposition(r.PostFormValue("disposition")), Category: r.PostFormValue("category"),
		Hotline: r.PostFormValue("hotline"), Reason: r.PostFormValue("reason")}
	if _, err := s.App.Decide(r.Context(), sess.User, id, d); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

func (s *Server) noteForm(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.App.AddNote(r.Context(), sess.User, id, r.PostFormValue("note")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	s.backTo(w, r, fmt.Sprintf("/incidents/%d", id))
}

// backTo returns to the form's "back" field if it is on this site, else to def.
func (s *Server) backTo(w http.ResponseWriter, r *http.Request, def string) {
	if b := safeNext(r.PostFormValue("back")); b != "" {
		def = b
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", def)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, def, http.StatusSeeOther)
}

func (s *Server) supervise(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := fenliu.CanSupervise(sess.User); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	now := time.Now()
	overdue, err := s.App.DB.OrdersDue(r.Context(), now, 200)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	near, err := s.App.DB.OrdersDue(r.Context(), now.Add(time.Hour), 200)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	var soon []*fenliu.Order
	late := map[int64]bool{}
	for _, o := range overdue {
		late[o.ID] = true
	}
	for _, o := range near {
		if !late[o.ID] {
			soon = append(soon, o)
		}
	}
	counts, err := s.App.DB.StateCounts(r.Context())
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "supervise")
	p.Title = p.T("nav.supervise")
	type count struct {
		State fenliu.OrderState
		N     int
	}
	var cs []count
	for _, st := range fenliu.OrderStates {
		cs = append(cs, count{st, counts[st]})
	}
	p.Data = map[string]any{"Overdue": s.rowsOf(r, p, overdue), "Soon": s.rowsOf(r, p, soon), "Counts": cs, "Units": s.unitNames(r),
		"Notices": s.noticeRows(r, sess, store.NoticeFilter{Limit: 30})}
	if r.URL.Query().Get("part") == "body" {
		s.fragment(w, http.StatusOK, "supervise", "body", p)
		return
	}
	s.render(w, http.StatusOK, "supervise", p)
}

// callbackItem is a closed order waiting for its callback.
type callbackItem struct {
	O     *fenliu.Order
	In    *fenliu.Incident
	Unit  string
	Phone string     // shown to callback staff only
	Due   *time.Time // the callback's own limit
}

func (s *Server) callbacks(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := fenliu.CanCallBack(sess.User); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	orders, err := s.App.DB.Orders(r.Context(), store.OrderFilter{States: []fenliu.OrderState{fenliu.StateClosed}, Limit: 100})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	units := s.unitNames(r)
	var items []callbackItem
	for _, o := range orders {
		in, err := s.App.DB.Incident(r.Context(), o.IncidentID)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		it := callbackItem{O: o, In: in, Unit: units[o.UnitID]}
		if o.ClosedAt != nil {
			due := o.ClosedAt.Add(app.CallbackLimit)
			it.Due = &due
		}
		if sess.User.Role == fenliu.RoleCallback {
			it.Phone = in.CallerPhone
		}
		items = append(items, it)
	}
	p := s.newPage(r, sess, "", "callbacks")
	p.Title = p.T("nav.callbacks")
	scale, _ := s.App.DB.Setting(r.Context(), app.SettingCallbackScale)
	levels := []fenliu.Satisfaction{fenliu.Satisfied, fenliu.BasicSatisfied, fenliu.Unsatisfied}
	if scale == "5" {
		levels = []fenliu.Satisfaction{fenliu.VerySatisfied, fenliu.Satisfied, fenliu.BasicSatisfied, fenliu.Unsatisfied, fenliu.VeryUnsatisfied}
	}
	p.Data = map[string]any{"Items": items, "Levels": levels}
	s.render(w, http.StatusOK, "callbacks", p)
}

// The public pages: a citizen (or a signed-in grid worker) reports a matter
// and follows it by tracking number, without signing in.

const publicCSRFCookie = "fenliu_pcsrf"

func (s *Server) publicCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(publicCSRFCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: publicCSRFCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.Opts.SecureCookie})
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
	s.render(w, http.StatusOK, "report", p)
}

func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	sess := s.currentSession(r)
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("report.title")
	r.Body = http.MaxBytesReader(w, r.Body, 5*s.Opts.MaxUpload)
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
	var uid int64
	if sess != nil {
		uid = sess.User.ID
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photo"] {
			if fh.Size == 0 {
				continue
			}
			att, err := s.savePhoto(r, uid, fh.Filename, fh.Size, func() (io.ReadCloser, error) { return fh.Open() })
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
		inc, _, err = s.App.Intake(r.Context(), sess.User, in)
	} else {
		s.throttle.Fail(time.Now(), "report:"+clientIP(r)) // counts reports, not failures: 5 per window per address
		inc, err = s.App.PublicIntake(r.Context(), in)
	}
	if err != nil {
		p.Error = errorMessage(p.Lang, err)
		if sess == nil {
			p.CSRF = s.publicCSRF(w, r)
		}
		p.Data = map[string]any{"Form": in}
		s.render(w, http.StatusBadRequest, "report", p)
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
		v, err := s.App.Track(r.Context(), no)
		if err != nil {
			p.Error = p.T("track.notfound")
		} else {
			data["View"] = v
			data["CategoryName"] = s.categoryName(p.Lang, v.Category)
		}
	}
	p.Data = data
	s.render(w, http.StatusOK, "track", p)
}

// routeUnits reads the unit ids of a recorded route ({"assignments":[{"unit_id":…}]}).
func routeUnits(raw []byte) []int64 {
	if len(raw) == 0 {
		return nil
	}
	var r struct {
		Assignments []struct {
			UnitID int64 `json:"unit_id"`
		} `json:"assignments"`
	}
	if json.Unmarshal(raw, &r) != nil {
		return nil
	}
	var out []int64
	for _, a := range r.Assignments {
		out = append(out, a.UnitID)
	}
	return out
}
