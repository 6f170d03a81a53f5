package console_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/fenliu/fenliu"
)

// TestGovernanceMapInBrowser: calls recorded with coordinates only are
// placed in their grid and routed to its district squad; the leader's map
// draws every grid from GeoJSON (no tile server), shades that grid and ranks
// it first among the hotspots; a click on the grid opens its orders, and the
// same orders are in the squad's inbox. Desktop and a 390×844 phone; and
// the public guide on the phone.
func TestGovernanceMapInBrowser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	admin := &fenliu.User{ID: w.ids["admin"], Role: fenliu.RoleAdmin}
	areas, err := w.a.Areas(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var grid *fenliu.Area
	grids := 0
	for _, ar := range areas {
		if ar.Level == fenliu.AreaGrid {
			grids++
		}
		if ar.Code == "JN-S1-G2" {
			grid = ar
		}
	}
	// The call-taker records eight calls at the grid's centre, no area chosen,
	// and transfers them.
	taker := &fenliu.User{ID: w.ids["taker"], Role: fenliu.RoleCallTaker}
	var orders []int64
	for i := 0; i < 8; i++ {
		lat, lng := *grid.Lat+float64(i%3-1)*0.0004, *grid.Lng+float64(i%2)*0.0004
		res, err := w.a.Transfer(ctx, taker, fenliu.TransferInput{
			Incident: &fenliu.IncidentInput{Channel: fenliu.Channel110, Text: fmt.Sprintf("小区里垃圾%d天没人清了，臭得不行", i+2), Lat: &lat, Lng: &lng,
				ReceivedAt: ptr(time.Now().Add(-time.Duration(i) * 3 * time.Hour))},
			Decision: fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city_appearance.garbage"}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Incident.AreaID != grid.ID {
			t.Fatalf("call %d placed in %d, want the grid %d", i, res.Incident.AreaID, grid.ID)
		}
		for _, o := range res.Orders {
			if o.UnitID == w.ids["JN-urban_management"] {
				orders = append(orders, o.ID)
			}
		}
	}
	if len(orders) != 8 {
		t.Fatalf("%d orders to the district squad, want 8 (routed by the placed grid)", len(orders))
	}

	leader := slowUser(t, w, "leader")
	must(t, chromedp.Do(leader, chromedp.Navigate(w.url+"/map?days=7"), chromedp.WaitVisible(chromedp.CSS(`#govmap[data-ready]`))))
	ready := eval[string](t, leader, `document.getElementById("govmap").getAttribute("data-ready")`)
	if ready != fmt.Sprint(grids) {
		t.Errorf("the map drew %s grids, want %d", ready, grids)
	}
	if first := text(t, leader, "#hotspots tbody tr:first-child"); !strings.Contains(first, grid.Name) || !strings.Contains(first, "8") {
		t.Errorf("first hotspot %q, want %s with 8 calls", first, grid.Name)
	}
	fill := eval[string](t, leader, `document.querySelector('path[data-grid="JN-S1-G2"]').getAttribute("fill")`)
	if fill == "" || fill == "#f8fafc" {
		t.Errorf("the busy grid is not shaded: fill %q", fill)
	}
	w.shot(t, leader, "gov-01-map-desktop")
	// Hide the clustered incidents (the layer control), click the grid: its
	// popup, then its orders.
	must(t, chromedp.Do(leader, chromedp.Click(chromedp.CSS(`.leaflet-control-layers-overlays label:nth-child(2) input`))))
	must(t, chromedp.Do(leader, chromedp.Click(chromedp.CSS(`path[data-grid="JN-S1-G2"]`)), chromedp.WaitVisible(chromedp.CSS(`a.grid-orders`))))
	w.shot(t, leader, "gov-02-map-grid-popup")
	must(t, chromedp.Do(leader, chromedp.Click(chromedp.CSS(`a.grid-orders`)), chromedp.WaitVisible(chromedp.ID("areaorders"))))
	list := text(t, leader, "#areaorders")
	for _, id := range orders {
		if !strings.Contains(list, fmt.Sprintf("#%d", id)) {
			t.Errorf("order #%d not in the grid's orders", id)
		}
	}
	w.shot(t, leader, "gov-03-grid-orders")

	// The squad that must act sees the same orders.
	unit := slowUser(t, w, "unit-jn-urban_management")
	must(t, chromedp.Do(unit, chromedp.Navigate(w.url+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox"))))
	inbox := text(t, unit, "#inbox")
	for _, id := range orders[:3] {
		if !strings.Contains(inbox, fmt.Sprintf("#%d", id)) {
			t.Errorf("order #%d not in the squad's inbox", id)
		}
	}

	// On a phone.
	phone := slowUser(t, w, "leader")
	must(t, chromedp.Do(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(w.url+"/map?days=7"),
		chromedp.WaitVisible(chromedp.CSS(`#govmap[data-ready]`))))
	width := eval[float64](t, phone, `document.documentElement.scrollWidth`)
	mapWidth := eval[float64](t, phone, `document.getElementById("govmap").getBoundingClientRect().width`)
	if width > 390 || mapWidth < 340 {
		t.Errorf("on a phone the page is %v wide (map %v), want ≤ 390 with the map across it", width, mapWidth)
	}
	w.shot(t, phone, "gov-04-map-phone")
	// The unit-type filter keeps the grid (its orders went to urban management).
	must(t, chromedp.Do(phone, chromedp.Navigate(w.url+"/map?days=7&unit_type=urban_management&category=city_appearance.garbage"), chromedp.WaitVisible(chromedp.CSS(`#govmap[data-ready]`))))
	if first := text(t, phone, "#hotspots tbody tr:first-child"); !strings.Contains(first, grid.Name) {
		t.Errorf("filtered first hotspot %q", first)
	}

	// The public guide on a phone: no sign-in; a problem typed is answered
	// with the number to call, emergencies always 110.
	citizen := w.user(t, "")
	must(t, chromedp.Do(citizen, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(w.url+"/guide"), chromedp.WaitVisible(chromedp.ID("guideform"))))
	if s := text(t, citizen, ".guide-motto"); !strings.Contains(s, "紧急找 110") || !strings.Contains(s, "非紧急找 12345") {
		t.Errorf("motto %q", s)
	}
	for _, c := range []struct{ q, want string }{
		{"晚上两点了，楼下夜市的烧烤摊还在放音乐划拳，吵得睡不着", "请拨打 12345"},
		{"想问一下遗产继承要准备什么材料", "请拨打 12348"},
		{"两伙人在烧烤店门口打起来了，有人拿了酒瓶", "请立即拨打 110"},
	} {
		must(t, chromedp.Do(citizen, chromedp.SetValue(chromedp.CSS(`#guideform input[name=q]`), c.q), chromedp.Submit(chromedp.CSS(`#guideform`))))
		if got := waitText(t, citizen, "#answer", func(s string) bool { return strings.Contains(s, c.want) }); !strings.Contains(got, c.want) {
			t.Errorf("%s: answer %q, want %s", c.q, got, c.want)
		}
		if c.want == "请拨打 12348" {
			w.shot(t, citizen, "gov-08-guide-phone")
		}
	}
	if width := eval[float64](t, citizen, `document.documentElement.scrollWidth`); width > 390 {
		t.Errorf("the guide is %v wide on a 390 px phone", width)
	}
}

func ptr[T any](v T) *T { return &v }
