package console_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server/servertest"
	"github.com/fenliu/fenliu/xlsx"
)

const chromium = "/usr/bin/chromium"

// shotDir is where screenshots go: FENLIU_SCREENSHOTS, or a temporary folder.
func shotDir(t *testing.T) string {
	if d := os.Getenv("FENLIU_SCREENSHOTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

// world is the real server — the wiring `fenliu serve` runs (server.Main)
// — over a demo city, with a browser.
type world struct {
	url  string
	a    *app.App
	ids  map[string]int64
	dir  string
	root context.Context // a browser; each user gets a new browser context in it
}

func newWorld(t *testing.T) *world {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI installs chromium, but %s is missing", chromium)
		}
		t.Skip("chromium not installed")
	}
	m := servertest.Start(t, "", nil)
	a := m.App
	ctx := context.Background()
	if _, err := demo.Load(ctx, a, time.Now().UTC(), 60, 11); err != nil {
		t.Fatal(err)
	}
	w := &world{url: m.URL(), a: a, ids: map[string]int64{}, dir: shotDir(t)}
	units, _ := m.DB.Units(ctx)
	for _, u := range units {
		w.ids[u.Code] = u.ID
	}
	users, _ := m.DB.Users(ctx)
	for _, u := range users {
		w.ids[u.Username] = u.ID
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("accept-lang", "zh-CN,zh"), // a Chinese browser: the console follows Accept-Language
		chromedp.WindowSize(1280, 900))
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	if err := chromedp.Do(root, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	w.root = root
	return w
}

// user opens a new browser context (own cookies) and signs in.
func (w *world) user(t *testing.T, name string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(w.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancel2)
	if name == "" {
		return ctx
	}
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(w.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`header .who`)),
	))
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	os.WriteFile(filepath.Join(w.dir, name+".png"), b, 0o644)
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// waitText polls an element's text until ok accepts it (live updates).
func waitText(t *testing.T, ctx context.Context, css string, ok func(string) bool) string {
	t.Helper()
	// Live updates arrive in milliseconds; a loaded machine may take far
	// longer, so the wait ends with the browser context's own deadline.
	deadline := time.Now().Add(60 * time.Second)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	last := ""
	for time.Now().Before(deadline) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{textContent:""}).textContent`, css)))
		if err == nil {
			last = s
			if ok(s) {
				return s
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s never became right; last %q", css, last)
	return ""
}

// dispatch makes a diverted incident with one order to unit, as the desk would.
func (w *world) dispatch(t *testing.T, unit int64, text string) (*fenliu.Incident, *fenliu.Order) {
	t.Helper()
	ctx := context.Background()
	desk := &fenliu.User{ID: w.ids["desk"], Role: fenliu.RoleLinkageDesk}
	inc, _, err := w.a.Intake(ctx, desk, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: text, Address: "福建园路8号", CallerPhone: "13955556666"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Decide(ctx, desk, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Reason: "转派"}); err != nil && inc.Disposition == "" {
		if _, err := w.a.Decide(ctx, desk, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert}); err != nil {
			t.Fatal(err)
		}
	}
	orders, err := w.a.Dispatch(ctx, desk, inc.ID, fenliu.DispatchInput{Orders: []fenliu.OrderSpec{{UnitID: unit, Role: fenliu.OrderLead}}})
	if err != nil {
		t.Fatal(err)
	}
	return inc, orders[0]
}

func TestConsoleInBrowser(t *testing.T) {
	w := newWorld(t)
	um := w.ids["JN-urban_management"]

	t.Run("sign-in", func(t *testing.T) {
		ctx := w.user(t, "")
		must(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/login"),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "taker"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "wrong"),
			chromedp.Click(chromedp.CSS(`button.primary`)),
			chromedp.WaitVisible(chromedp.CSS(`p.error`))))
		if s := text(t, ctx, "p.error"); !strings.Contains(s, "用户名或密码错误") {
			t.Fatalf("error %q", s)
		}
		w.shot(t, ctx, "01-login-error")
	})

	t.Run("call-taker transfers a call", func(t *testing.T) {
		ctx := w.user(t, "taker")
		var suggests, posts atomic.Int32
		reqs := chromedp.Events(ctx, network.RequestWillBeSent)
		go func() {
			for ev, err := range reqs {
				if err != nil {
					return
				}
				switch {
				case strings.HasSuffix(ev.Request.URL, "/desk/suggest"):
					suggests.Add(1)
				case strings.HasSuffix(ev.Request.URL, "/desk/incidents"):
					posts.Add(1)
				}
			}
		}()
		must(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/desk"), chromedp.WaitVisible(chromedp.ID("text"))))
		call := []string{"凌晨两点了，", "楼下夜市的烧烤摊还在放音乐划拳，", "吵得根本睡不着，", "麻烦派人来管一管"}
		keys := 0
		start := time.Now()
		for _, part := range call {
			must(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("text"), part)))
			keys += len([]rune(part))
			time.Sleep(400 * time.Millisecond) // the call-taker listens between phrases
		}
		must(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#sug`))))
		disp, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#sug`), "data-disposition"))
		must(t, err)
		if !disp.Exists || disp.Value == "" {
			t.Fatal("no disposition suggested")
		}
		w.shot(t, ctx, "02-desk-suggestion")
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("transfer")), chromedp.WaitVisible(chromedp.ID("done"))))
		took := time.Since(start)
		w.shot(t, ctx, "03-desk-done")
		t.Logf("call-taker flow: %d characters typed + 1 click, %d suggestion round-trips, %d transfer post (+1 redirect), %.1fs from first keystroke to transferred (4 pauses of 0.4 s included); suggestion %s",
			keys, suggests.Load(), posts.Load(), took.Seconds(), disp.Value)
		if suggests.Load() < 1 || suggests.Load() > int32(len(call))+2 || posts.Load() != 1 {
			t.Errorf("round-trips: %d suggestions, %d posts", suggests.Load(), posts.Load())
		}
	})

	var order *fenliu.Order
	t.Run("unit sees a new order live, signs, feeds back with a photo; supervisor counts change", func(t *testing.T) {
		unit := w.user(t, "unit-jn-urban_management")
		sup := w.user(t, "super")
		must(t, chromedp.Do(unit, chromedp.Navigate(w.url+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox"))))
		must(t, chromedp.Do(sup, chromedp.Navigate(w.url+"/supervise"), chromedp.WaitVisible(chromedp.CSS(`[data-state=signed] b`))))
		time.Sleep(500 * time.Millisecond) // both event streams connected
		signedBefore := text(t, sup, `[data-state=signed] b`)
		_, order = w.dispatch(t, um, "福建园路夜宵摊占道经营，桌椅摆到了马路上")
		waitText(t, unit, fmt.Sprintf(`tr[data-order="%d"]`, order.ID), func(s string) bool { return strings.Contains(s, "夜宵摊") })
		w.shot(t, unit, "04-inbox-live")
		must(t, chromedp.Do(unit, chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, order.ID)),
			chromedp.Click(chromedp.CSS(`form.act-sign button`)),
			chromedp.WaitVisible(chromedp.CSS(`form.act-feedback`))))
		waitText(t, sup, `[data-state=signed] b`, func(s string) bool { return s != signedBefore })
		w.shot(t, sup, "05-supervise")
		photo := filepath.Join(t.TempDir(), "site.png")
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for x := 0; x < 40; x++ {
			for y := 0; y < 30; y++ {
				img.Set(x, y, color.RGBA{uint8(x * 6), 120, uint8(y * 8), 255})
			}
		}
		f, _ := os.Create(photo)
		png.Encode(f, img)
		f.Close()
		must(t, chromedp.Do(unit,
			chromedp.SendKeys(chromedp.CSS(`form.act-feedback textarea[name=note]`), "已到场，责令摊主收回桌椅，恢复通行"),
			chromedp.SetUploadFiles(chromedp.CSS(`form.act-feedback input[name=photo]`), []string{photo}),
			chromedp.Click(chromedp.CSS(`form.act-feedback button`)),
			chromedp.WaitVisible(chromedp.CSS(`li.ev-feedback img`))))
		if s := text(t, unit, "h1 .badge"); !strings.Contains(s, "已反馈") {
			t.Errorf("state after feedback: %q", s)
		}
		w.shot(t, unit, "06-order-fed-back")
		must(t, chromedp.Do(unit, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Navigate(w.url+"/inbox"), chromedp.WaitVisible(chromedp.ID("inbox"))))
		w.shot(t, unit, "07-mobile-inbox")
		must(t, chromedp.Do(unit, chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, order.ID)), chromedp.WaitVisible(chromedp.ID("matter"))))
		w.shot(t, unit, "08-mobile-order")
	})

	t.Run("a call text with HTML and script shows as text", func(t *testing.T) {
		evil := `<script>alert(1)</script><img src=x onerror=alert(2)>`
		inc, o := w.dispatch(t, um, "有人在群里发 "+evil)
		unit := w.user(t, "unit-jn-urban_management")
		var dialogs atomic.Int32
		evs := chromedp.Events(unit, page.JavascriptDialogOpening)
		go func() {
			for _, err := range evs {
				if err != nil {
					return
				}
				dialogs.Add(1)
				chromedp.Call(unit, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}
		}()
		for _, path := range []string{"/inbox", fmt.Sprintf("/orders/%d", o.ID), fmt.Sprintf("/incidents/%d", inc.ID)} {
			must(t, chromedp.Do(unit, chromedp.Navigate(w.url+path), chromedp.WaitVisible(chromedp.CSS("main"))))
			html, err := chromedp.Run(unit, chromedp.Evaluate[string](`document.querySelector("main").textContent`))
			must(t, err)
			if !strings.Contains(html, "<script>alert(1)</script>") {
				t.Errorf("%s does not show the text literally", path)
			}
		}
		time.Sleep(300 * time.Millisecond)
		if n := dialogs.Load(); n != 0 {
			t.Fatalf("%d script dialogs opened", n)
		}
	})

	t.Run("a unit cannot open another unit's order", func(t *testing.T) {
		_, other := w.dispatch(t, w.ids["HOUSING"], "楼上卫生间漏水")
		unit := w.user(t, "unit-jn-urban_management")
		must(t, chromedp.Do(unit, chromedp.Navigate(fmt.Sprintf("%s/orders/%d", w.url, other.ID)), chromedp.WaitVisible(chromedp.CSS("p.error"))))
		if s := text(t, unit, "p.error"); !strings.Contains(s, "不存在或不属于本单位") {
			t.Fatalf("error %q", s)
		}
	})

	t.Run("citizen reports and tracks", func(t *testing.T) {
		ctx := w.user(t, "")
		must(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/report"),
			chromedp.SendKeys(chromedp.CSS(`textarea[name=text]`), "小区门口的路灯坏了一个星期，晚上很黑"),
			chromedp.SendKeys(chromedp.CSS(`input[name=address]`), "友爱路88号"),
			chromedp.SendKeys(chromedp.CSS(`input[name=phone]`), "13812344321"),
			chromedp.Click(chromedp.CSS(`#report button.primary`)),
			chromedp.WaitVisible(chromedp.ID("tracking-no"))))
		no := text(t, ctx, "#tracking-no")
		html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		must(t, err)
		if len(no) < 8 || strings.Contains(html, "13812344321") {
			t.Fatalf("tracking %q; phone shown: %v", no, strings.Contains(html, "13812344321"))
		}
		w.shot(t, ctx, "09-citizen-track")
	})

	t.Run("leader dashboard, drill-down and Excel", func(t *testing.T) {
		ctx := w.user(t, "leader")
		must(t, chromedp.Do(ctx, chromedp.Navigate(w.url+"/dashboard?days=30&group=unit"), chromedp.WaitVisible(chromedp.ID("ranking")),
			chromedp.WaitVisible(chromedp.CSS(`.chart canvas`))))
		w.shot(t, ctx, "10-dashboard")
		shown := text(t, ctx, `[data-rate=sign_for] b`)
		// The Excel file holds the numbers shown: fetch it with the leader's session.
		b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("xlsx").href).then(r => r.arrayBuffer()).then(b => { let s = ""; new Uint8Array(b).forEach(c => s += String.fromCharCode(c)); return btoa(s); })`, chromedp.EvalAwaitPromise))
		must(t, err)
		raw, err := base64.StdEncoding.DecodeString(b64)
		must(t, err)
		rows, err := xlsx.Read(raw)
		if err != nil || len(rows) < 2 {
			t.Fatalf("xlsx: %v, %d rows", err, len(rows))
		}
		// Title, period and note above the header; row 5 is the city total,
		// column E the sign-for rate as a fraction (shown as a percentage).
		if !strings.Contains(rows[0][0], "考核") || !strings.HasPrefix(rows[1][0], "统计期间") || rows[3][1] != "名称" {
			t.Errorf("Excel head: %q", rows[:4])
		}
		var frac float64
		fmt.Sscan(rows[4][4], &frac)
		if fmt.Sprintf("%.1f%%", frac*100) != shown {
			t.Errorf("dashboard shows %s, Excel holds %s", shown, rows[4][4])
		}
		for _, r := range rows[5:] {
			if len(r) > 1 && (r[1] == "" || strings.HasPrefix(r[1], "JN-")) {
				t.Errorf("Excel row without a unit name: %q", r)
			}
		}
		// Drill down from the first unit's sign-for number to the orders behind it.
		must(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ranking tbody tr td a`)), chromedp.WaitVisible(chromedp.CSS("h1"))))
		title := text(t, ctx, "h1")
		if !strings.Contains(title, "指标明细") {
			t.Fatalf("drill-down page: %q", title)
		}
		w.shot(t, ctx, "11-drill-down")
	})
	t.Logf("screenshots in %s", w.dir)
}
