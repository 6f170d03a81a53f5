package console

import (
	"encoding/json"
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
	s.render(w, http.StatusOK, "map", p)
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
	s.render(w, http.StatusOK, "maparea", p)
}
