package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu/store"
)

// Operating figures, for /metrics.

// PendingTimers counts the deadline timers armed and not yet fired.
func (a *App) PendingTimers(ctx context.Context) (int64, error) { return a.db.PendingTimers(ctx) }

// PoolStats is the database connection pool's state.
type PoolStats = store.PoolStats

// Pool returns the database connection pool's state.
func (a *App) Pool() PoolStats { return a.db.Pool() }

func (a *App) observeTriage(start time.Time) {
	if a.opts.OnTriage != nil {
		a.opts.OnTriage(time.Since(start))
	}
}
