package app

import (
	"context"

	"github.com/fenliu/fenliu/store"
)

// Bulk loading, for benchmarks that need years of history at once
// (`fenliu bench-dashboard`; the rows are made by demo.History). It runs
// with the operator's authority and bypasses the rules: the server never
// uses it.

// BulkTable is one table's rows for BulkInsert.
type BulkTable = store.BulkTable

// BulkInsert writes the tables' rows in one transaction.
func (a *App) BulkInsert(ctx context.Context, tables ...BulkTable) error {
	return a.db.BulkInsert(ctx, tables...)
}

// MaxID returns the largest id of a bulk-loadable table (0 if empty).
func (a *App) MaxID(ctx context.Context, table string) (int64, error) { return a.db.MaxID(ctx, table) }

// FinishBulk brings the identity sequences past the loaded ids.
func (a *App) FinishBulk(ctx context.Context) error { return a.db.FinishBulk(ctx) }

// LoadUnsynced runs fn, a loader filling a fresh database (the demo), with
// SQLite's commits not synced one by one, and syncs once at the end; see
// store.DB.LoadUnsynced.
func (a *App) LoadUnsynced(ctx context.Context, fn func() error) error {
	return a.db.LoadUnsynced(ctx, fn)
}
