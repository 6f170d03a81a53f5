// Package app holds Fenliu's use cases: record an incident, decide it,
// dispatch work orders, act on them, read the record. Every caller — the JSON
// API, the console, the CLI — goes through it, so each permission check and
// rule is applied once. Rules themselves live in the domain package.
package app

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"sync"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

// App is the service layer over one database.
type App struct {
	DB  *store.DB
	Now func() time.Time // the clock; tests inject one
	// Changed, if set, is told after a commit which incident changed (for
	// live screens and webhooks). It must not block.
	Changed func(incidentID int64)

	// The triage engine and the router, set when the server is wired.
	Classifier Classifier
	Router     Router
	// RepeatWindow is how far back a call counts as a repeat (重复报警) of an
	// earlier one from the same caller or about the same place and matter.
	RepeatWindow time.Duration
	// OnCatalog, if set, is told when a new catalogue becomes active (the
	// triage engine is rebuilt on it).
	OnCatalog func(*catalog.Catalog)
	// Notify, if set, is told of every notice after it is committed (the
	// webhook sender). It must not block.
	Notify func(*store.Notice)
	// Location is the city's time zone: report rollups are kept by its days
	// and months (default UTC).
	Location *time.Location

	mu      sync.RWMutex
	catalog *catalog.Catalog // the active matter catalogue
	cities  cityCache        // the routing data, kept while it is unchanged
}

// Catalog returns the active matter catalogue.
func (a *App) Catalog() *catalog.Catalog {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.catalog
}

// SetCatalog makes c the active catalogue (used at start and after an import).
func (a *App) SetCatalog(c *catalog.Catalog) {
	a.mu.Lock()
	a.catalog = c
	a.mu.Unlock()
}

// New returns an App over db with the real clock.
func New(db *store.DB) *App {
	a := &App{DB: db, Now: func() time.Time { return time.Now().UTC() }, RepeatWindow: 72 * time.Hour}
	a.Router = a.routeFromDB
	if c, err := catalog.Default(); err == nil {
		a.catalog = c
	}
	return a
}

func (a *App) now() time.Time { return a.Now().UTC().Truncate(time.Millisecond) }

func (a *App) changed(id int64) {
	if a.Changed != nil {
		a.Changed(id)
	}
}

// Authenticate returns the user an API token belongs to.
func (a *App) Authenticate(ctx context.Context, token string) (*fenliu.User, error) {
	if token == "" {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "缺少访问令牌", EN: "missing API token"}
	}
	return a.DB.UserByToken(ctx, token)
}

var trackingEnc = base32.NewEncoding("23456789ABCDEFGHJKLMNPQRSTUVWXYZ").WithPadding(base32.NoPadding)

// newTrackingNo returns a public tracking number: unguessable, easy to read
// out over the phone (no 0/O or 1/I).
func newTrackingNo(now time.Time) string {
	var b [5]byte
	rand.Read(b[:])
	return now.Format("060102") + trackingEnc.EncodeToString(b[:])
}
