package demo

import (
	"encoding/json"
	"fmt"
)

// The demo city's outlines (GeoJSON, longitude before latitude). A street
// is a square of side 2·streetHalf around its centre; its three grids tile
// it in bands around the square's diagonal, grid 1 the lower-left square,
// grids 2 and 3 the L-shaped bands beyond (so the outlines are not all
// convex, as real grids are not). Each grid's centre lies inside its own
// outline. A district is the hexagon around its three streets.
const (
	streetHalf = 0.006
	gridBand   = 0.002
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

// gridOutline is grid gi (0, 1, 2) of the street centred at (lat, lng).
func gridOutline(lat, lng float64, gi int) json.RawMessage {
	h, a := streetHalf, gridBand
	switch gi {
	case 0:
		return polygon(lat, lng, [][2]float64{{-h, -h}, {-a, -h}, {-a, -a}, {-h, -a}})
	case 1:
		return polygon(lat, lng, [][2]float64{{-h, -a}, {-a, -a}, {-a, -h}, {a, -h}, {a, a}, {-h, a}})
	default:
		return polygon(lat, lng, [][2]float64{{-h, a}, {a, a}, {a, -h}, {h, -h}, {h, h}, {-h, h}})
	}
}

// districtOutline is the hexagon around the three streets of the district
// centred at (lat, lng) (streets at offsets of 0.012 latitude and 0.015
// longitude along the diagonal).
func districtOutline(lat, lng float64) json.RawMessage {
	h := streetHalf
	dx, dy := 0.015, 0.012
	return polygon(lat, lng, [][2]float64{{-dx - h, -dy - h}, {-dx + h, -dy - h}, {dx + h, dy - h}, {dx + h, dy + h}, {dx - h, dy + h}, {-dx - h, -dy + h}})
}

// houseNumbers is the range of house numbers a grid's stretch of every road
// has in the address directory: grid 1 has 1–100, grid 2 101–200, grid 3
// 201–300.
func houseNumbers(gi int) (from, to int) { return gi*100 + 1, gi*100 + 100 }
