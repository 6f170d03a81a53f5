package route

import (
	"strings"
	"testing"
	"time"

	"github.com/fenliu/fenliu"
)

var loc = time.FixedZone("CST", 8*3600)

// A small city: district 1 > street 2 > grids 3, 4; district 5 > street 6 > grid 7.
func city() *City {
	return &City{
		Areas: []fenliu.Area{
			{ID: 1, Name: "江南区", Level: fenliu.AreaDistrict}, {ID: 2, Name: "福建园街道", Level: fenliu.AreaStreet, ParentID: 1},
			{ID: 3, Name: "福建园1号网格", Level: fenliu.AreaGrid, ParentID: 2}, {ID: 4, Name: "福建园2号网格", Level: fenliu.AreaGrid, ParentID: 2},
			{ID: 5, Name: "江北区", Level: fenliu.AreaDistrict}, {ID: 6, Name: "新竹街道", Level: fenliu.AreaStreet, ParentID: 5},
			{ID: 7, Name: "新竹1号网格", Level: fenliu.AreaGrid, ParentID: 6},
		},
		Units: []fenliu.Unit{
			{ID: 10, Name: "市城管局", Type: fenliu.UTUrbanManagement, AlwaysOn: true},
			{ID: 11, Name: "江南区城管大队", Type: fenliu.UTUrbanManagement, ParentID: 10, AreaIDs: []int64{1}, AlwaysOn: true},
			{ID: 12, Name: "福建园街道执法队", Type: fenliu.UTUrbanManagement, ParentID: 11, AreaIDs: []int64{2}, AlwaysOn: true},
			{ID: 20, Name: "市住建局", Type: fenliu.UTHousing, AlwaysOn: false},
			{ID: 21, Name: "江南区住建局", Type: fenliu.UTHousing, ParentID: 20, AreaIDs: []int64{1}},
			{ID: 30, Name: "福建园街道办", Type: fenliu.UTSubdistrict, AreaIDs: []int64{2}},
			{ID: 31, Name: "福建园社区", Type: fenliu.UTSubdistrict, AreaIDs: []int64{2}},
			{ID: 40, Name: "市政府总值班室", Type: fenliu.UTSubdistrict, AlwaysOn: true, AreaIDs: []int64{}},
			{ID: 41, Name: "12345联动专席", Type: fenliu.UTSubdistrict, AlwaysOn: true, AreaIDs: []int64{}},
			{ID: 50, Name: "市生态环境局", Type: fenliu.UTEcologyEnvironment, AlwaysOn: false},
		},
		Config: Config{Mode: ModeDirect, LinkageDeskUnitID: 41, DutyRoomUnitID: 40,
			OffDutyFallback: []Fallback{FallbackParent24h, FallbackLinkageDesk, FallbackDutyRoom},
			Calendar:        fenliu.DefaultCalendar(loc)},
	}
}

// Wednesday 10:00 and 23:00, Saturday 10:00 in the city.
var (
	wedDay   = time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	wedNight = time.Date(2026, 11, 25, 23, 0, 0, 0, loc)
	satDay   = time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
)

func codes(rs []Reason) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.Code)
	}
	return strings.Join(s, ",")
}

func TestRoute(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mod     func(c *City)
		req     Request
		want    []int64 // unit ids in order
		roles   string  // "LA" = lead, assist
		reasons []string
		zhHas   string // the first assignment's first reason names this
	}{
		{name: "grid → street unit", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			want: []int64{12}, roles: "L", reasons: []string{"area_up"}, zhHas: "福建园街道执法队"},
		{name: "street itself", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 2, At: wedDay},
			want: []int64{12}, reasons: []string{"area"}, zhHas: "负责 福建园街道"},
		{name: "up to the district", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 4, At: wedDay},
			want: []int64{21}, reasons: []string{"area_up,no_roster"}, zhHas: "沿区域树上溯至 江南区"},
		{name: "other district → city-wide", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 7, At: wedDay},
			want: []int64{10}, reasons: []string{"city_wide"}, zhHas: "负责全市"},
		{name: "unknown place → city-wide", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTEcologyEnvironment}, At: wedDay},
			want: []int64{50}, reasons: []string{"city_wide,no_roster"}},
		{name: "tie → lowest id", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTSubdistrict}, AreaID: 3, At: wedDay},
			want: []int64{30}, reasons: []string{"area_up,tie_lowest,no_roster"}},
		{name: "lead and assisting", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTHousing}, AreaID: 3, At: wedDay},
			want: []int64{12, 21}, roles: "LA"},
		{name: "no unit of the type → desk", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTTobacco}, AreaID: 3, At: wedDay},
			want: []int64{41}, reasons: []string{"no_unit"}, zhHas: "交12345联动专席"},
		{name: "off duty at night → 24h parent", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 3, At: wedNight},
			mod:  func(c *City) { c.Units[3].AlwaysOn = true }, // the city bureau keeps a night desk
			want: []int64{20}, reasons: []string{"area_up,off_duty,off_duty"}},
		{name: "off duty, no 24h parent → linkage desk", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 3, At: wedNight},
			want: []int64{41}, reasons: []string{"area_up,off_duty,off_duty"}},
		{name: "off duty, desk first in the list → duty room when the desk is not configured",
			mod: func(c *City) { c.Config.LinkageDeskUnitID = 0 }, req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 3, At: satDay},
			want: []int64{40}, reasons: []string{"area_up,off_duty,off_duty"}},
		{name: "roster covers the time", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 3, At: wedNight},
			mod: func(c *City) {
				c.Shifts = []Shift{{UnitID: 21, Start: wedNight.Add(-2 * time.Hour), End: wedNight.Add(9 * time.Hour), Person: "王工"}} // across midnight
			},
			want: []int64{21}, reasons: []string{"area_up,staffed"}},
		{name: "roster kept but not covering → fallback", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Shifts = []Shift{{UnitID: 21, Start: wedNight, End: wedNight.Add(time.Hour)}} },
			want: []int64{41}, reasons: []string{"area_up,off_duty,off_duty"}},
		{name: "rule by category", req: Request{Category: "noise.night", UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Rules = []Rule{{ID: 1, Category: "noise.night", UnitID: 11}} },
			want: []int64{11}, reasons: []string{"rule"}, zhHas: "分派规则 #1"},
		{name: "category rule beats unit-type rule; area rule beats city rule",
			req: Request{Category: "noise.night", UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			mod: func(c *City) {
				c.Rules = []Rule{{ID: 1, UnitType: fenliu.UTUrbanManagement, AreaID: 3, UnitID: 10}, {ID: 2, Category: "noise.night", UnitID: 12},
					{ID: 3, Category: "noise.night", AreaID: 1, UnitID: 11}}
			},
			want: []int64{11}, reasons: []string{"rule"}},
		{name: "deeper area rule wins", req: Request{Category: "x", UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			mod: func(c *City) {
				c.Rules = []Rule{{ID: 1, Category: "x", AreaID: 1, UnitID: 11}, {ID: 2, Category: "x", AreaID: 2, UnitID: 10}}
			},
			want: []int64{10}},
		{name: "area rule elsewhere does not apply", req: Request{Category: "x", UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 7, At: wedDay},
			mod:  func(c *City) { c.Rules = []Rule{{ID: 1, Category: "x", AreaID: 1, UnitID: 11}} },
			want: []int64{10}},
		{name: "two types, one unit → one order", req: Request{Category: "y", UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTSubdistrict}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Rules = []Rule{{ID: 1, Category: "y", UnitID: 12}} },
			want: []int64{12}, roles: "L", reasons: []string{"rule,duplicate"}},
		{name: "desk first", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement, fenliu.UTHousing}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Config.Mode = ModeDeskFirst },
			want: []int64{41, 12, 21}, roles: "LLA", reasons: []string{"via_desk"}},
		{name: "duty room", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Config.Mode = ModeDutyRoom },
			want: []int64{40, 12}, reasons: []string{"via_duty"}},
		{name: "both", req: Request{UnitTypes: []fenliu.UnitType{fenliu.UTUrbanManagement}, AreaID: 3, At: wedDay},
			mod:  func(c *City) { c.Config.Mode = ModeBoth },
			want: []int64{12, 41}, roles: "LA", reasons: []string{"area_up", "desk_copy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := city()
			if tc.mod != nil {
				tc.mod(c)
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			d, err := Route(c, tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			roles := ""
			for _, a := range d.Assignments {
				got = append(got, a.UnitID)
				roles += map[fenliu.OrderRole]string{fenliu.OrderLead: "L", fenliu.OrderAssist: "A"}[a.Role]
				if len(a.Reasons) == 0 {
					t.Errorf("unit %d without a reason", a.UnitID)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("units %v, want %v (%+v)", got, tc.want, d)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("units %v, want %v (%+v)", got, tc.want, d)
				}
			}
			if tc.roles != "" && roles != tc.roles {
				t.Errorf("roles %s, want %s", roles, tc.roles)
			}
			for i, want := range tc.reasons {
				if got := codes(d.Assignments[i].Reasons); got != want {
					t.Errorf("assignment %d reasons %s, want %s (%+v)", i, got, want, d.Assignments[i].Reasons)
				}
			}
			if tc.zhHas != "" && !strings.Contains(d.Assignments[0].Reasons[0].ZH, tc.zhHas) {
				t.Errorf("reason %q does not say %q", d.Assignments[0].Reasons[0].ZH, tc.zhHas)
			}
			if tc.mod == nil || d.Mode == ModeDirect {
				for _, a := range d.Assignments {
					if a.Suggested {
						t.Error("direct mode marks a suggestion")
					}
				}
			}
		})
	}
}

func TestRouteErrorsAndValidation(t *testing.T) {
	c := city()
	if _, err := Route(c, Request{AreaID: 3, At: wedDay}); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
		t.Errorf("no unit types: %v", err)
	}
	if _, err := Route(c, Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, AreaID: 99, At: wedDay}); fenliu.ErrorCode(err) != fenliu.EUnprocessable {
		t.Errorf("unknown area: %v", err)
	}
	c = city()
	c.Config.Mode, c.Config.LinkageDeskUnitID = ModeDeskFirst, 0
	if _, err := Route(c, Request{UnitTypes: []fenliu.UnitType{fenliu.UTHousing}, At: wedDay}); err == nil {
		t.Error("desk-first without a desk accepted")
	}
	for name, mod := range map[string]func(c *City){
		"unknown mode":    func(c *City) { c.Config.Mode = "fax" },
		"area cycle":      func(c *City) { c.Areas[0].ParentID = 3 },
		"unknown parent":  func(c *City) { c.Units[0].ParentID = 999 },
		"unit cycle":      func(c *City) { c.Units[0].ParentID = 12 },
		"rule to nowhere": func(c *City) { c.Rules = []Rule{{ID: 1, Category: "x", UnitID: 999}} },
		"desk to nowhere": func(c *City) { c.Config.LinkageDeskUnitID = 999 },
	} {
		c := city()
		mod(c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func BenchmarkRoute(b *testing.B) {
	c := &City{Config: Config{Mode: ModeDirect, LinkageDeskUnitID: 1, OffDutyFallback: []Fallback{FallbackParent24h, FallbackLinkageDesk},
		Calendar: &fenliu.Calendar{DayStart: 8 * time.Hour, DayEnd: 18 * time.Hour, Location: loc}}}
	c.Units = append(c.Units, fenliu.Unit{ID: 1, Name: "desk", Type: fenliu.UTSubdistrict, AlwaysOn: true})
	id := int64(100)
	for d := 0; d < 10; d++ {
		c.Areas = append(c.Areas, fenliu.Area{ID: id, Level: fenliu.AreaDistrict})
		did := id
		id++
		for s := 0; s < 5; s++ {
			c.Areas = append(c.Areas, fenliu.Area{ID: id, Level: fenliu.AreaStreet, ParentID: did})
			sid := id
			id++
			for g := 0; g < 10; g++ {
				c.Areas = append(c.Areas, fenliu.Area{ID: id, Level: fenliu.AreaGrid, ParentID: sid})
				id++
			}
			c.Units = append(c.Units, fenliu.Unit{ID: id + 100000, Type: fenliu.UTSubdistrict, AreaIDs: []int64{sid}})
		}
		for _, t := range fenliu.UnitTypes[:2] {
			c.Units = append(c.Units, fenliu.Unit{ID: id + 200000, Type: t.Code, AreaIDs: []int64{did}, AlwaysOn: true})
			id++
		}
	}
	c.Prepare()
	grid := c.Areas[len(c.Areas)-1].ID
	req := Request{UnitTypes: []fenliu.UnitType{fenliu.UTPolice, fenliu.UTSubdistrict, fenliu.UTHousing}, AreaID: grid, At: wedDay}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Route(c, req); err != nil {
			b.Fatal(err)
		}
	}
}
