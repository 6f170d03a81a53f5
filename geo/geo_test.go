package geo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fenliu/fenliu"
)

func f(v float64) *float64 { return &v }

// TestOutlineChecks: only closed Polygon/MultiPolygon rings in range pass.
func TestOutlineChecks(t *testing.T) {
	for _, c := range []struct {
		raw, want string // want: "" passes, else a word of the error
	}{
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`, ""},
		{`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`, ""},
		{`{"type":"Point","coordinates":[0,0]}`, "Polygon"},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`, "closed"},
		{`{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`, "4 positions"},
		{`{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}`, "range"},
		{`{"type":"Polygon"`, "GeoJSON"},
	} {
		_, err := Outline(json.RawMessage(c.raw))
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.(*fenliu.Error).EN, c.want)) {
			t.Errorf("%s: %v, want %q", c.raw, err, c.want)
		}
	}
}

// TestLocateAndRoundTrip: the finest area holding a point wins (a grid
// inside its street, the hole of a polygon excluded), a shared boundary
// goes to the lower id, and export → import gives the same outlines.
func TestLocateAndRoundTrip(t *testing.T) {
	street := &fenliu.Area{ID: 1, Code: "S", Name: "街道", Level: fenliu.AreaStreet, ParentID: 9,
		Outline: json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,4],[0,0]]]}`)}
	west := &fenliu.Area{ID: 2, Code: "G1", Name: "西网格", Level: fenliu.AreaGrid, ParentID: 1,
		Outline: json.RawMessage(`{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,4],[0,4],[0,0]],[[0.5,0.5],[1,0.5],[1,1],[0.5,1],[0.5,0.5]]]}`)}
	east := &fenliu.Area{ID: 3, Code: "G2", Name: "东网格", Level: fenliu.AreaGrid, ParentID: 1, Lat: f(2), Lng: f(3),
		Outline: json.RawMessage(`{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,4],[2,4],[2,0]]]}`)}
	ix := NewIndex([]*fenliu.Area{east, street, west})
	for _, c := range []struct {
		lat, lng float64
		want     int64
	}{{2, 1.5, 2}, {2, 3, 3}, {2, 2, 2}, {0.75, 0.75, 1}, {5, 5, 0}} {
		if got := ix.Locate(c.lat, c.lng); got != c.want {
			t.Errorf("Locate(%v, %v) = %d, want %d", c.lat, c.lng, got, c.want)
		}
	}
	data, err := Export([]*fenliu.Area{street, west, east}, nil)
	if err != nil {
		t.Fatal(err)
	}
	feats, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 3 || feats[1].Code != "G1" || feats[1].ParentCode != "S" || feats[1].Level != fenliu.AreaGrid {
		t.Fatalf("round trip: %+v", feats)
	}
	g, _ := Outline(feats[1].Outline)
	w, _ := Outline(west.Outline)
	if gb, wb := g.Bound(), w.Bound(); gb != wb {
		t.Errorf("outline changed: %v → %v", wb, gb)
	}
	if _, err := Import([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`)); err == nil {
		t.Error("a feature without a code was imported")
	}
}
