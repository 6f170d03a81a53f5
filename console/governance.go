package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// The governance screens (警源治理): the leader's map with hotspots, and a
// grid's orders. Routes in routes.go; texts in i18n_governance.go.

// mapQuery reads the map's filter form: category, unit type, disposition
// and the last N days.
func (s *Server) mapQuery(r *http.Request) (app.MapFilter, int, url.Values) {
	q := r.URL.Query()
	f := app.MapFilter{Category: q.Get("category"), UnitType: fenliu.UnitType(q.Get("unit_type")), Disposition: fenliu.Disposition(q.Get("disposition"))}
	days, _ := strconv.Atoi(q.Get("days"))
	if days < 1 || days > 3660 {
		days = 30
	}
	f.To = s.app.Now().Add(time.Millisecond)
	f.From = f.To.AddDate(0, 0, -days)
	keep := url.Values{}
	for _, k := range []string{"category", "unit_type", "disposition"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	keep.Set("days", strconv.Itoa(days))
	return f, days, keep
}

// govMap is the leader's map: grids shaded by their count, the incidents
// clustered, the hotspots ringed and ranked; each grid opens its orders.
func (s *Server) govMap(w http.ResponseWriter, r *http.Request, sess *session) {
	f, days, keep := s.mapQuery(r)
	v, err := s.app.Map(r.Context(), sess.User, f)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "map")
	p.Title = p.T("map.title")
	data, err := json.Marshal(map[string]any{"areas": v.Areas, "points": v.Points, "hotspots": v.Hotspots, "max": v.Max,
		"query": keep.Encode(), "lang": p.Lang,
		"labels": map[string]string{"orders": p.T("map.orders"), "calls": p.T("map.calls"), "incident": p.T("map.incident"), "grids": p.T("map.grids"), "incidents": p.T("map.incidents"), "hotspots": p.T("map.hotspots")}})
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	cats := s.app.Catalog().Categories()
	p.Data = map[string]any{"View": v, "JSON": string(data), "Days": days, "F": f, "Query": keep.Encode(), "Categories": cats, "UnitTypes": fenliu.UnitTypes}
	s.render(w, r, http.StatusOK, "map", p)
}

// govAreaOrders lists the orders of a grid (or any area) under the map's
// filter.
func (s *Server) govAreaOrders(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, sess, fenliu.NotFound("区域", "area", r.PathValue("id")))
		return
	}
	f, days, keep := s.mapQuery(r)
	ar, rows, err := s.app.AreaOrders(r.Context(), sess.User, id, f, 500)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "map")
	p.Title = ar.Name
	p.Data = map[string]any{"Area": ar, "List": withPage(p, rows), "Days": days, "Query": keep.Encode()}
	s.render(w, r, http.StatusOK, "maparea", p)
}

// govWarnings lists the class-level warning slips the user may see.
func (s *Server) govWarnings(w http.ResponseWriter, r *http.Request, sess *session) {
	ws, err := s.app.Warnings(r.Context(), sess.User, time.Time{}, time.Time{}, 200)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "warnings")
	p.Title = p.T("warn.title")
	p.Data = map[string]any{"Warnings": ws, "Manage": fenliu.CanManageScenarios(sess.User) == nil}
	s.render(w, r, http.StatusOK, "warnings", p)
}

// govScenarios lists the scenarios with their effect, and the form that
// opens one (prefilled from a hotspot: ?area=&category=).
func (s *Server) govScenarios(w http.ResponseWriter, r *http.Request, sess *session) {
	vs, err := s.app.Scenarios(r.Context(), sess.User)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "scenarios")
	p.Title = p.T("scen.title")
	data := map[string]any{"Scenarios": vs, "Manage": fenliu.CanManageScenarios(sess.User) == nil,
		"Area": r.URL.Query().Get("area"), "Category": r.URL.Query().Get("category")}
	if data["Manage"] == true {
		areas, err := s.app.Areas(r.Context(), sess.User)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		units, err := s.app.Units(r.Context(), sess.User)
		if err != nil {
			s.fail(w, r, sess, err)
			return
		}
		data["Areas"], data["Units"], data["Categories"] = areas, units, s.app.Catalog().Categories()
	}
	p.Data = data
	s.render(w, r, http.StatusOK, "scenarios", p)
}

func formIDs(vals []string) []int64 {
	var out []int64
	for _, v := range vals {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// govOpenScenario opens a scenario from the form (or a warning's button).
func (s *Server) govOpenScenario(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, sess, &fenliu.Error{Code: fenliu.EInvalid, ZH: "表单格式错误", EN: "bad form"})
		return
	}
	in := app.ScenarioInput{Title: r.FormValue("title"), Note: r.FormValue("note"), CoUnitIDs: formIDs(r.Form["co_unit_ids"])}
	in.AreaID, _ = strconv.ParseInt(r.FormValue("area_id"), 10, 64)
	in.OwnerUnitID, _ = strconv.ParseInt(r.FormValue("owner_unit_id"), 10, 64)
	in.WarningID, _ = strconv.ParseInt(r.FormValue("warning_id"), 10, 64)
	for _, c := range r.Form["categories"] {
		if c != "" {
			in.Categories = append(in.Categories, c)
		}
	}
	if in.Title == "" && in.WarningID != 0 {
		in.Title = fmt.Sprintf("预警单 #%d 场景治理", in.WarningID)
	}
	sc, err := s.app.OpenScenario(r.Context(), sess.User, in)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/scenarios/%d", sc.ID), http.StatusSeeOther)
}

// govScenario shows a scenario: its rate before and since as a chart, its
// measures and their progress, its history, and closing.
func (s *Server) govScenario(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	v, err := s.app.Scenario(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "scenarios")
	p.Title = v.Title
	loc := s.app.Location(r.Context())
	var xs []string
	var before, since []any
	for _, wk := range v.Weeks {
		xs = append(xs, wk.Start.In(loc).Format("01-02"))
		if wk.Since {
			before, since = append(before, nil), append(since, wk.Calls)
		} else {
			before, since = append(before, wk.Calls), append(since, nil)
		}
	}
	nb, ns := p.T("scen.before"), p.T("scen.since")
	chart, _ := json.Marshal(map[string]any{
		"tooltip": map[string]any{"trigger": "axis"}, "legend": map[string]any{"data": []string{nb, ns}},
		"grid":  map[string]any{"left": 36, "right": 16, "bottom": 30, "top": 36},
		"xAxis": map[string]any{"type": "category", "data": xs}, "yAxis": map[string]any{"type": "value", "minInterval": 1, "name": p.T("scen.perweek")},
		"series": []any{map[string]any{"name": nb, "type": "bar", "data": before, "itemStyle": map[string]any{"color": "#b91c1c"}},
			map[string]any{"name": ns, "type": "bar", "data": since, "itemStyle": map[string]any{"color": "#15803d"}}},
	})
	canReport := map[int64]bool{}
	for _, m := range v.Measures {
		canReport[m.ID] = fenliu.CanManageScenarios(sess.User) == nil || (sess.User.Role == fenliu.RoleUnitStaff && sess.User.UnitID == m.UnitID)
	}
	var units []*fenliu.Unit
	if fenliu.CanManageScenarios(sess.User) == nil {
		if units, err = s.app.Units(r.Context(), sess.User); err != nil {
			s.fail(w, r, sess, err)
			return
		}
	}
	p.Data = map[string]any{"V": v, "Chart": string(chart), "Manage": fenliu.CanManageScenarios(sess.User) == nil, "CanReport": canReport, "Units": units,
		"Due": s.app.Now().In(loc).AddDate(0, 0, 14).Format("2006-01-02")}
	s.render(w, r, http.StatusOK, "scenario", p)
}

func (s *Server) govAddMeasure(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	m := &fenliu.Measure{Text: r.FormValue("text")}
	m.UnitID, _ = strconv.ParseInt(r.FormValue("unit_id"), 10, 64)
	if d, err := time.ParseInLocation("2006-01-02", r.FormValue("due"), s.app.Location(r.Context())); err == nil {
		m.DueAt = d.Add(24*time.Hour - time.Minute)
	}
	if err := s.app.AddMeasure(r.Context(), sess.User, id, m); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/scenarios/%d", id), http.StatusSeeOther)
}

func (s *Server) govProgress(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	mid, err := pathInt(r, "mid")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.ReportProgress(r.Context(), sess.User, id, mid, r.FormValue("text"), r.FormValue("done") != ""); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/scenarios/%d", id), http.StatusSeeOther)
}

func (s *Server) govCloseScenario(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	if err := s.app.CloseScenario(r.Context(), sess.User, id, r.FormValue("note")); err != nil {
		s.fail(w, r, sess, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/scenarios/%d", id), http.StatusSeeOther)
}
