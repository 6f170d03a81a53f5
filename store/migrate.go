package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies the embedded migrations of the database's dialect that are
// not yet applied, each in its own transaction, and returns how many ran.
// On PostgreSQL an advisory lock keeps several instances from racing.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	dir := "migrations/" + db.Driver
	names, err := fs.Glob(migrations, dir+"/*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if db.Driver == "postgres" {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(4242017)"); err != nil {
			return 0, fmt.Errorf("migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(4242017)")
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, err
		}
		applied[v] = true
	}
	rows.Close()
	q := "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"
	if db.Driver == "postgres" {
		q = "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)"
	}
	n := 0
	for _, name := range names {
		version := strings.TrimSuffix(name[strings.LastIndexByte(name, '/')+1:], ".sql")
		if applied[version] {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return n, err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return n, err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return n, fmt.Errorf("migration %s: %w", version, err)
		}

		if _, err := tx.ExecContext(ctx, q, version, time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return n, err
		}
		if err := tx.Commit(); err != nil {
			return n, err
		}
		n++
	}
	// The Go parts of migrations run once every SQL migration is in (they
	// read rows through the store's current queries), each recorded as
	// "<version>+go" when it has run.
	for _, name := range names {
		version := strings.TrimSuffix(name[strings.LastIndexByte(name, '/')+1:], ".sql")
		step := goSteps[version]
		if step == nil || applied[version+"+go"] {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return n, err
		}
		if err := step(ctx, &Q{r: tx, pg: db.Driver == "postgres"}); err != nil {
			tx.Rollback()
			return n, fmt.Errorf("migration %s (go): %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, q, version+"+go", time.Now().UnixMilli()); err != nil {
			tx.Rollback()
			return n, err
		}
		if err := tx.Commit(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// goSteps are the parts of migrations that a rule of the domain computes,
// run after the migration's SQL in its transaction.
var goSteps = map[string]func(context.Context, *Q) error{
	"0006_one_door":  backfillWatch,
	"0007_city_runs": backfillCallbacks,
	"0008_security":  sealLegacy,
}

// backfillCallbacks starts the callback limit (48 hours from closing, the
// default) of the closed orders stored before it existed, one per incident
// (fenliu.CallbackOrders).
func backfillCallbacks(ctx context.Context, q *Q) error {
	closed, err := q.orders(ctx, `SELECT `+orderCols+` FROM orders WHERE state = ?`, string(fenliu.StateClosed))
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, c := range closed {
		if seen[c.IncidentID] {
			continue
		}
		seen[c.IncidentID] = true
		orders, err := q.OrdersOfIncident(ctx, c.IncidentID)
		if err != nil {
			return err
		}
		for _, o := range fenliu.CallbackOrders(orders, false) {
			if o.ClosedAt == nil {
				continue
			}
			due := o.ClosedAt.Add(48 * time.Hour)
			o.CallbackDue = &due
			warn, wdue := fenliu.Watch(o)
			if _, err := q.exec(ctx, `UPDATE orders SET callback_due = ?, watch_warn = ?, watch_due = ? WHERE id = ?`, ms(due), msPtr(warn), msPtr(wdue), o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// backfillWatch writes the supervision watch times (fenliu.Watch) of the
// open orders that were stored before the columns existed.
func backfillWatch(ctx context.Context, q *Q) error {
	orders, err := q.orders(ctx, `SELECT `+orderCols+` FROM orders WHERE state IN (`+marks(len(openStates()))+`)`, stateArgs(openStates())...)
	if err != nil {
		return err
	}
	for _, o := range orders {
		warn, due := fenliu.Watch(o)
		if _, err := q.exec(ctx, `UPDATE orders SET watch_warn = ?, watch_due = ? WHERE id = ?`, msPtr(warn), msPtr(due), o.ID); err != nil {
			return err
		}
	}
	return nil
}

func openStates() []fenliu.OrderState {
	var out []fenliu.OrderState
	for _, s := range fenliu.OrderStates {
		if s.Open() {
			out = append(out, s)
		}
	}
	return out
}
