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
	"github.com/fenliu/fenliu/store"
)

// orderRow is an order with its incident's text, for lists.
type orderRow struct {
	P    *page
	O    *fenliu.Order
	Text string
}

func (s *Server) rowsOf(r *http.Request, p *page, orders []*fenliu.Order) []orderRow {
	out := make([]orderRow, 0, len(orders))
	texts := map[int64]string{}
	for _, o := range orders {
		t, ok := texts[o.IncidentID]
		if !ok {
			if in, err := s.App.DB.Incident(r.Context(), o.IncidentID); err == nil {
				t = in.Text
			}
			texts[o.IncidentID] = t
		}
		out = append(out, orderRow{P: p, O: o, Text: t})
	}
	return out
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, sess *session) {
	p := s.newPage(r, sess, "", "inbox")
	p.Title = p.T("inbox.title")
	f := store.OrderFilter{Limit: 200}
	if sess.User.Role != fenliu.RoleUnitStaff {
		id, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
		f.UnitID = id
	}
	orders, err := s.App.Orders(r.Context(), sess.User, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	var todo, doing, done []*fenliu.Order
	for _, o := range orders {
		switch o.State {
		case fenliu.StateDispatched, fenliu.StateReopened:
			todo = append(todo, o)
		case fenliu.StateSigned, fenliu.StateArrived:
			doing = append(doing, o)
		default:
			if len(done) < 30 {
				done = append(done, o)
			}
		}
	}
	unitName := ""
	if sess.User.UnitID != 0 {
		if u, err := s.App.DB.Unit(r.Context(), sess.User.UnitID); err == nil {
			unitName = u.Name
		}
	}
	p.Data = map[string]any{"Todo": s.rowsOf(r, p, todo), "Doing": s.rowsOf(r, p, doing), "Done": s.rowsOf(r, p, done), "UnitName": unitName,
		"Notices": s.noticeRows(r, sess, store.NoticeFilter{UnitID: sess.User.UnitID, Limit: 20})}
	if r.URL.Query().Get("part") == "list" {
		s.fragment(w, http.StatusOK, "inbox", "list", p)
		return
	}
	s.render(w, http.StatusOK, "inbox", p)
}

// timelineRow is an event as the timeline shows it.
type timelineRow struct {
	P      *page
	E      *fenliu.Event
	Actor  string
	Detail string
}

func (s *Server) timeline(r *http.Request, p *page, events []*fenliu.Event) []timelineRow {
	users := map[int64]string{}
	if all, err := s.App.DB.Users(r.Context()); err == nil {
		for _, u := range all {
			users[u.ID] = u.DisplayName
		}
	}
	units := s.unitNames(r)
	out := make([]timelineRow, 0, len(events))
	for _, e := range events {
		row := timelineRow{P: p, E: e, Actor: users[e.ActorID]}
		switch e.Kind {
		case fenliu.EvDispatch:
			if id, ok := e.Data["unit_id"].(float64); ok {
				row.Detail = units[int64(id)] + " · " + p.T("order.role."+fmt.Sprint(e.Data["role"]))
			}
		case fenliu.EvDecide:
			row.Detail = p.T("disp." + fmt.Sprint(e.Data["disposition"]))
			if c, ok := e.Data["category"].(string); ok {
				row.Detail += " · " + s.categoryName(p.Lang, c)
			}
			if h, ok := e.Data["hotline"].(string); ok {
				row.Detail += " · " + h
			}
		case fenliu.EventKind(fenliu.ActReroute):
			if id, ok := e.Data["to_unit"].(float64); ok {
				row.Detail = "→ " + units[int64(id)]
			}
		case fenliu.EventKind(fenliu.ActCallback):
			solved, _ := e.Data["solved"].(bool)
			row.Detail = p.T("order.solved") + " " + map[bool]string{true: p.T("yes"), false: p.T("no")}[solved] +
				" · " + p.T("sat."+fmt.Sprint(e.Data["satisfaction"]))
			if c, _ := e.Data["complaint"].(bool); c {
				row.Detail += " · " + p.T("order.complaint")
			}
		}
		out = append(out, row)
	}
	return out
}

func (s *Server) unitNames(r *http.Request) map[int64]string {
	names := map[int64]string{}
	if units, err := s.App.DB.Units(r.Context()); err == nil {
		for _, u := range units {
			names[u.ID] = u.Name
		}
	}
	return names
}

func (s *Server) categoryName(lang, code string) string {
	if c := s.App.Catalog(); c != nil {
		if cat := c.Category(code); cat != nil {
			if lang == "en" {
				return cat.NameEN
			}
			return cat.NameZH
		}
	}
	return code
}

func pathInt(r *http.Request, name string) (int64, error) {
	v, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || v <= 0 {
		return 0, &fenliu.Error{Code: fenliu.ENotFound, ZH: "编号无效", EN: "invalid id"}
	}
	return v, nil
}

func (s *Server) orderPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	o, err := s.App.Order(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	view, err := s.App.Incident(r.Context(), sess.User, o.IncidentID)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "inbox")
	p.Title = p.T("order.title", o.ID)
	var events []*fenliu.Event
	for _, e := range view.Events {
		if e.OrderID == o.ID || e.OrderID == 0 {
			events = append(events, e)
		}
	}
	units := s.unitNames(r)
	var rerouteTo []*fenliu.Unit
	if all, err := s.App.DB.Units(r.Context()); err == nil {
		for _, u := range all {
			if u.ID != o.UnitID {
				rerouteTo = append(rerouteTo, u)
			}
		}
	}
	p.Data = map[string]any{"O": o, "Incident": view.Incident, "UnitName": units[o.UnitID],
		"Actions": fenliu.AllowedActions(sess.User, o), "Timeline": s.timeline(r, p, events),
		"ShowCaller": fenliu.SeesPersonalData(sess.User), "Units": rerouteTo,
		"Notices": s.noticeRows(r, sess, store.NoticeFilter{OrderID: o.ID, Limit: 50}), "Supervise": fenliu.CanSupervise(sess.User) == nil}
	s.render(w, http.StatusOK, "order", p)
}

// orderAct performs an action from a form (with photos for feedback).
func (s *Server) orderAct(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	action := fenliu.Action(r.PathValue("action"))
	in, err := s.actionInput(w, r, sess)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if _, err := s.App.Act(r.Context(), sess.User, id, action, in); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/orders/%d", id), http.StatusSeeOther)
}

// actionInput reads an action form: note, version, unit, callback fields,
// location and photos (stored as uploads and attached).
func (s *Server) actionInput(w http.ResponseWriter, r *http.Request, sess *session) (fenliu.ActionInput, error) {
	var in fenliu.ActionInput
	r.Body = http.MaxBytesReader(w, r.Body, 5*s.Opts.MaxUpload)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return in, &fenliu.Error{Code: fenliu.ETooLarge, ZH: "上传的内容过大", EN: "upload too large"}
		}
	} else if err := r.ParseForm(); err != nil {
		return in, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单无效", EN: "invalid form"}
	}
	in.Note = r.PostFormValue("note")
	in.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	in.UnitID, _ = strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	if v := r.PostFormValue("solved"); v != "" {
		b := v == "true"
		in.Solved = &b
	}
	in.Satisfaction = fenliu.Satisfaction(r.PostFormValue("satisfaction"))
	in.Complaint = r.PostFormValue("complaint") == "true"
	if lat, err1 := strconv.ParseFloat(r.PostFormValue("lat"), 64); err1 == nil {
		if lng, err2 := strconv.ParseFloat(r.PostFormValue("lng"), 64); err2 == nil {
			in.Lat, in.Lng = &lat, &lng
		}
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photo"] {
			if fh.Size == 0 {
				continue
			}
			att, err := s.savePhoto(r, sess.User.ID, fh.Filename, fh.Size, func() (io.ReadCloser, error) { return fh.Open() })
			if err != nil {
				return in, err
			}
			in.Attachments = append(in.Attachments, att)
		}
	}
	return in, nil
}

// savePhoto stores an uploaded image and returns it as an attachment.
func (s *Server) savePhoto(r *http.Request, userID int64, name string, size int64, open func() (io.ReadCloser, error)) (fenliu.Attachment, error) {
	if size > s.Opts.MaxUpload {
		return fenliu.Attachment{}, fenliu.Errorf(fenliu.ETooLarge, "photo", "照片不能超过 %d MB", "a photo may be at most %d MB", s.Opts.MaxUpload>>20)
	}
	f, err := open()
	if err != nil {
		return fenliu.Attachment{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.Opts.MaxUpload+1))
	if err != nil {
		return fenliu.Attachment{}, err
	}
	ct := http.DetectContentType(data)
	if !strings.HasPrefix(ct, "image/") {
		return fenliu.Attachment{}, &fenliu.Error{Code: fenliu.EInvalid, Field: "photo", ZH: "只能上传图片", EN: "only images may be uploaded"}
	}
	if len(name) > 100 {
		name = name[:100]
	}
	up := &store.Upload{Name: strings.ToValidUTF8(name, "_"), ContentType: ct, Data: data, CreatedBy: userID, CreatedAt: time.Now()}
	if err := s.App.DB.Tx(r.Context(), func(q *store.Q) error { return q.CreateUpload(r.Context(), up) }); err != nil {
		return fenliu.Attachment{}, err
	}
	return fenliu.Attachment{Kind: "photo", URI: "/uploads/" + up.Token, Name: up.Name}, nil
}

// upload serves a stored file to signed-in users. Its token is unguessable
// and only appears on pages of the incident it belongs to.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, sess *session) {
	up, err := s.App.DB.UploadByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	w.Header().Set("Content-Type", up.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write(up.Data)
}

// incidentRow is an order with its unit's name.
type incidentOrder struct {
	O    *fenliu.Order
	Unit string
}

func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	view, err := s.App.Incident(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("incident.title", id)
	units := s.unitNames(r)
	var orders []incidentOrder
	for _, o := range view.Orders {
		orders = append(orders, incidentOrder{O: o, Unit: units[o.UnitID]})
	}
	p.Data = map[string]any{"Incident": view.Incident, "Orders": orders, "Timeline": s.timeline(r, p, view.Events),
		"ShowCaller": fenliu.SeesPersonalData(sess.User), "CategoryName": s.categoryName(p.Lang, view.Incident.Category),
		"GeoJSON": s.geoJSON(r, view.Incident)}
	s.render(w, http.StatusOK, "incident", p)
}

// geoJSON is the incident's point and its area's centre as a GeoJSON
// FeatureCollection, for the map (drawn even without a tile server).
func (s *Server) geoJSON(r *http.Request, in *fenliu.Incident) string {
	type feature struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	var fs []feature
	if in.Lat != nil {
		fs = append(fs, feature{"Feature", map[string]any{"type": "Point", "coordinates": []float64{*in.Lng, *in.Lat}},
			map[string]any{"kind": "incident", "name": in.Address}})
	}
	if in.AreaID != 0 {
		if areas, err := s.App.DB.Areas(r.Context()); err == nil {
			for _, a := range areas {
				if a.ID == in.AreaID && a.Lat != nil {
					fs = append(fs, feature{"Feature", map[string]any{"type": "Point", "coordinates": []float64{*a.Lng, *a.Lat}},
						map[string]any{"kind": "area", "name": a.Name}})
				}
			}
		}
	}
	if len(fs) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
