// Package geo holds the areas' outlines: it checks GeoJSON boundaries,
// places a point in the finest area whose outline holds it
// (point-in-polygon), and reads and writes the areas as a GeoJSON
// FeatureCollection. Pure Go (github.com/paulmach/orb), no I/O.
package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/fenliu/fenliu"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// MaxVertices bounds an outline's size (a grid's boundary has tens of
// points; a district's a few thousand).
const MaxVertices = 200000

// Outline parses and checks an area's boundary: a GeoJSON Polygon or
// MultiPolygon geometry with closed rings of at least four positions, each
// a longitude in [-180, 180] and a latitude in [-90, 90]. It returns the
// geometry as orb.Polygon or orb.MultiPolygon.
func Outline(raw json.RawMessage) (orb.Geometry, error) {
	g, err := geojson.UnmarshalGeometry(raw)
	if err != nil {
		return nil, bad("边界不是有效的 GeoJSON 几何对象：%v", "the outline is not a GeoJSON geometry: %v", err)
	}
	var polys orb.MultiPolygon
	switch t := g.Geometry().(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{t}
	case orb.MultiPolygon:
		polys = t
	default:
		return nil, bad("边界必须是 Polygon 或 MultiPolygon，收到 %s", "the outline must be a Polygon or MultiPolygon; got %s", g.Type)
	}
	if len(polys) == 0 {
		return nil, bad("边界没有多边形", "the outline has no polygon")
	}
	n := 0
	for _, p := range polys {
		if len(p) == 0 {
			return nil, bad("边界中有空多边形", "the outline has an empty polygon")
		}
		for _, r := range p {
			if len(r) < 4 {
				return nil, bad("边界的环至少要有 4 个点（首尾相同），收到 %d 个", "a ring needs at least 4 positions (first = last); got %d", len(r))
			}
			if !r.Closed() {
				return nil, bad("边界的环必须闭合（首尾点相同）", "a ring must be closed (first position = last)")
			}
			for _, pt := range r {
				if math.IsNaN(pt[0]) || math.IsNaN(pt[1]) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return nil, bad("坐标超出范围（经度 -180…180，纬度 -90…90）：%v", "a position is out of range (longitude -180…180, latitude -90…90): %v", pt)
				}
			}
			n += len(r)
		}
	}
	if n > MaxVertices {
		return nil, bad("边界点数 %d 超过上限 %d", "the outline has %d positions, more than %d", n, MaxVertices)
	}
	if len(polys) == 1 {
		return polys[0], nil
	}
	return polys, nil
}

func bad(zh, en string, args ...any) error {
	return fenliu.Errorf(fenliu.EInvalid, "outline", zh, en, args...)
}

// Index places points in areas by their outlines.
type Index struct {
	shapes []shape // finest level first, then by id
}

type shape struct {
	id    int64
	depth int
	bound orb.Bound
	geom  orb.Geometry
}

// NewIndex indexes the areas that have a valid outline; the others are
// left out (they can still be chosen by hand or by address).
func NewIndex(areas []*fenliu.Area) *Index {
	ix := &Index{}
	for _, a := range areas {
		if len(a.Outline) == 0 {
			continue
		}
		g, err := Outline(a.Outline)
		if err != nil {
			continue
		}
		ix.shapes = append(ix.shapes, shape{id: a.ID, depth: fenliu.LevelDepth(a.Level), bound: g.Bound(), geom: g})
	}
	sort.Slice(ix.shapes, func(i, j int) bool {
		if ix.shapes[i].depth != ix.shapes[j].depth {
			return ix.shapes[i].depth > ix.shapes[j].depth
		}
		return ix.shapes[i].id < ix.shapes[j].id
	})
	return ix
}

// Len is how many areas have an outline.
func (ix *Index) Len() int { return len(ix.shapes) }

// Locate returns the finest area whose outline holds the point (lat, lng),
// or 0. A point on a boundary shared by two areas of one level goes to the
// lower id, so the same point always lands in the same area.
func (ix *Index) Locate(lat, lng float64) int64 {
	p := orb.Point{lng, lat}
	for _, s := range ix.shapes {
		if !s.bound.Contains(p) {
			continue
		}
		if contains(s.geom, p) {
			return s.id
		}
	}
	return 0
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch t := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(t, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(t, p)
	}
	return false
}

// Feature is one area as a GeoJSON feature's properties say it.
type Feature struct {
	Code       string
	Name       string
	Level      fenliu.AreaLevel
	ParentCode string
	Outline    json.RawMessage
}

// Export writes the areas as a GeoJSON FeatureCollection: one feature per
// area with an outline (or, with centres, a Point at its centre when it
// has none), properties id, code, name, level, parent_code and any extra
// properties props gives for the area.
func Export(areas []*fenliu.Area, props func(*fenliu.Area) map[string]any) ([]byte, error) {
	codes := map[int64]string{}
	for _, a := range areas {
		codes[a.ID] = a.Code
	}
	fc := geojson.NewFeatureCollection()
	for _, a := range areas {
		var g orb.Geometry
		if len(a.Outline) > 0 {
			og, err := Outline(a.Outline)
			if err != nil {
				return nil, fmt.Errorf("area %s: %w", a.Code, err)
			}
			g = og
		} else if a.Lat != nil && a.Lng != nil {
			g = orb.Point{*a.Lng, *a.Lat}
		} else {
			continue
		}
		f := geojson.NewFeature(g)
		f.ID = a.ID
		f.Properties = geojson.Properties{"id": a.ID, "code": a.Code, "name": a.Name, "level": string(a.Level)}
		if a.ParentID != 0 {
			f.Properties["parent_code"] = codes[a.ParentID]
		}
		if a.Lat != nil && a.Lng != nil {
			f.Properties["lat"], f.Properties["lng"] = *a.Lat, *a.Lng
		}
		if props != nil {
			for k, v := range props(a) {
				f.Properties[k] = v
			}
		}
		fc.Append(f)
	}
	return json.Marshal(fc)
}

// Import reads a GeoJSON FeatureCollection of areas. Every feature needs a
// code and a Polygon or MultiPolygon geometry; name, level (district,
// street or grid) and parent_code are needed only for areas that are new.
func Import(data []byte) ([]Feature, error) {
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return nil, fenliu.Errorf(fenliu.EInvalid, "", "不是有效的 GeoJSON FeatureCollection：%v", "not a GeoJSON FeatureCollection: %v", err)
	}
	if len(fc.Features) == 0 {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, ZH: "FeatureCollection 中没有要素", EN: "the FeatureCollection has no features"}
	}
	out := make([]Feature, 0, len(fc.Features))
	seen := map[string]bool{}
	for i, f := range fc.Features {
		ft := Feature{Code: f.Properties.MustString("code", ""), Name: f.Properties.MustString("name", ""),
			Level: fenliu.AreaLevel(f.Properties.MustString("level", "")), ParentCode: f.Properties.MustString("parent_code", "")}
		if ft.Code == "" {
			return nil, fenliu.Errorf(fenliu.EInvalid, "code", "第 %d 个要素缺少 properties.code", "feature %d has no properties.code", i+1)
		}
		if seen[ft.Code] {
			return nil, fenliu.Errorf(fenliu.EInvalid, "code", "区域编码「%s」出现了两次", "area code %q appears twice", ft.Code)
		}
		seen[ft.Code] = true
		if f.Geometry == nil {
			return nil, fenliu.Errorf(fenliu.EInvalid, "outline", "区域「%s」没有几何对象", "area %q has no geometry", ft.Code)
		}
		raw, err := json.Marshal(geojson.NewGeometry(f.Geometry))
		if err != nil {
			return nil, err
		}
		if _, err := Outline(raw); err != nil {
			e := err.(*fenliu.Error)
			return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "outline", ZH: "区域「" + ft.Code + "」：" + e.ZH, EN: fmt.Sprintf("area %q: %s", ft.Code, e.EN)}
		}
		ft.Outline = raw
		out = append(out, ft)
	}
	return out, nil
}

// Centre is a point for the area's label and marker: the centre of the
// outline's bounding box when that lies inside, else the first point inside
// along the box's middle lines.
func Centre(raw json.RawMessage) (lat, lng float64, ok bool) {
	g, err := Outline(raw)
	if err != nil {
		return 0, 0, false
	}
	b := g.Bound()
	c := b.Center()
	if contains(g, c) {
		return c[1], c[0], true
	}
	for i := 1; i < 64; i++ {
		f := float64(i) / 64
		for _, p := range []orb.Point{{b.Min[0] + f*(b.Max[0]-b.Min[0]), c[1]}, {c[0], b.Min[1] + f*(b.Max[1]-b.Min[1])}} {
			if contains(g, p) {
				return p[1], p[0], true
			}
		}
	}
	return c[1], c[0], true
}
