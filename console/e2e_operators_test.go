package console_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/xlsx"
)

// Journeys of the people who spend a shift in the console (issue 11): the
// call-taker's shortcuts, confirmation and corrections, the linkage desk's
// queue by keyboard, verification and re-routing, the unit's inbox and the
// supervisor's board in one language and on a phone, callbacks one after
// another, the leader's bulletins, printing and Excel. Every screen is
// photographed on a desktop and on a 390×844 phone.

// phone turns the browser into a 390×844 phone.
func phone(t *testing.T, ctx context.Context) {
	t.Helper()
	must(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)))
}

// fitsWidth fails if the page scrolls sideways.
func fitsWidth(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	must(t, err)
	if w > 392 {
		t.Errorf("%s scrolls sideways on a phone: %d px wide", page, w)
	}
}

// waitURL polls until the page's address contains part and it has loaded
// (a click that navigates must not be read on the page it leaves).
func waitURL(t *testing.T, ctx context.Context, part string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`location.href.includes(%q) && document.readyState === "complete"`, part)))
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the page never went to …%s…", part)
}

func count(t *testing.T, ctx context.Context, css string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, css)))
	must(t, err)
	return n
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	must(t, err)
	return v
}

// fetchXLSX downloads a workbook with the page's session.
func fetchXLSX(t *testing.T, ctx context.Context, css string) []byte {
	t.Helper()
	b64 := eval[string](t, ctx, fmt.Sprintf(`fetch(document.querySelector(%q).href).then(r => r.arrayBuffer()).then(b => { let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, css))
	raw, err := base64.StdEncoding.DecodeString(b64)
	must(t, err)
	return raw
}

func TestOperatorsInBrowser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	um := w.ids["JN-urban_management"]
	unitStaff := &fenliu.User{ID: w.ids["unit-jn-urban_management"], Role: fenliu.RoleUnitStaff, UnitID: um}
	deskUser := &fenliu.User{ID: w.ids["desk"], Role: fenliu.RoleLinkageDesk}

	t.Run("desk: Ctrl+Enter transfers and the confirmation names units and tracking number", func(t *testing.T) {
		tab := w.user(t, "taker")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), "凌晨两点了，楼下夜市的烧烤摊还在放音乐划拳，吵得根本睡不着，麻烦派人来管一管"),
			chromedp.WaitVisible(chromedp.CSS(`#sug`)),
			chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.WaitVisible(chromedp.ID("done"))))
		done := text(t, tab, "#done")
		if strings.Contains(done, "%!") {
			t.Fatalf("confirmation has a format error: %q", done)
		}
		id := eval[int](t, tab, `parseInt(document.querySelector("#done a").textContent.replace(/\D+/g, ""), 10)`)
		v, err := w.a.Incident(ctx, deskUser, int64(id))
		must(t, err)
		if !strings.Contains(done, v.Incident.TrackingNo) {
			t.Errorf("confirmation %q lacks the tracking number %s", done, v.Incident.TrackingNo)
		}
		if len(v.Orders) == 0 {
			t.Fatal("Ctrl+Enter did not transfer")
		}
		for _, o := range v.Orders {
			if !strings.Contains(done, v.Names.Units[o.UnitID]) || !strings.Contains(done, fmt.Sprintf("#%d", o.ID)) {
				t.Errorf("confirmation %q does not name order #%d of %s", done, o.ID, v.Names.Units[o.UnitID])
			}
		}
		w.shot(t, tab, "op-01-desk-confirmation")
		phone(t, tab)
		w.shot(t, tab, "op-01-desk-confirmation-phone")
		fitsWidth(t, tab, "desk")
	})

	t.Run("desk: Alt+P dispatches police", func(t *testing.T) {
		tab := w.user(t, "taker")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), "小区门口两个人拿着刀在打架，已经有人流血了"),
			chromedp.WaitVisible(chromedp.CSS(`#sug`)),
			chromedp.KeyEvent("p", chromedp.KeyModifiers(chromedp.ModifierAlt)),
			chromedp.WaitVisible(chromedp.ID("done"))))
		if d := text(t, tab, "#done .badge"); !strings.Contains(d, "警务") && !strings.Contains(d, "联动") {
			t.Errorf("Alt+P: %q", d)
		}
	})

	t.Run("desk: a low-confidence answer is a warning with what to ask", func(t *testing.T) {
		tab := w.user(t, "taker")
		call := "路口有人吵架"
		sug, err := w.a.Suggest(ctx, &fenliu.User{ID: w.ids["taker"], Role: fenliu.RoleCallTaker}, call, 0, "", "")
		must(t, err)
		if !sug.Triage.Doubtful() {
			t.Fatalf("the engine is sure of %q (%.2f): pick another doubtful call", call, sug.Triage.Confidence)
		}
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), call), chromedp.WaitVisible(chromedp.ID("doubt"))))
		if s := text(t, tab, "#doubt"); !strings.Contains(s, "请问报警人") {
			t.Errorf("doubt warning %q does not say what to ask", s)
		}
		w.shot(t, tab, "op-02-desk-doubt")
	})

	t.Run("desk: the category and units are corrected before transferring", func(t *testing.T) {
		tab := w.user(t, "taker")
		call := "凌晨两点了，楼下夜市的烧烤摊还在放音乐划拳，吵得根本睡不着"
		engine := w.a.Catalog().Category("city_appearance.night_market_noise")
		if engine == nil {
			t.Fatal("catalogue lacks city_appearance.night_market_noise")
		}
		var other *struct{ code, name string }
		for _, c := range w.a.Catalog().Categories() {
			if c.Disposition == fenliu.DispDivert && len(c.Units) > 0 && c.Units[0] != engine.Units[0] {
				other = &struct{ code, name string }{c.Code, c.NameZH}
				break
			}
		}
		if other == nil {
			t.Fatal("no other divert category in the catalogue")
		}
		assist := "江南区住建局"
		if _, ok := w.ids["JN-housing"]; !ok {
			assist = ""
		}
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), call), chromedp.WaitVisible(chromedp.CSS(`#sug`)),
			chromedp.Click(chromedp.CSS(`#fix summary`)),
			chromedp.SendKeys(chromedp.ID("fix-category"), other.name),
			chromedp.Blur(chromedp.ID("fix-category")),
			chromedp.WaitVisible(chromedp.ID("corrected"))))
		if s := text(t, tab, "#corrected"); !strings.Contains(s, other.name) {
			t.Errorf("correction shows %q, want %s", s, other.name)
		}
		lead := text(t, tab, "ol.route li b")
		if assist != "" {
			must(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.ID("fix-lead"), lead), chromedp.SendKeys(chromedp.ID("fix-assist"), assist)))
		}
		w.shot(t, tab, "op-03-desk-corrected")
		must(t, chromedp.Do(tab, chromedp.Click(chromedp.ID("transfer")), chromedp.WaitVisible(chromedp.ID("done"))))
		id := eval[int](t, tab, `parseInt(document.querySelector("#done a").textContent.replace(/\D+/g, ""), 10)`)
		v, err := w.a.Incident(ctx, deskUser, int64(id))
		must(t, err)
		if v.Incident.Category != other.code {
			t.Errorf("decided category %q, corrected to %q", v.Incident.Category, other.code)
		}
		names := map[string]bool{}
		for _, o := range v.Orders {
			names[v.Names.Units[o.UnitID]] = true
		}
		if !names[lead] || (assist != "" && !names[assist]) {
			t.Errorf("orders went to %v; lead %s, assisting %s", names, lead, assist)
		}
	})

	t.Run("desk: the typed address chooses the grid, and so the district's unit", func(t *testing.T) {
		admin := &fenliu.User{ID: w.ids["admin"], Role: fenliu.RoleAdmin}
		areas, err := w.a.Areas(ctx, admin)
		must(t, err)
		var grid *fenliu.Area
		for _, a := range areas {
			if a.Code == "JN-S1-G1" {
				grid = a
			}
		}
		if grid == nil {
			t.Fatal("no grid JN-S1-G1 in the demo")
		}
		grid.Roads = []string{"友谊巷", "春风里"}
		must(t, w.a.UpdateArea(ctx, admin, grid))
		tab := w.user(t, "taker")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), "凌晨两点了，楼下夜市的烧烤摊还在放音乐划拳，吵得根本睡不着"),
			chromedp.SendKeys(chromedp.ID("address"), "友谊巷5号楼下"),
			chromedp.Blur(chromedp.ID("address")),
			chromedp.WaitVisible(chromedp.ID("located"))))
		if s := text(t, tab, "#located"); !strings.Contains(s, grid.Name) {
			t.Errorf("located %q, want %s", s, grid.Name)
		}
		w.shot(t, tab, "op-03b-desk-address-grid")
		must(t, chromedp.Do(tab, chromedp.Click(chromedp.ID("transfer")), chromedp.WaitVisible(chromedp.ID("done"))))
		id := eval[int](t, tab, `parseInt(document.querySelector("#done a").textContent.replace(/\D+/g, ""), 10)`)
		v, err := w.a.Incident(ctx, deskUser, int64(id))
		must(t, err)
		if v.Incident.AreaID != grid.ID {
			t.Errorf("incident in area %d, the address is in %d", v.Incident.AreaID, grid.ID)
		}
		for _, o := range v.Orders {
			if n := v.Names.Units[o.UnitID]; strings.HasPrefix(n, "临江市") {
				t.Errorf("order to the city-level %s, not the district's", n)
			}
		}
	})

	t.Run("desk: a refused transfer keeps what was typed", func(t *testing.T) {
		tab := w.user(t, "taker")
		call := "小区门口的垃圾三天没人清运了"
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text")),
			chromedp.SendKeys(chromedp.ID("text"), call), chromedp.SendKeys(chromedp.ID("address"), "友爱路12号"),
			chromedp.Click(chromedp.CSS(`#fix summary`)), chromedp.SendKeys(chromedp.ID("fix-lead"), "没有这个单位"),
			chromedp.Click(chromedp.ID("transfer")), chromedp.WaitVisible(chromedp.CSS(`p.error`))))
		if got := eval[string](t, tab, `document.getElementById("text").value`); got != call {
			t.Errorf("the call text became %q", got)
		}
		if got := eval[string](t, tab, `document.getElementById("address").value`); got != "友爱路12号" {
			t.Errorf("the address became %q", got)
		}
		w.shot(t, tab, "op-04-desk-refused")
	})

	// Work for the linkage desk: an order fed back, an order returned.
	_, fed := w.dispatch(t, um, "福建园路人行道上的井盖松动，踩上去会响")
	_, err := w.a.Act(ctx, unitStaff, fed.ID, fenliu.ActSign, fenliu.ActionInput{})
	must(t, err)
	_, err = w.a.Act(ctx, unitStaff, fed.ID, fenliu.ActFeedback, fenliu.ActionInput{Note: "已联系产权单位更换井盖"})
	must(t, err)
	_, ret := w.dispatch(t, um, "小区电梯困人后一直没有维保单位来修")
	_, err = w.a.Act(ctx, unitStaff, ret.ID, fenliu.ActReturn, fenliu.ActionInput{Note: "电梯维保不属于城管职责"})
	must(t, err)

	t.Run("linkage desk: the queue by keyboard, verification, re-route to the new order", func(t *testing.T) {
		tab := w.user(t, "desk")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/linkage"), chromedp.WaitVisible(chromedp.ID("queue"))))
		if n := count(t, tab, `select[multiple]`); n != 0 {
			t.Errorf("%d multi-selects on the queue", n)
		}
		if n := count(t, tab, `#queue select[name=lead], #queue select[name=assist]`); n != 0 {
			t.Errorf("%d unit drop-downs in the queue", n)
		}
		if n := count(t, tab, `#q-dispatch article .age`); n == 0 {
			t.Error("queue items show no waiting time")
		}
		h := eval[int](t, tab, `document.documentElement.scrollHeight`)
		items := count(t, tab, `[data-item]`)
		t.Logf("linkage queue: %d items, %d px tall", items, h)
		if items > 0 && h/items > 260 {
			t.Errorf("%d px per queue item", h/items)
		}
		w.shot(t, tab, "op-05-linkage")
		// j moves to the first item, j again to the second, k back.
		must(t, chromedp.Do(tab, chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k")))
		first := eval[string](t, tab, `document.activeElement.getAttribute("data-incident") || document.activeElement.getAttribute("data-order") || ""`)
		want := eval[string](t, tab, `(e => e.getAttribute("data-incident") || e.getAttribute("data-order"))(document.querySelector("[data-item]"))`)
		if first == "" || first != want {
			t.Errorf("j j k focused %q, want the first item %q", first, want)
		}
		// Enter goes into the item's form.
		must(t, chromedp.Do(tab, chromedp.KeyEvent(kb.Enter)))
		if tag := eval[string](t, tab, `document.activeElement.tagName`); tag != "INPUT" && tag != "SELECT" && tag != "BUTTON" {
			t.Errorf("Enter focused a %s", tag)
		}
		// Verify the fed-back order from the queue.
		sel := fmt.Sprintf(`#q-verify [data-order="%d"]`, fed.ID)
		must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(sel)),
			chromedp.Click(chromedp.CSS(sel+` form[action$="/act/verify"] button`))))
		waitURL(t, tab, fmt.Sprintf("done=%d", fed.ID))
		must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`p.flash`))))
		if s := text(t, tab, "p.flash"); !strings.Contains(s, fmt.Sprintf("#%d", fed.ID)) {
			t.Errorf("verification confirmed as %q", s)
		}
		if o, _ := w.a.Order(ctx, deskUser, fed.ID); o.State != fenliu.StateClosed {
			t.Errorf("verified order is %s", o.State)
		}
		// Dispatch the first incident waiting, with its suggested lead.
		if count(t, tab, `#q-dispatch article`) > 0 {
			inc := eval[string](t, tab, `document.querySelector("#q-dispatch article").getAttribute("data-incident")`)
			lead := eval[string](t, tab, `document.querySelector("#q-dispatch article input[name=lead]").value`)
			if lead == "" {
				must(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS(`#q-dispatch article input[name=lead]`), "江南区城管执法大队")))
			}
			must(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`#q-dispatch article button.primary`))))
			waitURL(t, tab, "did=dispatch&id="+inc)
			must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(`p.flash`))))
			if s := text(t, tab, "p.flash"); !strings.Contains(s, "#"+inc) || !strings.Contains(s, "已派单") {
				t.Errorf("dispatch confirmed as %q", s)
			}
			w.shot(t, tab, "op-06-linkage-dispatched")
		}
		// Re-route the returned order: the page goes on to the new order.
		rsel := fmt.Sprintf(`#q-returned [data-order="%d"]`, ret.ID)
		must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(rsel)),
			chromedp.SendKeys(chromedp.CSS(rsel+` input[name=unit_id]`), "江南区住建局"),
			chromedp.SendKeys(chromedp.CSS(rsel+` input[name=note]`), "电梯属住建部门监管"),
			chromedp.Click(chromedp.CSS(rsel+` button.primary`)),
			chromedp.WaitVisible(chromedp.ID("done"))))
		if s := text(t, tab, "#done"); !strings.Contains(s, fmt.Sprintf("#%d", ret.ID)) || !strings.Contains(s, "江南区住建局") {
			t.Errorf("after the re-route: %q", s)
		}
		if s := text(t, tab, "h1"); strings.Contains(s, fmt.Sprintf("#%d", ret.ID)) {
			t.Errorf("still on the old order: %q", s)
		}
		w.shot(t, tab, "op-07-rerouted-new-order")
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/linkage"), chromedp.WaitVisible(chromedp.ID("queue"))))
		w.shot(t, tab, "op-05-linkage-phone")
		fitsWidth(t, tab, "linkage")
	})

	t.Run("supervisor: headers, unit column, filters, counts that open lists, no sign-for offered", func(t *testing.T) {
		_, o := w.dispatch(t, um, "广场舞音响声音太大，老人孩子都受不了")
		tab := w.user(t, "super")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/supervise"), chromedp.WaitVisible(chromedp.CSS(`[data-state=dispatched]`)),
			chromedp.Click(chromedp.CSS(`a[data-state=dispatched]`)), chromedp.WaitVisible(chromedp.ID("in-state"))))
		if n := count(t, tab, `#in-state + table thead th`); n < 6 {
			t.Errorf("list has %d column headers", n)
		}
		if s := text(t, tab, fmt.Sprintf(`#in-state + table tr[data-order="%d"] td.unit`, o.ID)); s != "江南区城管执法大队" {
			t.Errorf("unit column %q", s)
		}
		w.shot(t, tab, "op-08-supervise-state")
		must(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS(`#filters input[name=unit]`), "江南区城管执法大队"),
			chromedp.Click(chromedp.CSS(`#filters button`))))
		waitURL(t, tab, "unit=")
		must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.ID("in-state"))))
		units := eval[[]string](t, tab, `[...document.querySelectorAll("#in-state + table td.unit")].map(e => e.textContent)`)
		for _, u := range units {
			if u != "江南区城管执法大队" {
				t.Errorf("filtered by unit, still shows %q", u)
			}
		}
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("in-state"))))
		w.shot(t, tab, "op-08-supervise-phone")
		fitsWidth(t, tab, "supervise")
		must(t, chromedp.Do(tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, o.ID)), chromedp.WaitVisible(chromedp.ID("actions"))))
		if n := count(t, tab, `#actions > form.act-sign, #actions > form.act-return`); n != 0 {
			t.Errorf("a supervisor is offered sign-for or return as their own (%d forms)", n)
		}
		if n := count(t, tab, `#for-unit form.act-sign`); n != 1 {
			t.Errorf("recording a phoned-in sign-for for the unit: %d forms", n)
		}
		w.shot(t, tab, "op-09-order-supervisor")
	})

	t.Run("unit inbox in English on a phone: one language, addresses, no raw codes", func(t *testing.T) {
		// An order with time limits, whose deadlines pass: the system writes
		// its notices (in both languages).
		inc, _, err := w.a.Intake(ctx, deskUser, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "夜市烧烤摊半夜还在营业，油烟很大", Address: "福建园路20号"})
		must(t, err)
		_, err = w.a.Decide(ctx, deskUser, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: "city_appearance.night_market_noise"})
		must(t, err)
		_, err = w.a.Dispatch(ctx, deskUser, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: um, Role: fenliu.OrderLead}}})
		must(t, err)
		fired, err := w.a.FireDue(ctx, time.Now().Add(72*time.Hour))
		must(t, err)
		ns, err := w.a.Notices(ctx, unitStaff, fenliu.NoticeFilter{UnitID: um, Limit: 20})
		must(t, err)
		t.Logf("%d timers fired; %d notices for the unit", fired, len(ns))
		tab := w.user(t, "unit-jn-urban_management")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/lang/en"), chromedp.Navigate(w.url+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox"))))
		body := text(t, tab, "main")
		if strings.Contains(body, "工单 #") || strings.Contains(body, "/ order #") {
			t.Errorf("English inbox shows system texts in Chinese: %q", body[:min(len(body), 400)])
		}
		if n := count(t, tab, `ul.notices li`); n == 0 {
			t.Error("no notices after the deadline passed")
		}
		if n := count(t, tab, `td.matter .addr`); n == 0 {
			t.Error("the inbox shows no addresses")
		}
		rawCodes(t, tab, "inbox")
		w.shot(t, tab, "op-10-inbox-en")
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("inbox"))))
		narrow := eval[float64](t, tab, `Math.min(...[...document.querySelectorAll("td.st .badge")].map(e => e.getBoundingClientRect().width))`)
		if narrow < 40 {
			t.Errorf("a state badge is %.0f px wide on a phone: it wraps per character", narrow)
		}
		fitsWidth(t, tab, "inbox")
		w.shot(t, tab, "op-10-inbox-phone-en")
		must(t, chromedp.Do(tab, chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, ret.ID)), chromedp.WaitVisible(chromedp.ID("matter"))))
		rawCodes(t, tab, "order")
		if s := text(t, tab, "ol.timeline"); strings.Contains(s, "退回") || strings.Contains(s, "一键") {
			t.Errorf("English history shows Chinese labels: %q", s)
		}
		w.shot(t, tab, "op-11-order-phone-en")
	})

	t.Run("Accept-Language chooses English until the user switches", func(t *testing.T) {
		tab := w.user(t, "")
		must(t, chromedp.Do(tab, chromedp.Navigate("about:blank")))
		_, err := chromedp.Call(tab, network.Enable, network.EnableParams{})
		must(t, err)
		_, err = chromedp.Call(tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"}})
		must(t, err)
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/login"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`))))
		if lang := eval[string](t, tab, `document.documentElement.lang`); lang != "en" {
			t.Errorf("login page in %q for an English browser", lang)
		}
		must(t, chromedp.Do(tab, chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "leader"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "fenliu-demo"), chromedp.Click(chromedp.CSS(`button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`header .who`))))
		for _, path := range []string{"/supervise", "/dashboard", "/bulletins"} {
			must(t, chromedp.Do(tab, chromedp.Navigate(w.url+path), chromedp.WaitVisible(chromedp.CSS("main h1"))))
			rawCodes(t, tab, path)
		}
		if s := text(t, tab, "header .role"); s != "Leader" {
			t.Errorf("role shown as %q", s)
		}
		w.shot(t, tab, "op-12-bulletins-en")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/lang/zh"), chromedp.Navigate(w.url+"/bulletins"), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		if lang := eval[string](t, tab, `document.documentElement.lang`); lang != "zh-CN" {
			t.Errorf("after switching to Chinese: %q", lang)
		}
	})

	t.Run("callbacks: no preset rating, due order, on to the next call", func(t *testing.T) {
		tab := w.user(t, "callback")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/callbacks"), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		n := count(t, tab, `article.callback`)
		if n < 2 {
			t.Fatalf("%d callbacks waiting; the demo should have more", n)
		}
		if c := count(t, tab, `input[name=satisfaction]:checked, select[name=satisfaction]`); c != 0 {
			t.Errorf("satisfaction starts set (%d)", c)
		}
		dues := eval[[]float64](t, tab, `[...document.querySelectorAll("article.callback .due")].map(e => +e.getAttribute("data-due"))`)
		for i := 1; i < len(dues); i++ {
			if dues[i] < dues[i-1] {
				t.Errorf("callbacks not in due order: %v", dues)
				break
			}
		}
		w.shot(t, tab, "op-13-callbacks")
		first := eval[string](t, tab, `document.querySelector("article.callback").getAttribute("data-order")`)
		must(t, chromedp.Do(tab,
			chromedp.Click(chromedp.CSS(`article.callback.next input[name=solved][value=true]`)),
			chromedp.Click(chromedp.CSS(`article.callback.next input[name=satisfaction][value=satisfied]`)),
			chromedp.Click(chromedp.CSS(`article.callback.next .cbform button.primary`)),
			chromedp.WaitVisible(chromedp.ID("done"))))
		if loc := eval[string](t, tab, `location.pathname`); loc != "/callbacks" {
			t.Errorf("after a rating the page is %s", loc)
		}
		if s := text(t, tab, "#done"); !strings.Contains(s, "#"+first) {
			t.Errorf("confirmation %q", s)
		}
		if next := eval[string](t, tab, `document.querySelector("article.callback").getAttribute("data-order")`); next == first {
			t.Errorf("order %s is still first after its callback", first)
		}
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		fitsWidth(t, tab, "callbacks")
		w.shot(t, tab, "op-13-callbacks-phone")
	})

	t.Run("leader: print, whole periods, ranking with a minimum, definitions, Excel", func(t *testing.T) {
		tab := w.user(t, "leader")
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/dashboard"), chromedp.WaitVisible(chromedp.ID("ranking"))))
		if n := count(t, tab, `header nav a[href="/bulletins"]`); n != 1 {
			t.Error("通报 is not in the navigation")
		}
		minOrders := w.a.RankMinOrders(ctx)
		orders := eval[[]int](t, tab, `[...document.querySelectorAll("#ranking tbody tr[data-key]:not(.few) td:nth-child(4)")].map(e => +e.textContent)`)
		for _, n := range orders {
			if n < minOrders {
				t.Errorf("a unit with %d orders is ranked (minimum %d)", n, minOrders)
			}
		}
		must(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(`[data-rate=sign_for] details.def summary`))))
		if s := text(t, tab, `[data-rate=sign_for] details.def p`); !strings.Contains(s, "÷") {
			t.Errorf("sign-for definition %q", s)
		}
		raw := fetchXLSX(t, tab, "#xlsx")
		if names, err := xlsx.SheetNames(raw); err != nil || len(names) != 1 || names[0] != "考核" {
			t.Errorf("dashboard sheets %q (%v)", names, err)
		}
		w.shot(t, tab, "op-14-dashboard")
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("ranking"))))
		fitsWidth(t, tab, "dashboard")
		w.shot(t, tab, "op-14-dashboard-phone")

		must(t, chromedp.Do(tab, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(w.url+"/bulletins?period=month"), chromedp.WaitVisible(chromedp.ID("bulletin"))))
		h1 := text(t, tab, "h1 small")
		ends := regexp.MustCompile(`(\d{4}-\d\d-\d\d) \d\d:\d\d$`).FindStringSubmatch(strings.TrimSpace(h1))
		if ends == nil {
			t.Fatalf("bulletin period %q", h1)
		}
		if today := time.Now().In(w.a.Location(ctx)).Format("2006-01-02"); ends[1] >= today {
			t.Errorf("the monthly bulletin runs to %s, not a past month", ends[1])
		}
		raw = fetchXLSX(t, tab, "#xlsx")
		if names, _ := xlsx.SheetNames(raw); len(names) != 1 || names[0] != "月报" {
			t.Errorf("bulletin sheets %q", names)
		}
		rows, err := xlsx.Read(raw)
		must(t, err)
		if len(rows) < 5 || !strings.Contains(rows[0][0], "月报") || !strings.HasPrefix(rows[1][0], "统计期间") {
			t.Errorf("bulletin workbook head %q", rows[:min(len(rows), 5)])
		}
		// 打印 works under the CSP: the handler lives in app.js.
		printed := eval[int](t, tab, `window.__printed = 0; window.print = () => window.__printed++; document.getElementById("print").click(); window.__printed`)
		if printed != 1 {
			t.Errorf("打印 called print %d times", printed)
		}
		w.shot(t, tab, "op-15-bulletin-month")
		phone(t, tab)
		must(t, chromedp.Do(tab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("bulletin"))))
		fitsWidth(t, tab, "bulletins")
		w.shot(t, tab, "op-15-bulletin-phone")
	})

	t.Run("error page: back link without script, what was typed kept", func(t *testing.T) {
		_, o := w.dispatch(t, um, "路边有辆僵尸车停了半年")
		_, err := w.a.Act(ctx, unitStaff, o.ID, fenliu.ActReturn, fenliu.ActionInput{Note: "不属于本单位"})
		must(t, err)
		tab := w.user(t, "desk")
		note := "转交交警大队处理占道停放"
		must(t, chromedp.Do(tab, chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, o.ID)), chromedp.WaitVisible(chromedp.CSS(`form.act-reroute`)),
			chromedp.SendKeys(chromedp.CSS(`form.act-reroute input[name=unit_id]`), "并无此单位"),
			chromedp.SendKeys(chromedp.CSS(`form.act-reroute input[name=note]`), note),
			chromedp.Click(chromedp.CSS(`form.act-reroute button`)), chromedp.WaitVisible(chromedp.ID("back"))))
		if s := text(t, tab, "#typed"); !strings.Contains(s, note) {
			t.Errorf("the error page lost the note: %q", s)
		}
		href := eval[string](t, tab, `document.getElementById("back").getAttribute("href")`)
		if href != fmt.Sprintf("/orders/%d", o.ID) {
			t.Errorf("返回 goes to %q", href)
		}
		w.shot(t, tab, "op-16-error-page")
	})
	t.Run("admin: edit a user, reset the password, disable — the token stops working", func(t *testing.T) {
		admin := &fenliu.User{ID: w.ids["admin"], Role: fenliu.RoleAdmin}
		token, err := w.a.CreateToken(ctx, admin, w.ids["taker"], "test")
		must(t, err)
		me := func() int {
			req, _ := http.NewRequest("GET", w.url+"/api/v1/me", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			must(t, err)
			resp.Body.Close()
			return resp.StatusCode
		}
		if c := me(); c != 200 {
			t.Fatalf("token before: %d", c)
		}
		tab := w.user(t, "admin")
		row := `#user-list tr[data-user=taker]`
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/admin#users"), chromedp.WaitVisible(chromedp.CSS(row)),
			chromedp.Click(chromedp.CSS(row+` details.edit summary`)),
			chromedp.SetValue(chromedp.CSS(row+` input[name=display_name]`), "接警员 李明（夜班）"),
			chromedp.SendKeys(chromedp.CSS(row+` input[name=password]`), "new-password-1"),
			chromedp.Click(chromedp.CSS(row+` button.primary`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`))))
		// The page may still be loading after the redirect: poll the row.
		waitText(t, tab, row+` td:nth-child(2)`, func(s string) bool { return s == "接警员 李明（夜班）" })
		if _, err := w.a.Login(ctx, "taker", "new-password-1"); err != nil {
			t.Errorf("the reset password does not sign in: %v", err)
		}
		w.shot(t, tab, "op-17-admin-users")
		must(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(row+` details.edit summary`)),
			chromedp.Click(chromedp.CSS(row+` input[name=disabled]`)),
			chromedp.Click(chromedp.CSS(row+` button.primary`)), chromedp.WaitVisible(chromedp.CSS(row+`.disabled`))))
		if c := me(); c != 401 {
			t.Errorf("a disabled user's token answers %d", c)
		}
		if _, err := w.a.Login(ctx, "taker", "new-password-1"); err == nil {
			t.Error("a disabled user signs in")
		}
		// An area's road names are edited in its row.
		arow := `#area-list tr[data-area="JN-S1-G2"]`
		must(t, chromedp.Do(tab, chromedp.Click(chromedp.CSS(arow+` details.edit summary`)),
			chromedp.SetValue(chromedp.CSS(arow+` textarea[name=roads]`), "和平路\n明月巷"),
			chromedp.Click(chromedp.CSS(arow+` button.primary`))))
		waitURL(t, tab, "saved=area")
		must(t, chromedp.Do(tab, chromedp.WaitVisible(chromedp.CSS(arow))))
		if s := text(t, tab, arow+` td.roads-list`); s != "和平路、明月巷" {
			t.Errorf("roads after the edit: %q", s)
		}
		small := w.user(t, "admin") // a phone, with its own time
		phone(t, small)
		must(t, chromedp.Do(small, chromedp.Navigate(w.url+"/admin"), chromedp.WaitVisible(chromedp.CSS(row))))
		fitsWidth(t, small, "admin")
		w.shot(t, small, "op-17-admin-phone")
	})

	t.Run("unit staff report their own duty roster", func(t *testing.T) {
		tab := w.user(t, "unit-jn-urban_management")
		start := time.Now().Add(24 * time.Hour).In(w.a.Location(ctx))
		must(t, chromedp.Do(tab, chromedp.Navigate(w.url+"/inbox#roster"), chromedp.WaitVisible(chromedp.ID("roster-add")),
			chromedp.SetValue(chromedp.CSS(`#roster-add input[name=starts_at]`), start.Format("2006-01-02T15:04")),
			chromedp.SetValue(chromedp.CSS(`#roster-add input[name=ends_at]`), start.Add(12*time.Hour).Format("2006-01-02T15:04")),
			chromedp.SendKeys(chromedp.CSS(`#roster-add input[name=person]`), "值班员 张伟"),
			chromedp.SendKeys(chromedp.CSS(`#roster-add input[name=phone]`), "0771-5612345"),
			chromedp.Click(chromedp.CSS(`#roster-add button`)), chromedp.WaitVisible(chromedp.CSS(`#roster #shift-list`))))
		if s := text(t, tab, "#shift-list"); !strings.Contains(s, "值班员 张伟") {
			t.Errorf("roster after reporting: %q", s)
		}
		w.shot(t, tab, "op-18-roster")
	})
	t.Logf("screenshots in %s", w.dir)
}

// rawCodes fails if an English page shows a state, action or role code.
func rawCodes(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	body := eval[string](t, ctx, `document.querySelector("main").innerText + " " + document.querySelector("header").innerText`)
	for _, code := range []string{"fed_back", "hand_down", "call_taker", "linkage_desk", "unit_staff", "basic_satisfied", "on_time_completion"} {
		if strings.Contains(body, code) {
			t.Errorf("%s shows the raw code %q", page, code)
		}
	}
	badges := eval[[]string](t, ctx, `[...document.querySelectorAll(".badge[class*=state-]")].map(e => e.textContent.trim())`)
	for _, b := range badges {
		if fenliu.OrderState(b).Valid() {
			t.Errorf("%s shows the raw state %q", page, b)
		}
	}
}
