package fenliu

import (
	"strings"
	"unicode/utf8"
)

// AreaForAddress is the area a typed address lies in, found by the names
// the directory keeps for each area — its road and place names (Roads) and
// its own name: the area with the longest name found in the address; on a
// tie the finer level (a grid before its street, a street before its
// district). Nil when no name is found. Names shorter than two characters
// are ignored (they would match anything).
func AreaForAddress(areas []*Area, address string) *Area {
	address = strings.TrimSpace(address)
	if address == "" {
		return nil
	}
	var best *Area
	bestLen, bestRank := 0, -1
	for _, a := range areas {
		for _, name := range append([]string{a.Name}, a.Roads...) {
			name = strings.TrimSpace(name)
			n := utf8.RuneCountInString(name)
			if n < 2 || !strings.Contains(address, name) {
				continue
			}
			if rank := levelRank(a.Level); n > bestLen || (n == bestLen && rank > bestRank) {
				best, bestLen, bestRank = a, n, rank
			}
		}
	}
	return best
}

func levelRank(l AreaLevel) int {
	switch l {
	case AreaGrid:
		return 2
	case AreaStreet:
		return 1
	}
	return 0
}

// MaxRoads is how many road names an area may keep.
const MaxRoads = 500

// cleanRoads trims an area's road names, drops empty ones and duplicates,
// and checks their number and length.
func (a *Area) cleanRoads() error {
	seen := map[string]bool{}
	var out []string
	for _, r := range a.Roads {
		r = strings.TrimSpace(r)
		if r == "" || seen[r] {
			continue
		}
		if err := checkText("roads", "道路名称", r, 40); err != nil {
			return err
		}
		seen[r] = true
		out = append(out, r)
	}
	if len(out) > MaxRoads {
		return Errorf(EInvalid, "roads", "一个区域最多 %d 个道路名称", "an area keeps at most %d road names", MaxRoads)
	}
	a.Roads = out
	return nil
}
