package console_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server"
)

// TestScenarioJourneyInBrowser: a run of garbage calls in one street raises
// a warning slip; the leader opens a scenario from it and gives the squad a
// measure; the squad's staff report it done; the leader cannot close the
// scenario at once, and closes it a month on, when the calls have stayed
// down — the history keeps every step. The server runs on a clock the test
// moves.
func TestScenarioJourneyInBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI installs chromium, but %s is missing", chromium)
		}
		t.Skip("chromium not installed")
	}
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	cfg, err := server.DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DB, cfg.Addr = filepath.Join(t.TempDir(), "fenliu.db"), "127.0.0.1:0"
	m := server.New(cfg)
	m.Now = clock
	m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	ctx := context.Background()
	now := clock()
	if _, err := demo.Load(ctx, m.App, now, 20, 3); err != nil {
		t.Fatal(err)
	}
	w := &world{url: m.URL(), a: m.App, ids: map[string]int64{}, dir: shotDir(t)}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.Flag("accept-lang", "zh-CN,zh"), // a Chinese browser: the console follows Accept-Language
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900))
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelRoot(); cancelAlloc() })
	must(t, chromedp.Do(root, chromedp.Navigate("about:blank")))
	w.root = root

	admin := &fenliu.User{ID: 1, Role: fenliu.RoleAdmin}
	areas, _ := m.App.Areas(ctx, admin)
	var grid *fenliu.Area
	for _, ar := range areas {
		if ar.Code == "JN-S2-G1" {
			grid = ar
		}
	}
	taker := &fenliu.User{ID: 2, Role: fenliu.RoleCallTaker}
	call := func(at time.Time) {
		if _, _, err := m.App.Intake(ctx, taker, fenliu.IncidentInput{Channel: fenliu.Channel12345, Text: "小区垃圾堆了好几天没人清运", ReceivedAt: &at, Lat: grid.Lat, Lng: grid.Lng}); err != nil {
			t.Fatal(err)
		}
	}
	for k := 1; k <= 8; k++ {
		call(now.Add(-time.Duration(k)*7*24*time.Hour - 20*time.Hour))
	}
	for i := 0; i < 10; i++ {
		call(now.Add(-time.Duration(1+i*6) * time.Hour))
	}
	if _, err := m.App.DetectWarnings(ctx, clock()); err != nil {
		t.Fatal(err)
	}

	// The leader sees the warning and opens a scenario from it.
	leader := slowUser(t, w, "leader")
	must(t, chromedp.Do(leader, chromedp.Navigate(w.url+"/warnings"), chromedp.WaitVisible(chromedp.ID("warnings"))))
	if row := text(t, leader, "#warnings tbody"); !strings.Contains(row, "福建园街道") {
		t.Fatalf("warnings %q, want 福建园街道", row)
	}
	w.shot(t, leader, "gov-05-warnings")
	must(t, chromedp.Do(leader, chromedp.Click(chromedp.CSS(`button.open-scenario`))))
	waitText(t, leader, "main h1", func(s string) bool { return !strings.Contains(s, "一类事预警") })
	must(t, chromedp.Do(leader, chromedp.WaitVisible(chromedp.ID("addmeasure"))))
	if p := text(t, leader, "main p"); !strings.Contains(p, "福建园街道派出所") {
		t.Errorf("owner line %q, want the street's police station", p)
	}
	must(t, chromedp.Do(leader,
		chromedp.SendKeys(chromedp.CSS(`#addmeasure input[name=text]`), "垃圾桶加密，每日两次清运"),
		chromedp.SetValue(chromedp.CSS(`#addmeasure select[name=unit_id]`), strconv.FormatInt(unitID(t, w, "JN-urban_management"), 10)),
		chromedp.Click(chromedp.CSS(`#addmeasure button`)),
		chromedp.WaitVisible(chromedp.ID("measures"))))
	url := eval[string](t, leader, `location.pathname`)

	// The squad reports the measure done.
	squad := slowUser(t, w, "unit-jn-urban_management")
	must(t, chromedp.Do(squad, chromedp.Navigate(w.url+url), chromedp.WaitVisible(chromedp.CSS(`form.progress`)),
		chromedp.SendKeys(chromedp.CSS(`form.progress input[name=text]`), "已增设清运班次"),
		chromedp.Click(chromedp.CSS(`form.progress input[name=done]`)),
		chromedp.Click(chromedp.CSS(`form.progress button`))))
	if ms := waitText(t, squad, "#measures", func(s string) bool { return strings.Contains(s, "✔") }); !strings.Contains(ms, "✔") {
		t.Errorf("measure not done: %q", ms)
	}

	// Too early to close; a month on it may.
	must(t, chromedp.Do(leader, chromedp.Navigate(w.url+url), chromedp.WaitVisible(chromedp.ID("closewhy"))))
	if !eval[bool](t, leader, `document.querySelector("#closescenario button").disabled`) {
		t.Error("the close button is enabled on the first day")
	}
	w.shot(t, leader, "gov-06-scenario-open")
	offset.Store(int64(30 * 24 * time.Hour))
	leader = slowUser(t, w, "leader") // a month on: a new session
	must(t, chromedp.Do(leader, chromedp.Navigate(w.url+url), chromedp.WaitVisible(chromedp.ID("closewhy"))))
	if eval[bool](t, leader, `document.querySelector("#closescenario button").disabled`) {
		t.Fatalf("cannot close a month on: %s", text(t, leader, "#closewhy"))
	}
	must(t, chromedp.Do(leader, chromedp.SendKeys(chromedp.CSS(`#closescenario input[name=note]`), "四周无同类诉求"),
		chromedp.Click(chromedp.CSS(`#closescenario button`))))
	waitText(t, leader, "main h1 small", func(s string) bool { return strings.Contains(s, "已关闭") })
	if h := text(t, leader, "#history"); strings.Count(h, "·") < 4 || !strings.Contains(h, "关闭") || !strings.Contains(h, "措施完成") {
		t.Errorf("history %q", h)
	}
	w.shot(t, leader, "gov-07-scenario-closed")
}

func unitID(t *testing.T, w *world, code string) int64 {
	us, err := w.a.Units(context.Background(), &fenliu.User{ID: 1, Role: fenliu.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Code == code {
			return u.ID
		}
	}
	t.Fatalf("no unit %s", code)
	return 0
}

// slowUser is world.user with time for a loaded machine: a browser context
// of its own, signed in, with three minutes for the journey.
func slowUser(t *testing.T, w *world, name string) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(w.root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancel2 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel2)
	must(t, chromedp.Do(ctx,
		chromedp.Navigate(w.url+"/login"),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), name),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demo.Password),
		chromedp.Click(chromedp.CSS(`button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`header .who`)),
	))
	return ctx
}
