package console_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/fenliu/fenliu"
)

// TestJointCallReachesEveryEmergencyUnit: a call-taker types a fire with
// people in danger and transfers it with one click; the police station of
// the grid, the fire brigade (119) and the ambulance centre (120) each see
// the order arrive live in their inbox, with police and emergency limits.
func TestJointCallReachesEveryEmergencyUnit(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	m := w.a
	admin := &fenliu.User{ID: w.ids["admin"], Role: fenliu.RoleAdmin}

	// The grid the call comes from, and the police station of its street.
	areas, err := m.Areas(ctx, admin)
	must(t, err)
	byID := map[int64]*fenliu.Area{}
	for _, a := range areas {
		byID[a.ID] = a
	}
	var grid *fenliu.Area
	for _, a := range areas {
		if a.Level == fenliu.AreaGrid {
			grid = a
			break
		}
	}
	if grid == nil {
		t.Fatal("the demo city has no grid")
	}
	street := byID[grid.ParentID]
	units, err := m.Units(ctx, admin)
	must(t, err)
	user := map[string]string{} // role in the test → demo user
	unitOf := map[string]int64{}
	for _, u := range units {
		switch {
		case u.Type == fenliu.UTPolice && u.Name == street.Name+"派出所":
			user["police"], unitOf["police"] = "unit-"+strings.ToLower(u.Code), u.ID
		case u.Code == "FIRE":
			user["fire"], unitOf["fire"] = "unit-fire", u.ID
		case u.Code == "EMS":
			user["ambulance"], unitOf["ambulance"] = "unit-ems", u.ID
		}
	}
	if len(user) != 3 {
		t.Fatalf("demo units not found: %v (street %s)", user, street.Name)
	}

	// Each unit's inbox is open before the call comes in.
	inbox := map[string]context.Context{}
	for _, role := range []string{"police", "fire", "ambulance"} {
		c := w.user(t, user[role])
		must(t, chromedp.Do(c, chromedp.Navigate(w.url+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox"))))
		inbox[role] = c
	}

	taker := w.user(t, "taker")
	must(t, chromedp.Do(taker, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
		chromedp.SetValue(chromedp.CSS(`select[name=area_id]`), strconv.FormatInt(grid.ID, 10)),
		chromedp.SendKeys(chromedp.ID("address"), grid.Name+"幸福小区3栋"),
		chromedp.SendKeys(chromedp.ID("text"), "对面楼五楼窗户冒黑烟，好像着火了，里面有人在喊救命")))
	waitText(t, taker, "#sug", func(string) bool {
		v, err := chromedp.Run(taker, chromedp.Evaluate[string](`(document.querySelector("#sug")||{dataset:{}}).dataset.disposition||""`))
		return err == nil && v == string(fenliu.DispJoint)
	})
	w.shot(t, taker, "joint-01-desk-suggestion")
	must(t, chromedp.Do(taker, chromedp.Click(chromedp.ID("transfer")), chromedp.WaitVisible(chromedp.ID("done"))))
	w.shot(t, taker, "joint-02-desk-done")
	href, err := chromedp.Run(taker, chromedp.AttributeValue(chromedp.CSS(`#done a[href^="/incidents/"]`), "href"))
	must(t, err)
	id, err := strconv.ParseInt(strings.TrimPrefix(href.Value, "/incidents/"), 10, 64)
	if err != nil {
		t.Fatalf("the confirmation links to %q", href.Value)
	}

	v, err := m.Incident(ctx, admin, id)
	must(t, err)
	if v.Incident.Disposition != fenliu.DispJoint {
		t.Fatalf("decided %s, want joint", v.Incident.Disposition)
	}
	orderOf := map[int64]*fenliu.Order{}
	for _, o := range v.Orders {
		orderOf[o.UnitID] = o
	}
	for _, role := range []string{"police", "fire", "ambulance"} {
		o := orderOf[unitOf[role]]
		if o == nil {
			t.Fatalf("no order for the %s (%s); orders %v", role, user[role], v.Orders)
		}
		if o.SignDue == nil || o.ArriveDue == nil {
			t.Errorf("the %s's order has no sign-for or arrival limit", role)
		} else if d := o.SignDue.Sub(o.DispatchedAt); d > 5*60e9 {
			t.Errorf("the %s must sign within minutes, has %v", role, d)
		}
		if role == "police" && o.Role != fenliu.OrderLead {
			t.Errorf("the police station's order is %s, want lead", o.Role)
		}
		waitText(t, inbox[role], fmt.Sprintf(`tr[data-order="%d"]`, o.ID), func(s string) bool { return strings.Contains(s, "冒黑烟") })
		w.shot(t, inbox[role], "joint-03-inbox-"+role)
	}
}
