package demo

import (
	"encoding/json"
	"fmt"
)

// The demo city's outlines (GeoJSON, longitude before latitude). A
// district is a row of three streets, each a square of side 2·streetHalf;
// a street is three grids, strips of width 2·gridHalf side by side across
// it, each with its centre inside its own outline.
const (
	streetHalf = 0.006
	gridHalf   = streetHalf / 3
)

// polygon returns a GeoJSON Polygon of one ring of (dlng, dlat) offsets
// from (lat, lng), closed.
func polygon(lat, lng float64, ring [][2]float64) json.RawMessage {
	coords := make([][2]float64, 0, len(ring)+1)
	for _, p := range ring {
		coords = append(coords, [2]float64{round6(lng + p[0]), round6(lat + p[1])})
	}
	coords = append(coords, coords[0])
	b, err := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][2]float64{coords}})
	if err != nil {
		panic(fmt.Sprintf("demo outline: %v", err))
	}
	return b
}

func round6(f float64) float64 {
	if f < 0 {
		return -round6(-f)
	}
	return float64(int64(f*1e6+0.5)) / 1e6
}

// streetOutline is the square around a street's centre.
func streetOutline(lat, lng float64) json.RawMessage {
	h := streetHalf
	return polygon(lat, lng, [][2]float64{{-h, -h}, {h, -h}, {h, h}, {-h, h}})
}

// gridOutline is the strip around a grid's centre, as tall as its street.
func gridOutline(lat, lng float64) json.RawMessage {
	w, h := gridHalf, streetHalf
	return polygon(lat, lng, [][2]float64{{-w, -h}, {w, -h}, {w, h}, {-w, h}})
}

// districtOutline is the rectangle around the district's row of streets.
func districtOutline(lat, lng float64) json.RawMessage {
	w, h := 3*streetHalf, streetHalf
	return polygon(lat, lng, [][2]float64{{-w, -h}, {w, -h}, {w, h}, {-w, h}})
}

// houseNumbers is the range of house numbers a grid's stretch of every road
// has in the address directory: grid 1 has 1–100, grid 2 101–200, grid 3
// 201–300.
func houseNumbers(gi int) (from, to int) { return gi*100 + 1, gi*100 + 100 }
