package fenliu

import (
	"strings"
	"unicode"
)

// Placement says how an incident got its area.
type Placement string

const (
	PlacedGiven   Placement = "given"   // the person recording it chose the area
	PlacedPoint   Placement = "point"   // its coordinates fell inside an area's outline
	PlacedAddress Placement = "address" // its address matched the address directory
	PlacedNone    Placement = ""        // no area: routed city-wide
)

// AddressEntry is one line of the address directory (标准地址库): an address
// containing Pattern (a road, an estate, a building; usually qualified by the
// street, e.g. "江南街道民族大道") lies in AreaID. When From and To are set,
// only house numbers From–To written right after the pattern ("…民族大道123号")
// match; 0 and 0 match the whole pattern.
type AddressEntry struct {
	ID      int64  `json:"id"`
	AreaID  int64  `json:"area_id"`
	Pattern string `json:"pattern"`
	From    int    `json:"from,omitempty"`
	To      int    `json:"to,omitempty"`
}

// Validate checks an address entry before it is stored.
func (e *AddressEntry) Validate() error {
	e.Pattern = strings.TrimSpace(e.Pattern)
	if err := required("pattern", "地址", e.Pattern); err != nil {
		return err
	}
	if e.AreaID <= 0 {
		return &Error{Code: EInvalid, Field: "area_id", ZH: "必须指定区域", EN: "area_id is required"}
	}
	if e.From < 0 || e.To < 0 || (e.From == 0) != (e.To == 0) || e.From > e.To {
		return Errorf(EInvalid, "from", "门牌号范围必须是 1 ≤ 起 ≤ 止，或都不填；收到 %d–%d", "the house numbers must be 1 ≤ from ≤ to, or neither; got %d–%d", e.From, e.To)
	}
	return nil
}

// MatchAddress finds the area of an address in the directory: among the
// entries whose pattern the address contains (and whose number range, if
// any, holds the house number written after the pattern), the longest
// pattern wins, a ranged entry before an unranged one of the same pattern,
// then the lowest id. It returns 0 when nothing matches.
func MatchAddress(entries []AddressEntry, address string) int64 {
	address = strings.Join(strings.Fields(address), "")
	if address == "" {
		return 0
	}
	var best *AddressEntry
	better := func(e *AddressEntry) bool {
		if best == nil {
			return true
		}
		if len(e.Pattern) != len(best.Pattern) {
			return len(e.Pattern) > len(best.Pattern)
		}
		if (e.From != 0) != (best.From != 0) {
			return e.From != 0
		}
		return e.ID < best.ID
	}
	for i := range entries {
		e := &entries[i]
		p := strings.Join(strings.Fields(e.Pattern), "")
		if p == "" {
			continue
		}
		ok := false
		for rest, off := address, 0; ; {
			k := strings.Index(rest, p)
			if k < 0 {
				break
			}
			after := address[off+k+len(p):]
			if e.From == 0 {
				ok = true
				break
			}
			if n, found := houseNumber(after); found && n >= e.From && n <= e.To {
				ok = true
				break
			}
			off += k + len(p)
			rest = address[off:]
		}
		if ok && better(e) {
			best = e
		}
	}
	if best == nil {
		return 0
	}
	return best.AreaID
}

// houseNumber reads the number at the start of s ("123号…" → 123).
func houseNumber(s string) (int, bool) {
	n, digits := 0, 0
	for _, r := range s {
		if !unicode.IsDigit(r) || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
		digits++
		if digits > 6 {
			return 0, false
		}
	}
	return n, digits > 0
}

// LevelDepth is an area level's depth in the tree: district 1, street 2,
// grid 3 (deeper is finer).
func LevelDepth(l AreaLevel) int {
	switch l {
	case AreaDistrict:
		return 1
	case AreaStreet:
		return 2
	case AreaGrid:
		return 3
	}
	return 0
}
