package console

import (
	"encoding/json"
	"net/http"

	"github.com/fenliu/fenliu"
)

// incidentRow is an order with its unit's name.
type incidentOrder struct {
	O    *fenliu.Order
	Unit string
}

// incidentPage shows an incident's whole record.
func (s *Server) incidentPage(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	view, err := s.app.Incident(r.Context(), sess.User, id)
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "")
	p.Title = p.T("incident.title", id)
	var orders []incidentOrder
	for _, o := range view.Orders {
		orders = append(orders, incidentOrder{O: o, Unit: view.Names.Units[o.UnitID]})
	}
	p.Data = map[string]any{"Incident": view.Incident, "Orders": orders, "Timeline": s.timeline(p, view.Names, view.Events),
		"Caller": view.Caller, "CategoryName": s.categoryName(p.Lang, view.Incident.Category),
		"GeoJSON": geoJSON(view.Incident, view.Area)}
	s.render(w, r, http.StatusOK, "incident", p)
}

// geoJSON is the incident's point and its area's centre as a GeoJSON
// FeatureCollection, for the map (drawn even without a tile server).
func geoJSON(in *fenliu.Incident, area *fenliu.Area) string {
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
	if area != nil && area.Lat != nil {
		fs = append(fs, feature{"Feature", map[string]any{"type": "Point", "coordinates": []float64{*area.Lng, *area.Lat}},
			map[string]any{"kind": "area", "name": area.Name}})
	}
	if len(fs) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": fs})
	return string(b)
}

// reveal shows a masked caller in full to someone the policy lets reveal it,
// with the reason given; the reveal is recorded (app.RevealCaller). htmx
// swaps the answer in for the masked caller.
func (s *Server) reveal(w http.ResponseWriter, r *http.Request, sess *session) {
	id, err := pathInt(r, "id")
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	c, err := s.app.RevealCaller(r.Context(), sess.User, id, r.PostFormValue("reason"))
	if err != nil {
		s.fail(w, r, sess, err)
		return
	}
	p := s.newPage(r, sess, "", "")
	in := &fenliu.Incident{ID: c.IncidentID, CallerName: c.Name, CallerPhone: c.Phone}
	s.fragment(w, r, http.StatusOK, "incident", "callerdd", map[string]any{"P": p, "In": in, "Access": fenliu.CallerFull})
}
