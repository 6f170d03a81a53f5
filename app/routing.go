package app

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/route"
)

// Routing settings (settings table).
const (
	SettingDeskUnit     = "routing.desk_unit"      // the 12345 linkage desk's unit id
	SettingDutyRoomUnit = "routing.duty_room_unit" // the government duty room's unit id
	SettingFallback     = "routing.fallback"       // e.g. "parent24h,linkage_desk,duty_room"
	SettingTimeZone     = "city.time_zone"         // e.g. Asia/Shanghai
)

// cityCache keeps the routing data between intakes: it is read again when
// the directory version changes (any server's change to areas, units,
// rosters, rules or routing settings) or t leaves the rosters it holds.
type cityCache struct {
	mu      sync.Mutex
	version string
	t       time.Time
	c       *route.City
}

// city returns the routing data — areas, units, rosters around t, rules
// and settings — as a prepared route.City, which callers must not change.
func (a *App) city(ctx context.Context, t time.Time) (*route.City, error) {
	v, err := a.DB.DirectoryVersion(ctx)
	if err != nil {
		return nil, err
	}
	a.cities.mu.Lock()
	defer a.cities.mu.Unlock()
	cc := &a.cities
	if cc.c != nil && cc.version == v && t.Sub(cc.t) < 24*time.Hour && cc.t.Sub(t) < 24*time.Hour {
		return cc.c, nil
	}
	c, err := a.loadCity(ctx, t)
	if err != nil {
		return nil, err
	}
	c.Prepare()
	cc.version, cc.t, cc.c = v, t, c
	return c, nil
}

// loadCity reads the routing data into a route.City.
func (a *App) loadCity(ctx context.Context, t time.Time) (*route.City, error) {
	c := &route.City{}
	areas, err := a.DB.Areas(ctx)
	if err != nil {
		return nil, err
	}
	for _, ar := range areas {
		c.Areas = append(c.Areas, *ar)
	}
	units, err := a.DB.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		c.Units = append(c.Units, *u)
	}
	shifts, err := a.DB.Shifts(ctx, t.Add(-8*24*time.Hour), t.Add(8*24*time.Hour))
	if err != nil {
		return nil, err
	}
	for _, s := range shifts {
		c.Shifts = append(c.Shifts, route.Shift{UnitID: s.UnitID, Start: s.StartsAt, End: s.EndsAt, Person: s.Person, Phone: s.Phone})
	}
	rules, err := a.DB.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		c.Rules = append(c.Rules, route.Rule{ID: r.ID, Category: r.Category, UnitType: r.UnitType, AreaID: r.AreaID, UnitID: r.UnitID})
	}
	get := func(k string) string { v, _ := a.DB.Setting(ctx, k); return v }
	c.Config.Mode = route.Mode(get(SettingRoutingMode))
	if !c.Config.Mode.Valid() {
		c.Config.Mode = route.ModeDirect
	}
	c.Config.LinkageDeskUnitID, _ = strconv.ParseInt(get(SettingDeskUnit), 10, 64)
	c.Config.DutyRoomUnitID, _ = strconv.ParseInt(get(SettingDutyRoomUnit), 10, 64)
	fb := get(SettingFallback)
	if fb == "" {
		fb = "parent24h,linkage_desk,duty_room"
	}
	for _, f := range strings.Split(fb, ",") {
		c.Config.OffDutyFallback = append(c.Config.OffDutyFallback, route.Fallback(strings.TrimSpace(f)))
	}
	c.Config.WorkingHours = route.Hours{Start: 8*time.Hour + 30*time.Minute, End: 17*time.Hour + 30*time.Minute, Weekdays: true}
	c.Config.Location = time.FixedZone("CST", 8*3600)
	if tz := get(SettingTimeZone); tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			c.Config.Location = loc
		}
	}
	return c, nil
}

// routeFromDB is the default Router: the route package over the database.
func (a *App) routeFromDB(ctx context.Context, t *Triage, areaID int64, at time.Time) (*Route, error) {
	c, err := a.city(ctx, at)
	if err != nil {
		return nil, err
	}
	d, err := route.Route(c, route.Request{Category: t.Category, UnitTypes: t.Units, AreaID: areaID, At: at})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range c.Units {
		names[u.ID] = u.Name
	}
	out := &Route{Mode: string(d.Mode)}
	for _, as := range d.Assignments {
		var zh, en []string
		for _, r := range as.Reasons {
			zh, en = append(zh, r.ZH), append(en, r.EN)
		}
		out.Assignments = append(out.Assignments, Assignment{UnitID: as.UnitID, UnitName: names[as.UnitID], UnitType: as.UnitType,
			Role: as.Role, Suggested: as.Suggested, ReasonZH: strings.Join(zh, "；"), ReasonEN: strings.Join(en, "; ")})
	}
	return out, nil
}

// SetRouting sets the city's routing mode and its desk and duty-room units.
func (a *App) SetRouting(ctx context.Context, actor *fenliu.User, mode string, deskUnit, dutyRoomUnit int64) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if !route.Mode(mode).Valid() {
		return fenliu.Errorf(fenliu.EInvalid, "mode", "分派模式必须是 desk_first、direct、both 或 duty_room，收到「%s」", "mode must be desk_first, direct, both or duty_room; got %q", mode)
	}
	for k, v := range map[string]string{SettingRoutingMode: mode, SettingDeskUnit: strconv.FormatInt(deskUnit, 10), SettingDutyRoomUnit: strconv.FormatInt(dutyRoomUnit, 10)} {
		if err := a.DB.SetSettingTx(ctx, k, v); err != nil {
			return err
		}
	}
	c, err := a.city(ctx, a.now())
	if err != nil {
		return err
	}
	return c.Validate()
}
