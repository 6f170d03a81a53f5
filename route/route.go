// Package route decides which concrete units get a diverted matter's work
// orders: from the category's unit types (lead first), the incident's place,
// the time, the duty rosters (勤务报备) and the city's routing mode. Routing
// rules are data a city edits. Every choice carries its reason. Pure Go: no
// I/O, no clock — time is an input.
package route

import (
	"fmt"
	"sort"
	"time"

	"github.com/fenliu/fenliu"
)

// Mode is how a city sends diverted matters (the four modes Guangdong's
// cities use).
type Mode string

const (
	ModeDeskFirst Mode = "desk_first" // to the 12345 linkage desk, which dispatches on
	ModeDirect    Mode = "direct"     // straight to the responsible units
	ModeBoth      Mode = "both"       // to the units, with a copy to the desk
	ModeDutyRoom  Mode = "duty_room"  // to the government duty room, which dispatches on
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool {
	return m == ModeDeskFirst || m == ModeDirect || m == ModeBoth || m == ModeDutyRoom
}

// Fallback names where an order goes when its unit is not staffed now.
type Fallback string

const (
	FallbackParent24h   Fallback = "parent24h"    // the nearest 24-hour unit above it
	FallbackLinkageDesk Fallback = "linkage_desk" // the 12345 linkage desk
	FallbackDutyRoom    Fallback = "duty_room"    // the government duty room
)

// Shift is a duty-roster entry: a unit is staffed from Start to End.
type Shift struct {
	UnitID     int64
	Start, End time.Time
	Person     string
	Phone      string
}

// Rule sends a category's (and/or a unit type's) orders, optionally only in
// an area and everything under it, to a named unit. The most specific
// matching rule wins: a rule naming the category beats one naming only the
// unit type; among equals, one with an area beats one without, and a deeper
// area beats a higher one; then the lowest ID.
type Rule struct {
	ID       int64
	Category string          // "" matches any category
	UnitType fenliu.UnitType // "" matches any unit type
	AreaID   int64           // 0 matches anywhere
	UnitID   int64
}

// Config is a city's routing settings.
type Config struct {
	Mode              Mode
	LinkageDeskUnitID int64
	DutyRoomUnitID    int64
	OffDutyFallback   []Fallback // tried in order
	// Calendar is the city's working calendar (the same one time limits
	// count by): a unit that keeps no roster is on duty in its working
	// hours. Nil: such units are always on duty.
	Calendar *fenliu.Calendar
}

// City is everything routing looks at.
type City struct {
	Areas  []fenliu.Area
	Units  []fenliu.Unit
	Shifts []Shift
	Rules  []Rule
	Config Config

	areas    map[int64]*fenliu.Area
	units    map[int64]*fenliu.Unit
	rostered map[int64]bool
}

// Request is what to route: a category's unit types (lead first), where and when.
type Request struct {
	Category  string
	UnitTypes []fenliu.UnitType
	AreaID    int64
	At        time.Time
	// Direct: police, joint and green-channel partner orders go straight to
	// the units, whatever the city's mode for diverted matters.
	Direct bool
}

// Reason says why a unit was chosen, in both languages, with a code.
type Reason struct {
	Code string `json:"code"`
	ZH   string `json:"zh"`
	EN   string `json:"en"`
}

// Reason codes.
const (
	ReasonRule      = "rule"       // a routing rule named the unit
	ReasonArea      = "area"       // the unit serves the incident's area
	ReasonAreaUp    = "area_up"    // found up the area tree
	ReasonCityWide  = "city_wide"  // a unit of the type serving the whole city
	ReasonNoUnit    = "no_unit"    // no unit of the type: the desk takes it
	ReasonOffDuty   = "off_duty"   // not staffed now: fell back
	ReasonViaDesk   = "via_desk"   // desk-first mode: the desk dispatches on
	ReasonViaDuty   = "via_duty"   // duty-room mode
	ReasonDeskCopy  = "desk_copy"  // both mode: the desk gets a copy
	ReasonDuplicate = "duplicate"  // two unit types resolved to one unit
	ReasonTieLowest = "tie_lowest" // several units matched equally: the lowest id
	ReasonNoRoster  = "no_roster"  // no roster: working hours apply
	ReasonStaffed   = "staffed"    // on duty now
)

// Assignment is one unit that gets an order.
type Assignment struct {
	UnitID    int64            `json:"unit_id"`
	UnitType  fenliu.UnitType  `json:"unit_type"`
	Role      fenliu.OrderRole `json:"role"`
	Suggested bool             `json:"suggested,omitempty"` // desk-first/duty-room: the unit to pass it on to
	Reasons   []Reason         `json:"reasons"`
}

// Decision is the routing result.
type Decision struct {
	Mode        Mode         `json:"mode"`
	Assignments []Assignment `json:"assignments"`
	// PassOn are units found off duty whose orders went to the linkage desk
	// or the duty room instead: to pass on to them when they are on duty
	// (the desk's one click, as for desk_first's suggestions).
	PassOn []Assignment `json:"pass_on,omitempty"`
}

// Prepare indexes the city; call it once after filling the slices (Route
// calls it if needed) — and Validate before trusting edited data.
func (c *City) Prepare() {
	c.areas = map[int64]*fenliu.Area{}
	for i := range c.Areas {
		c.areas[c.Areas[i].ID] = &c.Areas[i]
	}
	c.units = map[int64]*fenliu.Unit{}
	for i := range c.Units {
		c.units[c.Units[i].ID] = &c.Units[i]
	}
	c.rostered = map[int64]bool{}
	for _, s := range c.Shifts {
		c.rostered[s.UnitID] = true
	}
}

func bad(zh, en string, args ...any) error {
	return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// Validate checks the city's data: known parents, no cycles, rules and
// configured desks pointing to units that exist, a known mode.
func (c *City) Validate() error {
	c.Prepare()
	if !c.Config.Mode.Valid() {
		return bad("未知的分派模式「%s」", "unknown routing mode %q", c.Config.Mode)
	}
	for _, a := range c.Areas {
		seen := map[int64]bool{}
		for id := a.ID; id != 0; {
			if seen[id] {
				return bad("区域 %d 的上级关系有环", "area %d has a cycle in its parents", a.ID)
			}
			seen[id] = true
			p := c.areas[id]
			if p == nil {
				return bad("区域 %d 的上级区域不存在", "area %d has an unknown parent", a.ID)
			}
			id = p.ParentID
		}
	}
	for _, u := range c.Units {
		seen := map[int64]bool{}
		for id := u.ID; id != 0; {
			if seen[id] {
				return bad("单位 %d 的上级关系有环", "unit %d has a cycle in its parents", u.ID)
			}
			seen[id] = true
			p := c.units[id]
			if p == nil {
				return bad("单位 %d 的上级单位不存在", "unit %d has an unknown parent", u.ID)
			}
			id = p.ParentID
		}
	}
	for _, r := range c.Rules {
		if c.units[r.UnitID] == nil {
			return bad("规则 %d 指向不存在的单位 %d", "rule %d names unknown unit %d", r.ID, r.UnitID)
		}
	}
	for _, id := range []int64{c.Config.LinkageDeskUnitID, c.Config.DutyRoomUnitID} {
		if id != 0 && c.units[id] == nil {
			return bad("配置的联动专席/值班室单位 %d 不存在", "configured desk or duty room unit %d does not exist", id)
		}
	}
	return nil
}

// Usable reports whether the mode can route at all: desk_first and both
// need the linkage desk's unit, duty_room the duty room's.
func (cfg Config) Usable() error {
	switch cfg.Mode {
	case ModeDeskFirst, ModeBoth:
		if cfg.LinkageDeskUnitID == 0 {
			return bad("分派模式「%s」需要配置12345联动专席单位", "mode %s needs the linkage desk unit configured", cfg.Mode)
		}
	case ModeDutyRoom:
		if cfg.DutyRoomUnitID == 0 {
			return bad("值班室模式需要配置政府总值班室单位", "duty_room mode needs the duty room unit configured")
		}
	}
	return nil
}

// depth of an area (0 for a district), and whether area is under (or is) top.
func (c *City) under(area, top int64) (bool, int) {
	d := 0
	for id := area; id != 0 && d < 20; d++ {
		if id == top {
			return true, c.depth(top)
		}
		a := c.areas[id]
		if a == nil {
			return false, 0
		}
		id = a.ParentID
	}
	return false, 0
}

func (c *City) depth(area int64) int {
	d := 0
	for a := c.areas[area]; a != nil && a.ParentID != 0 && d < 20; a = c.areas[a.ParentID] {
		d++
	}
	return d
}

// Unit returns the unit with the id (nil if unknown); the city must be prepared.
func (c *City) Unit(id int64) *fenliu.Unit { return c.units[id] }

func (c *City) name(id int64) string {
	if u := c.units[id]; u != nil {
		return u.Name
	}
	return fmt.Sprint(id)
}

func (c *City) areaName(id int64) string {
	if a := c.areas[id]; a != nil {
		return a.Name
	}
	return fmt.Sprint(id)
}

// pick chooses the unit for one unit type, with the reasons.
func (c *City) pick(req Request, t fenliu.UnitType) (int64, []Reason) {
	// 1. Rules, most specific first.
	var best *Rule
	score := func(r *Rule) (int, int, int) {
		cat := 0
		if r.Category != "" {
			cat = 1
		}
		area, depth := 0, 0
		if r.AreaID != 0 {
			area, depth = 1, c.depth(r.AreaID)
		}
		return cat, area, depth
	}
	for i := range c.Rules {
		r := &c.Rules[i]
		if r.Category != "" && r.Category != req.Category {
			continue
		}
		if r.UnitType != "" && r.UnitType != t {
			continue
		}
		if r.Category == "" && r.UnitType == "" {
			continue
		}
		if r.AreaID != 0 {
			if ok, _ := c.under(req.AreaID, r.AreaID); !ok {
				continue
			}
		}
		if best == nil {
			best = r
			continue
		}
		a1, a2, a3 := score(r)
		b1, b2, b3 := score(best)
		if a1 > b1 || (a1 == b1 && (a2 > b2 || (a2 == b2 && (a3 > b3 || (a3 == b3 && r.ID < best.ID))))) {
			best = r
		}
	}
	if best != nil {
		return best.UnitID, []Reason{{ReasonRule,
			fmt.Sprintf("分派规则 #%d 指定由 %s 承办", best.ID, c.name(best.UnitID)),
			fmt.Sprintf("routing rule #%d names %s", best.ID, c.name(best.UnitID))}}
	}
	// 2. The unit of the type serving the area, walking up the tree.
	first := true
	for area := req.AreaID; area != 0; {
		var found []int64
		for _, u := range c.Units {
			if u.Type != t {
				continue
			}
			for _, a := range u.AreaIDs {
				if a == area {
					found = append(found, u.ID)
				}
			}
		}
		if len(found) > 0 {
			sort.Slice(found, func(i, j int) bool { return found[i] < found[j] })
			var rs []Reason
			if first {
				rs = append(rs, Reason{ReasonArea, fmt.Sprintf("%s 负责 %s", c.name(found[0]), c.areaName(area)),
					fmt.Sprintf("%s serves %s", c.name(found[0]), c.areaName(area))})
			} else {
				rs = append(rs, Reason{ReasonAreaUp, fmt.Sprintf("%s 无该类单位，沿区域树上溯至 %s：%s", c.areaName(req.AreaID), c.areaName(area), c.name(found[0])),
					fmt.Sprintf("no %s unit serves %s; up the area tree to %s: %s", t, c.areaName(req.AreaID), c.areaName(area), c.name(found[0]))})
			}
			if len(found) > 1 {
				rs = append(rs, Reason{ReasonTieLowest, fmt.Sprintf("%d 个单位同样负责该区域，取编号最小者", len(found)),
					fmt.Sprintf("%d units serve it equally; took the lowest id", len(found))})
			}
			return found[0], rs
		}
		first = false
		a := c.areas[area]
		if a == nil {
			break
		}
		area = a.ParentID
	}
	// 3. A city-wide unit of the type.
	var wide []int64
	for _, u := range c.Units {
		if u.Type == t && len(u.AreaIDs) == 0 {
			wide = append(wide, u.ID)
		}
	}
	if len(wide) > 0 {
		sort.Slice(wide, func(i, j int) bool { return wide[i] < wide[j] })
		return wide[0], []Reason{{ReasonCityWide, fmt.Sprintf("%s 负责全市", c.name(wide[0])), fmt.Sprintf("%s serves the whole city", c.name(wide[0]))}}
	}
	return 0, nil
}

// Staffed reports whether a unit is on duty at t, and why.
func (c *City) Staffed(u *fenliu.Unit, t time.Time) (bool, Reason) {
	if u.AlwaysOn {
		return true, Reason{ReasonStaffed, u.Name + " 24小时值守", u.Name + " is staffed 24 hours"}
	}
	if c.rostered[u.ID] {
		for _, s := range c.Shifts {
			if s.UnitID == u.ID && !t.Before(s.Start) && t.Before(s.End) {
				return true, Reason{ReasonStaffed, fmt.Sprintf("%s 值班：%s", u.Name, s.Person), fmt.Sprintf("%s on duty: %s", u.Name, s.Person)}
			}
		}
		return false, Reason{ReasonOffDuty, u.Name + " 此时无人值班（勤务报备）", u.Name + " has no one on duty now (roster)"}
	}
	if c.Config.Calendar == nil || c.Config.Calendar.InWorkingHours(t) {
		return true, Reason{ReasonNoRoster, u.Name + " 未报备勤务，按工作时间在岗", u.Name + " keeps no roster; within working hours"}
	}
	return false, Reason{ReasonOffDuty, u.Name + " 未报备勤务，此时为非工作时间", u.Name + " keeps no roster; outside working hours"}
}

// fallback finds who takes an order whose unit is not staffed now.
func (c *City) fallback(u *fenliu.Unit, t time.Time) (int64, Reason, bool) {
	for _, f := range c.Config.OffDutyFallback {
		switch f {
		case FallbackParent24h:
			for p := c.units[u.ParentID]; p != nil; p = c.units[p.ParentID] {
				if p.AlwaysOn {
					return p.ID, Reason{ReasonOffDuty, fmt.Sprintf("%s 非值班时间，转其24小时值守的上级 %s", u.Name, p.Name),
						fmt.Sprintf("%s is off duty; to its 24-hour parent %s", u.Name, p.Name)}, true
				}
			}
		case FallbackLinkageDesk:
			if c.Config.LinkageDeskUnitID != 0 {
				return c.Config.LinkageDeskUnitID, Reason{ReasonOffDuty, fmt.Sprintf("%s 非值班时间，转12345联动专席 %s", u.Name, c.name(c.Config.LinkageDeskUnitID)),
					fmt.Sprintf("%s is off duty; to the linkage desk %s", u.Name, c.name(c.Config.LinkageDeskUnitID))}, true
			}
		case FallbackDutyRoom:
			if c.Config.DutyRoomUnitID != 0 {
				return c.Config.DutyRoomUnitID, Reason{ReasonOffDuty, fmt.Sprintf("%s 非值班时间，转政府总值班室 %s", u.Name, c.name(c.Config.DutyRoomUnitID)),
					fmt.Sprintf("%s is off duty; to the duty room %s", u.Name, c.name(c.Config.DutyRoomUnitID))}, true
			}
		}
	}
	return 0, Reason{}, false
}

// Route decides the units for req.
func Route(c *City, req Request) (Decision, error) {
	if c.units == nil {
		c.Prepare()
	}
	mode := c.Config.Mode
	if mode == "" || req.Direct {
		mode = ModeDirect
	}
	d := Decision{Mode: mode}
	if len(req.UnitTypes) == 0 {
		return d, bad("事项没有责任单位类型", "the category names no unit types")
	}
	if req.AreaID != 0 && c.areas[req.AreaID] == nil {
		return d, bad("区域 %d 不存在", "unknown area %d", req.AreaID)
	}
	if err := (Config{Mode: mode, LinkageDeskUnitID: c.Config.LinkageDeskUnitID, DutyRoomUnitID: c.Config.DutyRoomUnitID}).Usable(); err != nil {
		return d, err
	}
	seen := map[int64]int{} // unit → index in assignments
	var later []Assignment  // off-duty units the desk or duty room passes the order on to
	for i, t := range req.UnitTypes {
		role := fenliu.OrderAssist
		if i == 0 {
			role = fenliu.OrderLead
		}
		id, reasons := c.pick(req, t)
		if id == 0 {
			id = c.Config.LinkageDeskUnitID
			reasons = []Reason{{ReasonNoUnit, fmt.Sprintf("本市没有「%s」类单位，交12345联动专席", t), fmt.Sprintf("no %s unit in the city; to the linkage desk", t)}}
			if id == 0 {
				continue // nothing can take it; the desk sees the incident undispatched
			}
		}
		if u := c.units[id]; u != nil {
			on, why := c.Staffed(u, req.At)
			if !u.AlwaysOn {
				reasons = append(reasons, why) // on duty by roster or hours, or not
			}
			if !on {
				if fb, fr, ok := c.fallback(u, req.At); ok {
					toHub := fb == c.Config.LinkageDeskUnitID || fb == c.Config.DutyRoomUnitID
					if toHub && (mode == ModeDeskFirst || mode == ModeDutyRoom) {
						// The desk or duty room holds every order in these modes
						// anyway: the unit stays its suggestion, passed on to it
						// once it is on duty.
						reasons = append(reasons, Reason{ReasonOffDuty, fmt.Sprintf("%s 上岗后转派", u.Name), fmt.Sprintf("to pass on to %s when on duty", u.Name)})
					} else if toHub {
						// The desk or duty room holds it, to pass on to the unit
						// routing found once it is on duty.
						later = append(later, Assignment{UnitID: u.ID, UnitType: t, Role: role, Suggested: true,
							Reasons: []Reason{{ReasonOffDuty, fmt.Sprintf("%s 上岗后转派", u.Name), fmt.Sprintf("to pass on to %s when on duty", u.Name)}}})
					}
					if !toHub || mode == ModeDirect || mode == ModeBoth {
						id = fb
						reasons = append(reasons, fr)
					}
				}
			}
		}
		if j, dup := seen[id]; dup {
			d.Assignments[j].Reasons = append(d.Assignments[j].Reasons, Reason{ReasonDuplicate,
				fmt.Sprintf("%s 同时负责「%s」，合并为一张工单", c.name(id), t), fmt.Sprintf("%s also answers for %s; one order", c.name(id), t)})
			continue
		}
		seen[id] = len(d.Assignments)
		d.Assignments = append(d.Assignments, Assignment{UnitID: id, UnitType: t, Role: role, Reasons: reasons})
	}
	if mode == ModeDirect || mode == ModeBoth {
		d.PassOn = later
	}
	switch mode {
	case ModeDeskFirst, ModeDutyRoom:
		// The desk (or duty room) gets the order and passes it on; the units
		// found are kept as suggestions.
		hub, code, zh, en := c.Config.LinkageDeskUnitID, ReasonViaDesk, "先转12345联动专席，由专席派单", "to the 12345 linkage desk first, which dispatches"
		if mode == ModeDutyRoom {
			hub, code, zh, en = c.Config.DutyRoomUnitID, ReasonViaDuty, "先转政府总值班室，由值班室派单", "to the government duty room first, which dispatches"
		}
		out := []Assignment{{UnitID: hub, UnitType: req.UnitTypes[0], Role: fenliu.OrderLead, Reasons: []Reason{{code, zh, en}}}}
		for _, a := range d.Assignments {
			if a.UnitID == hub {
				continue
			}
			a.Suggested = true
			out = append(out, a)
		}
		d.Assignments = out
	case ModeBoth:
		if _, dup := seen[c.Config.LinkageDeskUnitID]; !dup {
			d.Assignments = append(d.Assignments, Assignment{UnitID: c.Config.LinkageDeskUnitID, UnitType: req.UnitTypes[0], Role: fenliu.OrderAssist,
				Reasons: []Reason{{ReasonDeskCopy, "同时抄送12345联动专席跟踪", "a copy to the 12345 linkage desk to follow"}}})
		}
	}
	return d, nil
}
