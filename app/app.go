// Package app holds Fenliu's use cases: record an incident, decide it,
// transfer it, dispatch work orders, act on them, read the record. It is the
// only door to the database: every caller — the JSON API, the console, the
// CLI, the simulator — goes through it, so each permission check and each
// rule is applied once. Rules themselves live in the domain package.
package app

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

// Classifier is a triage engine for one catalogue.
type Classifier interface {
	Classify(text string) fenliu.Triage
}

// ClassifierFunc makes a function a Classifier.
type ClassifierFunc func(text string) fenliu.Triage

// Classify calls f.
func (f ClassifierFunc) Classify(text string) fenliu.Triage { return f(text) }

// RouteRequest is what to route: a category's unit types (lead first), the
// place and the time; Direct for police, joint and partner orders, which go
// straight to their units whatever the city's mode for diverted matters.
type RouteRequest struct {
	Category string
	Units    []fenliu.UnitType
	AreaID   int64
	At       time.Time
	Direct   bool
}

// routeRequest is the request for a triage answer or a decision.
func routeRequest(t *fenliu.Triage, areaID int64, at time.Time) RouteRequest {
	return RouteRequest{Category: t.Category, Units: t.Units, AreaID: areaID, At: at, Direct: t.Disposition.PoliceSide()}
}

// Router turns a request into units. The default routes over the city's
// directory (package route).
type Router func(ctx context.Context, req RouteRequest) (*fenliu.Route, error)

// Options configure an App; every field is optional.
type Options struct {
	// Now is the clock (default: the real one); the simulator and tests
	// inject their own.
	Now func() time.Time
	// Triage builds the triage engine for a catalogue; it is called when a
	// catalogue becomes active. Nil: no suggestions.
	Triage func(*catalog.Catalog) (Classifier, error)
	// RepeatWindow is how far back a call counts as a repeat (重复报警) of an
	// earlier one (default fenliu.DefaultRepeatWindow).
	RepeatWindow time.Duration
	// OnChange is told, after a commit, which incident changed (live
	// screens). It must not block.
	OnChange func(incidentID int64)
	// OnNotice is told of every notice after it is committed. It must not
	// block.
	OnNotice func(*fenliu.Notice)
	// Route replaces routing over the directory (tests).
	Route Router
	// OnSchedule, if set, is told after each pass of the scheduler how many
	// timers fired and how long it will sleep (metrics, tests).
	OnSchedule func(fired int, sleep time.Duration)
	// MinFreeDisk is the free space the database's disk must keep: below
	// it uploads are refused and the server reports itself not ready.
	MinFreeDisk int64
	// SchedulerInterval is how often the scheduler runs at the longest
	// (readiness reports a scheduler that stopped).
	SchedulerInterval time.Duration
	// OnIntake is told the channel of every incident recorded (metrics).
	OnIntake func(channel fenliu.Channel)
	// OnTriage is told how long each triage of a text took (metrics).
	OnTriage func(time.Duration)
	// Log receives what the app cannot return to a caller (a routing
	// failure at intake, a catalogue the engine cannot be built for).
	Log *slog.Logger
}

// App is the service layer over one database.
type App struct {
	db     *store.DB
	clock  func() time.Time
	opts   Options
	log    *slog.Logger
	router Router
	*shared
}

// shared is what copies of an App made by At share: the active catalogue,
// its engine, the routing cache and the scheduler's wake-up.
type shared struct {
	mu         sync.RWMutex
	catalog    *catalog.Catalog // the active matter catalogue
	classifier Classifier
	cities     cityCache  // the routing data, kept while it is unchanged
	places     placeCache // the outlines and the address directory, likewise
	dirNames   namesCache
	model      modelState // the triage model version held
	wake       chan struct{}
	lastPass   atomic.Int64  // when the scheduler last ran (Unix ms)
	outboxWake chan struct{} // the outbound worker's wake-up
}

// New returns an App over db.
func New(db *store.DB, opts Options) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RepeatWindow == 0 {
		opts.RepeatWindow = fenliu.DefaultRepeatWindow
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	a := &App{db: db, clock: opts.Now, opts: opts, log: opts.Log, shared: &shared{wake: make(chan struct{}, 1), outboxWake: make(chan struct{}, 1)}}
	a.router = opts.Route
	if a.router == nil {
		a.router = a.routeFromDB
	}
	if c, err := catalog.Default(); err == nil {
		a.activate(c)
	}
	return a
}

// At returns a copy of the App that reads the time from clock: the demo
// loader plays a history through it. The copy shares the database, the
// catalogue and the caches.
func (a *App) At(clock func() time.Time) *App {
	b := *a
	b.clock = clock
	return &b
}

// Now returns the App's current time.
func (a *App) Now() time.Time { return a.now() }

func (a *App) now() time.Time { return a.clock().UTC().Truncate(time.Millisecond) }

// Catalog returns the active matter catalogue.
func (a *App) Catalog() *catalog.Catalog {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.catalog
}

// classify runs the active engine (a zero Triage if there is none), after
// loading the active model version if another server switched it.
func (a *App) classify(ctx context.Context, text string) fenliu.Triage {
	a.syncModel(ctx)
	a.mu.RLock()
	c := a.classifier
	a.mu.RUnlock()
	if c == nil {
		return fenliu.Triage{}
	}
	defer a.observeTriage(time.Now())
	return c.Classify(text)
}

// activate makes c the active catalogue and builds its engine; if the
// engine cannot be built, the previous one stays, and the failure is logged.
func (a *App) activate(c *catalog.Catalog) {
	var cl Classifier
	if a.opts.Triage != nil {
		var err error
		if cl, err = a.opts.Triage(c); err != nil {
			a.log.Error("triage engine not rebuilt for the new catalogue; the previous one stays", "catalog", c.Version, "err", err)
			cl = nil
		}
	}
	a.mu.Lock()
	a.catalog = c
	if cl != nil {
		a.classifier = cl
	}
	a.mu.Unlock()
}

func (a *App) changed(id int64) {
	a.wakeOutbox()
	if a.opts.OnChange != nil {
		a.opts.OnChange(id)
	}
}

func (a *App) notify(n *fenliu.Notice) {
	a.wakeOutbox()
	if a.opts.OnNotice != nil {
		a.opts.OnNotice(n)
	}
}

// Ping checks the database answers.
func (a *App) Ping(ctx context.Context) error { return a.db.Ping(ctx) }

// Driver names the database: "sqlite" or "postgres".
func (a *App) Driver() string { return a.db.Driver }

var trackingEnc = base32.NewEncoding("23456789ABCDEFGHJKLMNPQRSTUVWXYZ").WithPadding(base32.NoPadding)

// newTrackingNo returns a public tracking number: unguessable, easy to read
// out over the phone (no 0/O or 1/I).
func newTrackingNo(now time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return now.Format("060102") + trackingEnc.EncodeToString(b[:])
}
