package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// Password is every demo user's password.
const Password = "fenliu-demo"

// Account is a demo user with its API token.
type Account struct {
	Username string
	Role     fenliu.Role
	Unit     string
	Token    string
}

// Summary says what Load made.
type Summary struct {
	Areas, Units, Incidents, Orders int
	Accounts                        []Account
}

// Load fills an empty database with the demo city and n incidents received
// over the 30 days before now. The same seed makes the same city.
func Load(ctx context.Context, a *app.App, now time.Time, n int, seed uint64) (sum *Summary, err error) {
	// A fresh database is filled with one sync at the end, not one per
	// transaction (thousands: 3 s of a start); nothing was acknowledged to
	// anyone before it is done.
	err = a.LoadUnsynced(ctx, func() error {
		sum, err = load(ctx, a, now, n, seed)
		return err
	})
	return sum, err
}

func load(ctx context.Context, a *app.App, now time.Time, n int, seed uint64) (*Summary, error) {
	if empty, err := a.Empty(ctx); err != nil {
		return nil, err
	} else if !empty {
		return nil, fmt.Errorf("the database already has users; the demo loads only into an empty database")
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	clock := now.Add(-31 * 24 * time.Hour)
	a = a.At(func() time.Time { return clock }) // the demo's history is played on its own clock

	l := &loader{a: a, rng: rng, sum: &Summary{}, total: n, unitsByType: map[fenliu.UnitType][]*fenliu.Unit{}, districtOf: map[int64]int64{}, gridIndex: map[int64]int{}}
	if err := l.admin(ctx); err != nil {
		return nil, err
	}
	if err := l.city(ctx); err != nil {
		return nil, err
	}
	if err := l.users(ctx); err != nil {
		return nil, err
	}
	// Routing: straight to the units, the 12345 desk and the duty room as
	// the off-duty fallbacks.
	var desk, duty int64
	for _, u := range l.units {
		switch u.Code {
		case "DESK12345":
			desk = u.ID
		case "DUTYROOM":
			duty = u.ID
		}
	}
	if err := a.SetRouting(ctx, l.root, "direct", desk, duty); err != nil {
		return nil, err
	}
	// Incidents over the 30 days before now, oldest first, more by day than
	// by night; each is played forward on the clock, never past now.
	start := now.Add(-30 * 24 * time.Hour)
	for i := 0; i < n; i++ {
		at := start.Add(time.Duration(float64(30*24*time.Hour) * float64(i) / float64(n)))
		at = at.Add(time.Duration(rng.IntN(40)) * time.Minute)
		if at.After(now) {
			at = now.Add(-time.Minute)
		}
		if k := n - 2 - i; k >= 0 && k < len(holdAt) && now.Sub(at) < 6*time.Hour {
			at = now.Add(-6*time.Hour - time.Duration(k)*20*time.Minute) // time for the work to reach its state
		}
		if err := l.incident(ctx, i, at, now, &clock); err != nil {
			return nil, fmt.Errorf("demo incident %d: %w", i, err)
		}
	}
	return l.sum, nil
}

type loader struct {
	total       int // incidents to make
	a           *app.App
	rng         *rand.Rand
	sum         *Summary
	root        *fenliu.User
	hash        string         // the demo password's hash
	areas       []*fenliu.Area // grids
	unitsByType map[fenliu.UnitType][]*fenliu.Unit
	districtOf  map[int64]int64 // street → district
	gridIndex   map[int64]int   // grid → its place in its street (0, 1, 2)
	units       []*fenliu.Unit  // in creation order
	actors      map[fenliu.Role]*fenliu.User
	staffOf     map[int64]*fenliu.User
}

func (l *loader) admin(ctx context.Context) error {
	l.root = &fenliu.User{Username: "admin", DisplayName: "系统管理员", Role: fenliu.RoleAdmin}
	l.hash = app.HashPassword(Password) // once: every demo user has this password
	if err := l.a.BootstrapHashed(ctx, l.root, l.hash); err != nil {
		return err
	}
	return l.account(ctx, l.root, "")
}

func (l *loader) account(ctx context.Context, u *fenliu.User, unit string) error {
	tok, err := l.a.CreateToken(ctx, nil, u.ID, "demo")
	if err != nil {
		return err
	}
	l.sum.Accounts = append(l.sum.Accounts, Account{Username: u.Username, Role: u.Role, Unit: unit, Token: tok})
	return nil
}

func (l *loader) city(ctx context.Context) error {
	var districtIDs []int64
	streetsOf := map[int64][]int64{}
	for _, d := range districts {
		lat, lng := d.lat, d.lng
		da := &fenliu.Area{Code: d.code, Name: d.name, Level: fenliu.AreaDistrict, Lat: &lat, Lng: &lng, Outline: districtOutline(lat, lng)}
		if err := l.a.CreateArea(ctx, l.root, da); err != nil {
			return err
		}
		districtIDs = append(districtIDs, da.ID)
		l.sum.Areas++
		for si, s := range d.streets {
			slat, slng := lat, lng+float64(si-1)*2*streetHalf // the streets side by side
			sa := &fenliu.Area{Code: fmt.Sprintf("%s-S%d", d.code, si+1), Name: s, Level: fenliu.AreaStreet, ParentID: da.ID, Lat: &slat, Lng: &slng,
				Outline: streetOutline(slat, slng)}
			if err := l.a.CreateArea(ctx, l.root, sa); err != nil {
				return err
			}
			streetsOf[da.ID] = append(streetsOf[da.ID], sa.ID)
			l.districtOf[sa.ID] = da.ID
			l.sum.Areas++
			for gi := 0; gi < 3; gi++ {
				glat, glng := slat, slng+float64(gi-1)*2*gridHalf // the grids in strips across the street
				ga := &fenliu.Area{Code: fmt.Sprintf("%s-S%d-G%d", d.code, si+1, gi+1), Name: fmt.Sprintf("%s第%d网格", s, gi+1),
					Level: fenliu.AreaGrid, ParentID: sa.ID, Lat: &glat, Lng: &glng, Outline: gridOutline(glat, glng)}
				if err := l.a.CreateArea(ctx, l.root, ga); err != nil {
					return err
				}
				// The address directory: the grid's stretch of every road.
				from, to := houseNumbers(gi)
				for _, road := range roads {
					if err := l.a.AddAddressEntry(ctx, l.root, &fenliu.AddressEntry{AreaID: ga.ID, Pattern: s + road, From: from, To: to}); err != nil {
						return err
					}
				}
				l.gridIndex[ga.ID] = gi
				l.areas = append(l.areas, ga)
				l.sum.Areas++
			}
		}
	}
	cityByType := map[fenliu.UnitType]*fenliu.Unit{}
	for _, cu := range cityUnits {
		u := &fenliu.Unit{Code: cu.code, Name: cu.name, Type: cu.typ, DutyPhone: cu.phone, AlwaysOn: cu.always}
		if err := l.unit(ctx, u); err != nil {
			return err
		}
		cityByType[cu.typ] = u
	}
	// District branches: urban management squads, housing offices, police
	// stations and mediation committees, under their city units.
	for i, d := range districts {
		for _, b := range []struct {
			typ    fenliu.UnitType
			suffix string
			always bool
		}{
			{fenliu.UTUrbanManagement, "城管执法大队", true},
			{fenliu.UTHousing, "住建局", false},
			{fenliu.UTPolice, "公安分局", true},
			{fenliu.UTMediation, "人民调解委员会", false},
		} {
			u := &fenliu.Unit{Code: fmt.Sprintf("%s-%s", d.code, b.typ), Name: d.name + b.suffix, Type: b.typ,
				ParentID: cityByType[b.typ].ID, AreaIDs: []int64{districtIDs[i]}, AlwaysOn: b.always,
				DutyPhone: fmt.Sprintf("0771-56%02d%03d", i+1, len(l.sum.Accounts)+int(l.rng.IntN(900)))}
			if err := l.unit(ctx, u); err != nil {
				return err
			}
		}
		// Every street office (街道办) owns its street's community matters;
		// every street has its police station (派出所) under the district's
		// police branch.
		var branch int64
		for _, u := range l.unitsByType[fenliu.UTPolice] {
			if u.Code == fmt.Sprintf("%s-%s", d.code, fenliu.UTPolice) {
				branch = u.ID
			}
		}
		for si, sid := range streetsOf[districtIDs[i]] {
			u := &fenliu.Unit{Code: fmt.Sprintf("%s-S%d-OFFICE", d.code, si+1), Name: d.streets[si] + "办事处",
				Type: fenliu.UTSubdistrict, AreaIDs: []int64{sid}, DutyPhone: fmt.Sprintf("0771-57%d%d001", i+1, si+1)}
			if err := l.unit(ctx, u); err != nil {
				return err
			}
			ps := &fenliu.Unit{Code: fmt.Sprintf("%s-S%d-PS", d.code, si+1), Name: d.streets[si] + "派出所", Type: fenliu.UTPolice,
				ParentID: branch, AreaIDs: []int64{sid}, AlwaysOn: true, DutyPhone: fmt.Sprintf("0771-58%d%d110", i+1, si+1)}
			if err := l.unit(ctx, ps); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *loader) unit(ctx context.Context, u *fenliu.Unit) error {
	if err := l.a.CreateUnit(ctx, l.root, u); err != nil {
		return fmt.Errorf("unit %s: %w", u.Code, err)
	}
	l.unitsByType[u.Type] = append(l.unitsByType[u.Type], u)
	l.units = append(l.units, u)
	l.sum.Units++
	return nil
}

func (l *loader) users(ctx context.Context) error {
	l.actors = map[fenliu.Role]*fenliu.User{fenliu.RoleAdmin: l.root}
	for _, p := range []struct {
		name, display string
		role          fenliu.Role
	}{
		{"taker", "110接警员 李明", fenliu.RoleCallTaker},
		{"desk", "12345联动专席 王芳", fenliu.RoleLinkageDesk},
		{"super", "督办员 陈刚", fenliu.RoleSupervisor},
		{"callback", "回访员 赵丽", fenliu.RoleCallback},
		{"leader", "指挥中心主任 周强", fenliu.RoleLeader},
	} {
		u := &fenliu.User{Username: p.name, DisplayName: p.display, Role: p.role}
		if err := l.a.CreateUserHashed(ctx, l.root, u, l.hash); err != nil {
			return err
		}
		l.actors[p.role] = u
		if err := l.account(ctx, u, ""); err != nil {
			return err
		}
	}
	// The account of an outside system that speaks Open311 (FixMyStreet and
	// the like): its token is the api_key of POST /open311/v2/requests.json.
	sys := &fenliu.User{Username: "open311", DisplayName: "Open311 接入（外部系统）", Role: fenliu.RoleCallTaker}
	if err := l.a.CreateUser(ctx, l.root, sys, ""); err != nil {
		return err
	}
	if err := l.account(ctx, sys, ""); err != nil {
		return err
	}
	// One staff account for every unit: unit staff act only on their unit.
	l.staffOf = map[int64]*fenliu.User{}
	for _, u := range l.units {
		{
			s := &fenliu.User{Username: "unit-" + lower(u.Code), DisplayName: u.Name + "值班员", Role: fenliu.RoleUnitStaff, UnitID: u.ID}
			if err := l.a.CreateUserHashed(ctx, l.root, s, l.hash); err != nil {
				return err
			}
			l.staffOf[u.ID] = s
			if u.Code == "JN-urban_management" || u.Code == "HOUSING" || u.Code == "WATER" {
				if err := l.account(ctx, s, u.Name); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

// unitFor picks the unit of a type that serves the grid's street or district,
// or else the city-wide one.
func (l *loader) unitFor(t fenliu.UnitType, grid *fenliu.Area) *fenliu.Unit {
	var cityWide *fenliu.Unit
	for _, u := range l.unitsByType[t] {
		if len(u.AreaIDs) == 0 {
			cityWide = u
			continue
		}
		for _, aid := range u.AreaIDs {
			if aid == grid.ParentID || aid == l.districtOf[grid.ParentID] {
				return u
			}
		}
	}
	return cityWide
}

func storeFilterIncident(id int64) fenliu.OrderFilter { return fenliu.OrderFilter{IncidentID: id} }
