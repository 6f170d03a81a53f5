package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Bulk loading, for benchmarks that need years of history at once
// (`fenliu bench-dashboard`; the rows are made by demo.History). The
// server never uses it: it bypasses the service layer's rules and the
// change tracking of the report rollups.

// bulkTables are the tables BulkInsert may fill.
var bulkTables = map[string]bool{"incidents": true, "orders": true}

// BulkTable is one table's rows for BulkInsert.
type BulkTable struct {
	Table string
	Cols  []string
	Rows  [][]any
}

// BulkInsert writes the tables' rows in one transaction: COPY on
// PostgreSQL, one prepared statement per table on SQLite.
func (db *DB) BulkInsert(ctx context.Context, tables ...BulkTable) error {
	for _, t := range tables {
		if !bulkTables[t.Table] {
			return fmt.Errorf("bulk insert into %q is not allowed", t.Table)
		}
	}
	if db.Driver == "postgres" {
		return db.copyRows(ctx, tables)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, t := range tables {
		st, err := tx.PrepareContext(ctx, "INSERT INTO "+t.Table+" ("+strings.Join(t.Cols, ", ")+") VALUES ("+marks(len(t.Cols))+")")
		if err != nil {
			return err
		}
		for _, r := range t.Rows {
			if _, err := st.ExecContext(ctx, r...); err != nil {
				st.Close()
				return fmt.Errorf("%s: %w", t.Table, err)
			}
		}
		st.Close()
	}
	return tx.Commit()
}

func (db *DB) copyRows(ctx context.Context, tables []BulkTable) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		for _, t := range tables {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.Table}, t.Cols, pgx.CopyFromRows(t.Rows)); err != nil {
				return fmt.Errorf("copy %s: %w", t.Table, err)
			}
		}
		return tx.Commit(ctx)
	})
}

// MaxID returns the largest id of a bulk-loadable table (0 if empty).
func (db *DB) MaxID(ctx context.Context, table string) (int64, error) {
	if !bulkTables[table] {
		return 0, fmt.Errorf("table %q", table)
	}
	var id sql.NullInt64
	err := db.w.QueryRowContext(ctx, `SELECT MAX(id) FROM `+table).Scan(&id)
	return id.Int64, mapErr(err)
}

// FinishBulk brings the identity sequences past the loaded ids
// (PostgreSQL) and refreshes the planner's statistics.
func (db *DB) FinishBulk(ctx context.Context) error {
	if db.Driver == "postgres" {
		for t := range bulkTables {
			if _, err := db.w.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), (SELECT MAX(id) FROM `+t+`))`); err != nil {
				return err
			}
		}
	}
	_, err := db.w.ExecContext(ctx, `ANALYZE`)
	return err
}

// CountOrders returns how many work orders are stored.
func (q *Q) CountOrders(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM orders`).Scan(&n)
	return n, mapErr(err)
}

// BusiestUnit returns the unit with the most orders in the last 30 days
// of those stored.
func (q *Q) BusiestUnit(ctx context.Context) (int64, error) {
	var id int64
	err := q.row(ctx, `SELECT unit_id FROM orders WHERE dispatched_at >= (SELECT MAX(dispatched_at) FROM orders) - ?
		GROUP BY unit_id ORDER BY COUNT(*) DESC LIMIT 1`, int64(30*24*3600_000)).Scan(&id)
	return id, mapErr(err)
}

// LoadUnsynced runs fn with the SQLite writer's commits not synced to disk
// (synchronous=OFF), then restores synchronous=FULL and checkpoints the
// write-ahead log, which syncs everything fn committed. For a
// loader filling a fresh database (the demo city) that acknowledges
// nothing to anyone before it returns: a crash of the process loses
// nothing committed (the log is written, only not synced), a crash of the
// machine may lose the load, never an acknowledged write. On PostgreSQL fn
// simply runs.
func (db *DB) LoadUnsynced(ctx context.Context, fn func() error) error {
	if db.Q.pg {
		return fn()
	}
	if _, err := db.w.ExecContext(ctx, "PRAGMA synchronous = OFF"); err != nil {
		return err
	}
	ferr := fn()
	_, err := db.w.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL")
	if err == nil {
		// The checkpoint syncs the log, copies it into the database file
		// and syncs that: the load is on disk.
		_, err = db.w.ExecContext(context.WithoutCancel(ctx), "PRAGMA wal_checkpoint(FULL)")
	}
	if ferr != nil {
		return ferr
	}
	return err
}
