package app

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/route"
	"github.com/fenliu/fenliu/store"
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
	v, err := a.db.DirectoryVersion(ctx)
	if err != nil {
		return nil, err
	}
	a.cities.mu.Lock()
	defer a.cities.mu.Unlock()
	cc := &a.cities
	if cc.c != nil && cc.version == v && t.Sub(cc.t) < 24*time.Hour && cc.t.Sub(t) < 24*time.Hour {
		return cc.c, nil
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, err
	}
	c, err := a.loadCity(ctx, &a.db.Q, s, t)
	if err != nil {
		return nil, err
	}
	c.Prepare()
	cc.version, cc.t, cc.c = v, t, c
	return c, nil
}

// loadCity reads the routing data into a route.City, with the settings s.
func (a *App) loadCity(ctx context.Context, q *store.Q, s settingValues, t time.Time) (*route.City, error) {
	c := &route.City{}
	areas, err := q.Areas(ctx)
	if err != nil {
		return nil, err
	}
	for _, ar := range areas {
		c.Areas = append(c.Areas, *ar)
	}
	units, err := q.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		c.Units = append(c.Units, *u)
	}
	shifts, err := q.Shifts(ctx, t.Add(-8*24*time.Hour), t.Add(8*24*time.Hour))
	if err != nil {
		return nil, err
	}
	for _, sh := range shifts {
		c.Shifts = append(c.Shifts, route.Shift{UnitID: sh.UnitID, Start: sh.StartsAt, End: sh.EndsAt, Person: sh.Person, Phone: sh.Phone})
	}
	rules, err := q.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		c.Rules = append(c.Rules, route.Rule{ID: r.ID, Category: r.Category, UnitType: r.UnitType, AreaID: r.AreaID, UnitID: r.UnitID})
	}
	c.Config.Mode = route.Mode(s.get(SettingRoutingMode))
	c.Config.LinkageDeskUnitID = s.int(SettingDeskUnit)
	c.Config.DutyRoomUnitID = s.int(SettingDutyRoomUnit)
	for _, f := range strings.Split(s.get(SettingFallback), ",") {
		c.Config.OffDutyFallback = append(c.Config.OffDutyFallback, route.Fallback(strings.TrimSpace(f)))
	}
	// Units without a roster are on duty in the same working hours that
	// time limits count by.
	c.Config.Calendar = s.calendar()
	return c, nil
}

// routeFromDB is the default Router: the route package over the directory.
func (a *App) routeFromDB(ctx context.Context, req RouteRequest) (*fenliu.Route, error) {
	c, err := a.city(ctx, req.At)
	if err != nil {
		return nil, err
	}
	d, err := route.Route(c, route.Request{Category: req.Category, UnitTypes: req.Units, AreaID: req.AreaID, At: req.At, Direct: req.Direct})
	if err != nil {
		return nil, err
	}
	out := &fenliu.Route{Mode: string(d.Mode)}
	for _, as := range append(d.Assignments, d.PassOn...) {
		var zh, en []string
		for _, r := range as.Reasons {
			zh, en = append(zh, r.ZH), append(en, r.EN)
		}
		name := ""
		if u := c.Unit(as.UnitID); u != nil {
			name = u.Name
		}
		out.Assignments = append(out.Assignments, fenliu.Assignment{UnitID: as.UnitID, UnitName: name, UnitType: as.UnitType,
			Role: as.Role, Suggested: as.Suggested, ReasonZH: strings.Join(zh, "；"), ReasonEN: strings.Join(en, "; ")})
	}
	return out, nil
}

// route routes a request, logging (not hiding) a failure: the incident is
// kept and waits at the desk without a route.
func (a *App) route(ctx context.Context, req RouteRequest) *fenliu.Route {
	r, err := a.router(ctx, req)
	if err != nil {
		a.log.Warn("routing failed; the incident waits at the linkage desk", "category", req.Category, "area", req.AreaID, "err", err)
		return nil
	}
	return r
}
