package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/console"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/store"
)

func init() {
	register("bench-dashboard", "fill a database with years of orders and time the leader dashboard's reports", benchDashboard)
}

// benchDashboard is the scale benchmark of the rates (docs/benchmarks.md):
// it generates a province's years of work orders, builds the report
// rollups and times the reports the dashboard makes.
func benchDashboard(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench-dashboard", flag.ContinueOnError)
	dsn := fs.String("db", "fenliu-bench.db", "SQLite file, or PostgreSQL URL (postgres://…)")
	orders := fs.Int("orders", 10_000_000, "work orders the history holds (generated if fewer are stored)")
	years := fs.Int("years", 5, "years the generated history spans, up to now")
	runs := fs.Int("runs", 20, "times each report is made")
	live := fs.Bool("live", true, "also time the 30-day dashboard counted live, without rollups")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the timed reports to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	a := newApp(db)
	if err := a.LoadCatalog(ctx); err != nil {
		return err
	}
	now := time.Now().UTC()
	if empty, err := a.Empty(ctx); err != nil {
		return err
	} else if empty {
		if _, err := demo.Load(ctx, a, now, 0, 1); err != nil {
			return err
		}
	}
	have, err := db.CountOrders(ctx)
	if err != nil {
		return err
	}
	if have < *orders {
		spec, err := historySpec(ctx, db, a, *orders-have, now.AddDate(-*years, 0, 0), now)
		if err != nil {
			return err
		}
		t0 := time.Now()
		fmt.Printf("generating %d orders over %d years into %s …\n", spec.Orders, *years, db.Driver)
		err = demo.History(ctx, a, spec, func(n int) {
			if n%1_000_000 == 0 || n == spec.Orders {
				fmt.Printf("  %d orders (%s)\n", n, time.Since(t0).Round(time.Second))
			}
		})
		if err != nil {
			return err
		}
		fmt.Printf("generated in %s\n", time.Since(t0).Round(time.Second))
	}
	t0 := time.Now()
	n, err := a.RefreshRollups(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("rollups: %d periods built in %s\n", n, time.Since(t0).Round(time.Millisecond))
	total, _ := db.CountOrders(ctx)

	leader := &fenliu.User{ID: 1, Role: fenliu.RoleLeader}
	unitID, err := db.BusiestUnit(ctx)
	if err != nil {
		return err
	}
	staff := &fenliu.User{ID: 2, Role: fenliu.RoleUnitStaff, UnitID: unitID}
	loc := a.Location(ctx)
	type bench struct {
		name  string
		runs  int
		make_ func() (int, int, error) // rows, rollup periods
	}
	// Windows as the console makes them: the last N days of the city's
	// calendar, today included.
	report := func(u *fenliu.User, days int, group string, daily, liveOnly bool) func() (int, int, error) {
		return func() (int, int, error) {
			from, to := app.LastDays(time.Now(), days, loc)
			q := app.ReportQuery{From: from, To: to, GroupBy: group, Location: loc, Daily: daily, Live: liveOnly}
			r, err := a.Report(ctx, u, q)
			if err != nil {
				return 0, 0, err
			}
			return len(r.Rows) + len(r.Days), r.RollupPeriods, nil
		}
	}
	// The console's dashboard: the rates by unit and the daily trend.
	dashboard := func(liveOnly bool) func() (int, int, error) { return report(leader, 30, app.ByUnit, true, liveOnly) }
	benches := []bench{
		{"dashboard: 30 days by unit + daily trend", *runs, dashboard(false)},
		{"30 days by unit type", *runs, report(leader, 30, app.ByUnitType, false, false)},
		{"one year by category", *runs, report(leader, 365, app.ByCategory, false, false)},
		{"all years by district", *runs, report(leader, 366*(*years), app.ByArea, false, false)},
		{"all years by unit", *runs, report(leader, 366*(*years), app.ByUnit, false, false)},
		{"a unit's own 30 days by day", *runs, report(staff, 30, app.ByDay, false, false)},
	}
	// The dashboard page itself, over HTTP as a signed-in leader.
	page, closePage, err := dashboardPage(ctx, db, a)
	if err != nil {
		return err
	}
	defer closePage()
	benches = append(benches, bench{"GET /dashboard (page, as a leader)", *runs, page})
	if *live {
		benches = append(benches, bench{"dashboard counted live (no rollups)", 3, dashboard(true)})
	}
	fmt.Printf("\n%s, %d orders, %s\n", db.Driver, total, time.Now().Format(time.RFC3339))
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "report\truns\tp50\tp95\tmax\trows\trollup periods")
	for _, b := range benches {
		var ds []time.Duration
		var rows, periods int
		for i := 0; i < b.runs; i++ {
			t := time.Now()
			rows, periods, err = b.make_()
			if err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
			ds = append(ds, time.Since(t))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%d\t%d\n", b.name, b.runs, ms(ds[len(ds)/2]), ms(ds[(len(ds)*95+99)/100-1]), ms(ds[len(ds)-1]), rows, periods)
	}
	return w.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func historySpec(ctx context.Context, db *store.DB, a *app.App, n int, from, to time.Time) (demo.HistorySpec, error) {
	spec := demo.HistorySpec{Orders: n, From: from, To: to, Now: to, Seed: 20261204}
	units, err := db.Units(ctx)
	if err != nil {
		return spec, err
	}
	for _, u := range units {
		if u.Type != fenliu.UTPolice {
			spec.Units = append(spec.Units, u.ID)
		}
	}
	areas, err := db.Areas(ctx)
	if err != nil {
		return spec, err
	}
	for _, ar := range areas {
		spec.Areas = append(spec.Areas, ar.ID)
	}
	for _, c := range a.Catalog().Categories() {
		spec.Categories = append(spec.Categories, demo.HistoryCategory{Code: c.Code, Disposition: c.Disposition})
	}
	users, err := db.Users(ctx)
	if err != nil || len(users) == 0 {
		return spec, fmt.Errorf("no users to record the history: %v", err)
	}
	spec.RecordedBy = users[0].ID
	return spec, nil
}

// dashboardPage serves the console in-process and returns a function that
// fetches the leader's dashboard page (30 days by unit, with the trend).
func dashboardPage(ctx context.Context, db *store.DB, a *app.App) (func() (int, int, error), func(), error) {
	web, err := console.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), console.Options{})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	web.Register(mux)
	srv := httptest.NewServer(mux)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	users, err := db.Users(ctx)
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	leader := ""
	for _, u := range users {
		if u.Role == fenliu.RoleLeader {
			leader = u.Username
			break
		}
	}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"username": {leader}, "password": {demo.Password}})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		srv.Close()
		return nil, nil, fmt.Errorf("leader %q could not sign in: %s", leader, resp.Status)
	}
	get := func() (int, int, error) {
		resp, err := c.Get(srv.URL + "/dashboard?days=30&group=unit")
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return 0, 0, fmt.Errorf("dashboard: %s", resp.Status)
		}
		return strings.Count(string(b), "<tr"), 0, err
	}
	return get, srv.Close, nil
}
