// Package sim plays a city on Fenliu for days on an injected clock: calls
// arriving by the hour of day as at a real 110 centre, the call-taker, the
// linkage desk, the units, the callback team acting on them with realistic
// delays and mistakes — all through the service layer, the same calls the
// API makes — and checks, every simulated hour and at the end, that the
// city holds together: no call ends nowhere, every order has an owner and
// its limits, every notice once and visible to its recipient, every action
// on the record, and every rate on the dashboard equal to the same rate
// recomputed from the event log alone (oracle.go, written apart from
// package metrics). It stops at the first broken invariant with the story
// of the incident that broke it.
package sim

import (
	"container/heap"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/demo"
	"github.com/fenliu/fenliu/server"
	"github.com/fenliu/fenliu/triage"
)

// Config says what to play.
type Config struct {
	DSN         string    // the database; empty: a fresh SQLite file in Dir
	Dir         string    // where the SQLite file goes (default: a temporary folder's caller must give one)
	Days        int       // simulated days (default 30)
	Seed        uint64    // the same seed plays the same city
	CallsPerDay int       // average calls a day (default 240)
	Start       time.Time // the first simulated day (default Monday 2 November 2026, city time)
	// Restart closes the server and opens it again halfway (default true);
	// SecondInstance, on PostgreSQL, runs a second server on the same
	// database that takes half the work and fires timers too (default true).
	NoRestart        bool
	NoSecondInstance bool
	Out              io.Writer // progress lines (nil: none)
	Log              *slog.Logger
	// Triage builds the engine (default: the project's, trained on its
	// corpus for the catalogue).
	Triage func(*catalog.Catalog) (app.Classifier, error)
}

// Summary is what a run played and checked.
type Summary struct {
	Days          int
	Calls         int
	Incidents     int
	Orders        int
	ByDisposition map[fenliu.Disposition]int
	Notices       map[fenliu.NoticeKind]int
	Actions       map[string]int
	Checks        int // invariant passes
	RateChecks    int
	Rates         map[string]string // the dashboard's rates at the end
	Events        int
	Took          time.Duration
	Failure       *Failure
}

// Failure is the first broken invariant, with the story of its incident.
type Failure struct {
	At         time.Time
	Invariant  string
	Detail     string
	IncidentID int64
	Story      string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("invariant %q broken at %s: %s (incident %d)", f.Invariant, f.At.Format("2006-01-02 15:04"), f.Detail, f.IncidentID)
}

// a task is something someone does at a time.
type task struct {
	at   time.Time
	seq  int
	what string
	run  func() error
}

type queue []*task

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].seq < q[j].seq
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*task)) }
func (q *queue) Pop() any {
	old := *q
	t := old[len(old)-1]
	*q = old[:len(old)-1]
	return t
}

// instance is one running service layer over the database (a server).
type instance struct {
	db io.Closer
	a  *app.App
}

// city is the running simulation.
type city struct {
	cfg     Config
	ctx     context.Context
	rng     *rand.Rand
	mu      sync.Mutex
	now     time.Time
	loc     *time.Location
	servers []*instance
	tasks   queue
	seq     int
	sum     *Summary

	admin, taker, desk, callback, super *fenliu.User
	staff                               map[int64]*fenliu.User // unit → its staff account
	units                               map[int64]*fenliu.Unit
	corpus                              map[fenliu.Disposition][]triage.Example

	calls    map[int64]*callInfo // incident → what the caller said and what is true
	orders   map[int64]*orderPlan
	done     []doneAction
	notices  []*fenliu.Notice
	active   map[int64]bool // incidents not yet finished
	oracle   *oracle
	failure  *Failure
	lastCall time.Time
}

type callInfo struct {
	ex      triage.Example
	phone   string
	truth   string // the catalogue category that is right
	repeats int
}

// orderPlan is what the simulation has planned for an order.
type orderPlan struct {
	pending string // the state the unit's next step was planned for
}

// doneAction is an action the service answered as done.
type doneAction struct {
	incident, order int64
	kind            fenliu.EventKind
	at              time.Time
}

// Run plays the city and checks it. A broken invariant is reported in
// Summary.Failure (and as the error); an error is a failure of the run.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	if cfg.Days <= 0 {
		cfg.Days = 30
	}
	if cfg.CallsPerDay <= 0 {
		cfg.CallsPerDay = 240
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return nil, err
	}
	if cfg.Start.IsZero() {
		cfg.Start = time.Date(2026, 11, 2, 0, 0, 0, 0, loc)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.DSN == "" {
		if cfg.Dir == "" {
			return nil, fmt.Errorf("sim: give a database (DSN) or a folder for the SQLite file (Dir)")
		}
		cfg.DSN = filepath.Join(cfg.Dir, "fenliu-sim.db")
	}
	began := time.Now()
	c := &city{cfg: cfg, ctx: ctx, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x2545f4914f6cdd1d)), now: cfg.Start.Add(-time.Hour), loc: loc,
		staff: map[int64]*fenliu.User{}, units: map[int64]*fenliu.Unit{}, calls: map[int64]*callInfo{}, orders: map[int64]*orderPlan{},
		active: map[int64]bool{}, corpus: map[fenliu.Disposition][]triage.Example{},
		sum: &Summary{Days: cfg.Days, ByDisposition: map[fenliu.Disposition]int{}, Notices: map[fenliu.NoticeKind]int{}, Actions: map[string]int{}}}
	if err := c.open(); err != nil {
		return nil, err
	}
	defer c.closeAll()
	if err := c.setUp(); err != nil {
		return nil, err
	}
	c.oracle = newOracle(c)
	if err := c.schedule(); err != nil {
		return nil, err
	}
	end := cfg.Start.Add(time.Duration(cfg.Days) * 24 * time.Hour)
	nextCheck := cfg.Start.Add(time.Hour)
	nextRates := cfg.Start.Add(24 * time.Hour)
	for c.tasks.Len() > 0 && c.failure == nil {
		t := heap.Pop(&c.tasks).(*task)
		if t.at.After(end) {
			break
		}
		for !nextCheck.After(t.at) && c.failure == nil {
			if err := c.advance(nextCheck); err != nil {
				return c.sum, err
			}
			if err := c.check(nextRates.Equal(nextCheck)); err != nil {
				return c.sum, err
			}
			if nextRates.Equal(nextCheck) {
				nextRates = nextRates.Add(24 * time.Hour)
				c.progress()
			}
			nextCheck = nextCheck.Add(time.Hour)
		}
		if c.failure != nil {
			break
		}
		if err := c.advance(t.at); err != nil {
			return c.sum, err
		}
		if err := t.run(); err != nil {
			return c.sum, fmt.Errorf("%s at %s: %w", t.what, t.at.In(loc).Format("01-02 15:04"), err)
		}
	}
	if c.failure == nil {
		if err := c.advance(end); err != nil {
			return c.sum, err
		}
		if err := c.check(true); err != nil {
			return c.sum, err
		}
	}
	c.sum.Took = time.Since(began)
	if c.failure != nil {
		c.sum.Failure = c.failure
		return c.sum, c.failure
	}
	return c.sum, c.finalRates()
}

// open starts the server(s).
func (c *city) open() error {
	n := 1
	if server.IsPostgres(c.cfg.DSN) && !c.cfg.NoSecondInstance {
		n = 2
	}
	for i := 0; i < n; i++ {
		s, err := c.start()
		if err != nil {
			return err
		}
		c.servers = append(c.servers, s)
	}
	return nil
}

func (c *city) start() (*instance, error) {
	db, err := server.OpenDB(c.ctx, c.cfg.DSN)
	if err != nil {
		return nil, err
	}
	tr := server.Triage
	if c.cfg.Triage != nil {
		tr = c.cfg.Triage
	}
	a := app.New(db, app.Options{Now: c.clock, Log: c.cfg.Log, Triage: tr,
		OnNotice: func(n *fenliu.Notice) { c.mu.Lock(); c.notices = append(c.notices, n); c.mu.Unlock() }})
	if err := a.LoadCatalog(c.ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &instance{db: db, a: a}, nil
}

func (c *city) closeAll() {
	for _, s := range c.servers {
		s.db.Close()
	}
	c.servers = nil
}

// restart closes every server and opens them again: nothing may depend on
// what a server held in memory.
func (c *city) restart() error {
	c.closeAll()
	if err := c.open(); err != nil {
		return err
	}
	c.sum.Actions["server restart"]++
	return nil
}

func (c *city) clock() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// app is the server that takes this action: with two servers, either.
func (c *city) app() *app.App { return c.servers[c.rng.IntN(len(c.servers))].a }

// advance moves the clock to t, firing every timer due by then on every
// server at once (as their schedulers would): each fires once.
func (c *city) advance(t time.Time) error {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(c.servers))
	for i, s := range c.servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.a.FireDue(c.ctx, t)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// at queues a task.
func (c *city) at(t time.Time, what string, run func() error) {
	c.seq++
	heap.Push(&c.tasks, &task{at: t, seq: c.seq, what: what, run: run})
}

// after queues a task d from now.
func (c *city) after(d time.Duration, what string, run func() error) {
	c.at(c.clock().Add(d), what, run)
}

// minutes returns a delay with median m minutes (log-normal, spread s).
func (c *city) minutes(m, s float64) time.Duration {
	return time.Duration(m * math.Exp(s*c.rng.NormFloat64()) * float64(time.Minute))
}

// setUp loads the demo city (without its incidents) and finds its people.
func (c *city) setUp() error {
	a := c.servers[0].a
	if _, err := demo.Load(c.ctx, a, c.cfg.Start.Add(-24*time.Hour), 0, c.cfg.Seed); err != nil {
		return fmt.Errorf("the city: %w", err)
	}
	c.admin = &fenliu.User{ID: 1, Role: fenliu.RoleAdmin, Username: "admin"}
	users, err := a.Users(c.ctx, c.admin)
	if err != nil {
		return err
	}
	for _, u := range users {
		switch u.Role {
		case fenliu.RoleUnitStaff:
			c.staff[u.UnitID] = u
		case fenliu.RoleCallTaker:
			if u.Username == "taker" {
				c.taker = u
			}
		case fenliu.RoleLinkageDesk:
			c.desk = u
		case fenliu.RoleCallback:
			c.callback = u
		case fenliu.RoleSupervisor:
			c.super = u
		case fenliu.RoleAdmin:
			c.admin = u
		}
	}
	units, err := a.Units(c.ctx, c.admin)
	if err != nil {
		return err
	}
	for _, u := range units {
		c.units[u.ID] = u
	}
	corpus, err := triage.Corpus()
	if err != nil {
		return err
	}
	cat := a.Catalog()
	for _, ex := range corpus {
		if ex.Category != "" && cat.Category(ex.Category) != nil {
			c.corpus[ex.Disposition] = append(c.corpus[ex.Disposition], ex)
		}
	}
	for _, d := range fenliu.Dispositions {
		if len(c.corpus[d]) == 0 {
			return fmt.Errorf("sim: the corpus has no %s calls with a catalogue category", d)
		}
	}
	return nil
}

// progress prints a line a simulated day.
func (c *city) progress() {
	if c.cfg.Out == nil {
		return
	}
	day := int(c.clock().Sub(c.cfg.Start) / (24 * time.Hour))
	fmt.Fprintf(c.cfg.Out, "day %2d: %d calls, %d orders, %d notices, %d invariant checks, %d rate checks — all held\n",
		day, c.sum.Calls, c.sum.Orders, len(c.notices), c.sum.Checks, c.sum.RateChecks)
}

// Print writes a summary.
func (s *Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "simulated %d days in %s: %d calls, %d incidents, %d work orders, %d events on the record\n",
		s.Days, s.Took.Round(time.Second), s.Calls, s.Incidents, s.Orders, s.Events)
	fmt.Fprintf(w, "dispositions:")
	for _, d := range fenliu.Dispositions {
		fmt.Fprintf(w, " %s %d", d, s.ByDisposition[d])
	}
	fmt.Fprintf(w, "\nnotices:")
	var ks []string
	for k := range s.Notices {
		ks = append(ks, string(k))
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Fprintf(w, " %s %d", k, s.Notices[fenliu.NoticeKind(k)])
	}
	fmt.Fprintf(w, "\nactions:")
	ks = ks[:0]
	for k := range s.Actions {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		fmt.Fprintf(w, " %s %d;", k, s.Actions[k])
	}
	fmt.Fprintf(w, "\ninvariants checked %d times (every simulated hour), rates against the event log %d times (every simulated day):\n", s.Checks, s.RateChecks)
	for _, inv := range invariants {
		fmt.Fprintf(w, "  - %s\n", inv)
	}
	if len(s.Rates) > 0 {
		var names []string
		for k := range s.Rates {
			names = append(names, k)
		}
		sort.Strings(names)
		fmt.Fprintf(w, "the dashboard at the end (last 30 days), each equal to the event log's:\n")
		for _, n := range names {
			fmt.Fprintf(w, "  %-20s %s\n", n, s.Rates[n])
		}
	}
	if s.Failure != nil {
		fmt.Fprintf(w, "\nFAILED: %s\n%s", s.Failure.Error(), s.Failure.Story)
	}
}

// story tells an incident's record in order.
func (c *city) story(id int64) string {
	if id == 0 {
		return ""
	}
	v, err := c.servers[0].a.Incident(c.ctx, c.admin, id)
	if err != nil {
		return "(the incident cannot be read: " + err.Error() + ")\n"
	}
	var b strings.Builder
	in := v.Incident
	fmt.Fprintf(&b, "incident %d (%s, %s) received %s: %q\n  decided %s %s, green channel %q\n", in.ID, in.Channel, in.TrackingNo,
		in.ReceivedAt.In(c.loc).Format("01-02 15:04:05"), in.Text, in.Disposition, in.Category, in.GreenChannel)
	if ci := c.calls[id]; ci != nil {
		fmt.Fprintf(&b, "  truth: %s %s\n", ci.ex.Disposition, ci.truth)
	}
	if len(in.Route) > 0 {
		fmt.Fprintf(&b, "  route %s\n", in.Route)
	}
	for _, o := range v.Orders {
		fmt.Fprintf(&b, "  order %d → %s (%s) %s%s\n", o.ID, c.unitName(o.UnitID), o.Role, o.State, map[bool]string{true: " escalated", false: ""}[o.Escalated])
	}
	for _, e := range v.Events {
		fmt.Fprintf(&b, "  %s %-14s", e.At.In(c.loc).Format("01-02 15:04:05"), e.Kind)
		if e.OrderID != 0 {
			fmt.Fprintf(&b, " order %d", e.OrderID)
		}
		if e.FromState != "" || e.ToState != "" {
			fmt.Fprintf(&b, " %s→%s", e.FromState, e.ToState)
		}
		if e.Note != "" {
			fmt.Fprintf(&b, " %q", e.Note)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func (c *city) unitName(id int64) string {
	if u := c.units[id]; u != nil {
		return u.Name
	}
	return fmt.Sprint(id)
}

// fail records the first broken invariant.
func (c *city) fail(invariant string, incident int64, format string, args ...any) {
	if c.failure != nil {
		return
	}
	c.failure = &Failure{At: c.clock(), Invariant: invariant, Detail: fmt.Sprintf(format, args...), IncidentID: incident}
	c.failure.Story = c.story(incident)
}
