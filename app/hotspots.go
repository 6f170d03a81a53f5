package app

import (
	"context"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/geo"
	"github.com/fenliu/fenliu/store"
)

// MapFilter narrows the map and the hotspots: a category (or a category
// group prefix such as "city_appearance."), a unit type the incident went
// to, a disposition, and the time [From, To) (default: the hotspot window
// up to now).
type MapFilter struct {
	Category    string
	UnitType    fenliu.UnitType
	Disposition fenliu.Disposition
	From, To    time.Time
}

func (f MapFilter) validate() error {
	if f.UnitType != "" && !f.UnitType.Valid() {
		return fenliu.Errorf(fenliu.EInvalid, "unit_type", "未知的单位类型「%s」", "unknown unit type %q", f.UnitType)
	}
	if f.Disposition != "" && !f.Disposition.Valid() {
		return fenliu.Errorf(fenliu.EInvalid, "disposition", "未知的处置方式「%s」", "unknown disposition %q", f.Disposition)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "to", ZH: "结束时间必须晚于开始时间", EN: "to must be after from"}
	}
	return nil
}

func (f MapFilter) matchCategory(c string) bool {
	if f.Category == "" {
		return true
	}
	if strings.HasSuffix(f.Category, ".") {
		return strings.HasPrefix(c, f.Category)
	}
	return c == f.Category
}

// window fills in the default time.
func (a *App) window(s settingValues, f *MapFilter) {
	if f.To.IsZero() {
		f.To = a.now().Add(time.Millisecond)
	}
	if f.From.IsZero() {
		f.From = f.To.Add(-s.duration(SettingHotspotWindow))
	}
}

// filtered streams the incidents of [from, to) that pass f (time aside).
func (a *App) filtered(ctx context.Context, f MapFilter, from, to time.Time, fn func(*store.GeoIncident)) error {
	var types map[int64][]fenliu.UnitType
	if f.UnitType != "" {
		var err error
		if types, err = a.db.IncidentUnitTypes(ctx, from, to); err != nil {
			return err
		}
	}
	return a.db.GeoIncidents(ctx, from, to, func(g *store.GeoIncident) error {
		if !f.matchCategory(g.Category) || (f.Disposition != "" && g.Disposition != f.Disposition) {
			return nil
		}
		if f.UnitType != "" {
			ok := false
			for _, t := range types[g.ID] {
				ok = ok || t == f.UnitType
			}
			if !ok {
				return nil
			}
		}
		fn(g)
		return nil
	})
}

// HotspotQuery asks for hotspots: places where one kind of matter recurs,
// at least Min times (default: the setting) in the filter's window.
type HotspotQuery struct {
	MapFilter
	By      string // "grid" (the placed area, default), "address", or "radius"
	Min     int    // 0: the setting hotspot.min_count
	RadiusM int    // for "radius"; 0: the setting hotspot.radius_m
	Limit   int    // 0: 50
}

// Hotspot is a place where one kind of matter recurs.
type Hotspot struct {
	Rank       int          `json:"rank"`
	By         string       `json:"by"`
	AreaID     int64        `json:"area_id,omitempty"`
	Area       string       `json:"area,omitempty"`
	Address    string       `json:"address,omitempty"`
	Lat        *float64     `json:"lat,omitempty"`
	Lng        *float64     `json:"lng,omitempty"`
	RadiusM    int          `json:"radius_m,omitempty"`
	Category   string       `json:"category"`
	CategoryZH string       `json:"category_zh,omitempty"`
	CategoryEN string       `json:"category_en,omitempty"`
	Count      int          `json:"count"`  // in the window
	Before     int          `json:"before"` // in the window of the same length before it
	Trend      fenliu.Trend `json:"trend"`
	Daily      []int        `json:"daily"` // per day of the window, oldest first
	LastAt     time.Time    `json:"last_at"`
	Incidents  []int64      `json:"incidents"` // newest first
}

// Hotspots ranks the places where the same kind of matter recurred in the
// window (most calls first), with the count of the window before and the
// trend. Grouped by the placed area (grid), the address as written, or by
// distance (incidents with coordinates within RadiusM of the group's centre).
func (a *App) Hotspots(ctx context.Context, actor *fenliu.User, q HotspotQuery) ([]*Hotspot, error) {
	if err := fenliu.CanSeeGovernance(actor); err != nil {
		return nil, err
	}
	return a.hotspots(ctx, q)
}

func (a *App) hotspots(ctx context.Context, q HotspotQuery) ([]*Hotspot, error) {
	if err := q.validate(); err != nil {
		return nil, err
	}
	switch q.By {
	case "":
		q.By = "grid"
	case "grid", "address", "radius":
	default:
		return nil, fenliu.Errorf(fenliu.EInvalid, "by", "by 必须是 grid、address 或 radius，收到「%s」", "by must be grid, address or radius; got %q", q.By)
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	a.window(s, &q.MapFilter)
	if q.Min <= 0 {
		q.Min = s.count(SettingHotspotMin)
	}
	if q.RadiusM <= 0 {
		q.RadiusM = s.count(SettingHotspotRadius)
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	span := q.To.Sub(q.From)
	days := int(math.Ceil(span.Hours() / 24))
	if days < 1 {
		days = 1
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	areaOf := map[int64]*fenliu.Area{}
	for _, ar := range areas {
		areaOf[ar.ID] = ar
	}
	type group struct {
		h        *Hotspot
		sumLat   float64
		sumLng   float64
		n        int
		lat, lng float64
	}
	groups := map[string]*group{}
	var radial []*group
	key := func(g *store.GeoIncident) string {
		switch q.By {
		case "grid":
			if g.AreaID == 0 {
				return ""
			}
			return g.Category + "|" + strconv.FormatInt(g.AreaID, 10)
		case "address":
			addr := strings.Join(strings.Fields(g.Address), "")
			if addr == "" {
				return ""
			}
			return g.Category + "|" + addr
		}
		return ""
	}
	// radius: the nearest group of the category within the radius, or a new one.
	near := func(g *store.GeoIncident, create bool) *group {
		if g.Lat == nil || g.Lng == nil {
			return nil
		}
		var best *group
		bestD := float64(q.RadiusM)
		for _, gr := range radial {
			if gr.h.Category != g.Category {
				continue
			}
			if d := metres(gr.lat, gr.lng, *g.Lat, *g.Lng); d <= bestD {
				best, bestD = gr, d
			}
		}
		if best == nil && create {
			best = &group{h: &Hotspot{By: "radius", Category: g.Category, RadiusM: q.RadiusM}, lat: *g.Lat, lng: *g.Lng}
			radial = append(radial, best)
		}
		return best
	}
	var before []*store.GeoIncident
	err = a.filtered(ctx, q.MapFilter, q.From.Add(-span), q.To, func(g *store.GeoIncident) {
		if g.Category == "" {
			return
		}
		if g.ReceivedAt.Before(q.From) {
			before = append(before, g)
			return
		}
		var gr *group
		if q.By == "radius" {
			gr = near(g, true)
		} else if k := key(g); k != "" {
			if gr = groups[k]; gr == nil {
				gr = &group{h: &Hotspot{By: q.By, Category: g.Category}}
				if q.By == "grid" {
					gr.h.AreaID = g.AreaID
				} else {
					gr.h.Address = strings.Join(strings.Fields(g.Address), "")
				}
				groups[k] = gr
			}
		}
		if gr == nil {
			return
		}
		h := gr.h
		if h.Daily == nil {
			h.Daily = make([]int, days)
		}
		h.Count++
		if d := int(g.ReceivedAt.Sub(q.From) / (24 * time.Hour)); d >= 0 && d < days {
			h.Daily[d]++
		}
		h.LastAt = g.ReceivedAt
		h.Incidents = append(h.Incidents, g.ID)
		if g.Lat != nil && g.Lng != nil {
			gr.sumLat += *g.Lat
			gr.sumLng += *g.Lng
			gr.n++
			gr.lat, gr.lng = gr.sumLat/float64(gr.n), gr.sumLng/float64(gr.n)
		}
	})
	if err != nil {
		return nil, err
	}
	// The window before: counted against the same places.
	for _, g := range before {
		var gr *group
		if q.By == "radius" {
			gr = near(g, false)
		} else if k := key(g); k != "" {
			gr = groups[k]
		}
		if gr != nil {
			gr.h.Before++
		}
	}
	var out []*Hotspot
	all := radial
	for _, gr := range groups {
		all = append(all, gr)
	}
	cat := a.Catalog()
	for _, gr := range all {
		h := gr.h
		if h.Count < q.Min {
			continue
		}
		h.Trend = fenliu.TrendOf(h.Count, h.Before)
		for i, j := 0, len(h.Incidents)-1; i < j; i, j = i+1, j-1 {
			h.Incidents[i], h.Incidents[j] = h.Incidents[j], h.Incidents[i]
		}
		if gr.n > 0 {
			lat, lng := gr.lat, gr.lng
			h.Lat, h.Lng = &lat, &lng
		}
		if ar := areaOf[h.AreaID]; ar != nil {
			h.Area = ar.Name
			if h.Lat == nil {
				h.Lat, h.Lng = ar.Lat, ar.Lng
			}
		}
		if c := cat.Category(h.Category); c != nil {
			h.CategoryZH, h.CategoryEN = c.NameZH, c.NameEN
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if !out[i].LastAt.Equal(out[j].LastAt) {
			return out[i].LastAt.After(out[j].LastAt)
		}
		return out[i].Category+out[i].Area+out[i].Address < out[j].Category+out[j].Area+out[j].Address
	})
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	for i, h := range out {
		h.Rank = i + 1
	}
	return out, nil
}

// metres is the great-circle distance between two points.
func metres(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lng2-lng1)*math.Pi/180
	h := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(h))
}

// MapPoint is an incident on the map.
type MapPoint struct {
	ID          int64              `json:"id"`
	Lat         float64            `json:"lat"`
	Lng         float64            `json:"lng"`
	Category    string             `json:"category"`
	Disposition fenliu.Disposition `json:"disposition,omitempty"`
	AreaID      int64              `json:"area_id,omitempty"`
	At          time.Time          `json:"at"`
}

// MapView is what the leader's map draws: the grids (GeoJSON with each
// area's count of incidents in the filter, finest area counted, and rolled
// up to its street and district), the incidents with coordinates (the
// browser clusters them), and the hotspots.
type MapView struct {
	Filter   MapFilter       `json:"-"`
	Areas    json.RawMessage `json:"areas"` // GeoJSON FeatureCollection; properties count, max
	Points   []MapPoint      `json:"points"`
	Hotspots []*Hotspot      `json:"hotspots"`
	Total    int             `json:"total"`
	Max      int             `json:"max"` // the largest grid count (for shading)
}

// MaxMapPoints bounds the markers sent to the browser (the newest are kept).
const MaxMapPoints = 20000

// Map reads the leader's map for the filter.
func (a *App) Map(ctx context.Context, actor *fenliu.User, f MapFilter) (*MapView, error) {
	if err := fenliu.CanSeeGovernance(actor); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	a.window(s, &f)
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	parent := map[int64]int64{}
	for _, ar := range areas {
		parent[ar.ID] = ar.ParentID
	}
	counts := map[int64]int{}
	v := &MapView{Filter: f, Points: []MapPoint{}}
	err = a.filtered(ctx, f, f.From, f.To, func(g *store.GeoIncident) {
		v.Total++
		for id := g.AreaID; id != 0; id = parent[id] {
			counts[id]++
		}
		if g.Lat != nil && g.Lng != nil {
			v.Points = append(v.Points, MapPoint{ID: g.ID, Lat: *g.Lat, Lng: *g.Lng, Category: g.Category, Disposition: g.Disposition, AreaID: g.AreaID, At: g.ReceivedAt})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(v.Points) > MaxMapPoints {
		v.Points = v.Points[len(v.Points)-MaxMapPoints:]
	}
	for _, ar := range areas {
		if ar.Level == fenliu.AreaGrid && counts[ar.ID] > v.Max {
			v.Max = counts[ar.ID]
		}
	}
	if v.Areas, err = geo.Export(areas, func(ar *fenliu.Area) map[string]any {
		return map[string]any{"count": counts[ar.ID]}
	}); err != nil {
		return nil, err
	}
	if v.Hotspots, err = a.hotspots(ctx, HotspotQuery{MapFilter: f, Limit: 20}); err != nil {
		return nil, err
	}
	return v, nil
}

// AreaOrders lists the work orders of the incidents in an area (and the
// areas under it) that pass the map's filter, newest first: where a click on
// a grid of the map leads.
func (a *App) AreaOrders(ctx context.Context, actor *fenliu.User, areaID int64, f MapFilter, limit int) (*fenliu.Area, []OrderRow, error) {
	if err := fenliu.CanSeeGovernance(actor); err != nil {
		return nil, nil, err
	}
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	ar, err := a.db.Area(ctx, areaID)
	if err != nil {
		return nil, nil, err
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, nil, err
	}
	a.window(s, &f)
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	parent := map[int64]int64{}
	for _, x := range areas {
		parent[x.ID] = x.ParentID
	}
	under := func(id int64) bool {
		for ; id != 0; id = parent[id] {
			if id == areaID {
				return true
			}
		}
		return false
	}
	var ids []int64
	if err := a.filtered(ctx, f, f.From, f.To, func(g *store.GeoIncident) {
		if under(g.AreaID) {
			ids = append(ids, g.ID)
		}
	}); err != nil {
		return nil, nil, err
	}
	if limit <= 0 || limit > fenliu.MaxPage {
		limit = fenliu.MaxPage
	}
	var orders []*fenliu.Order
	for i := len(ids) - 1; i >= 0 && len(orders) < limit; i-- {
		os, err := a.db.OrdersOfIncident(ctx, ids[i])
		if err != nil {
			return nil, nil, err
		}
		orders = append(orders, os...)
	}
	rows, err := a.rows(ctx, orders)
	return ar, rows, err
}
