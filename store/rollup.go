package store

import (
	"context"
	"strings"
	"time"
)

// RollupPeriod describes one built period of the report rollups.
type RollupPeriod struct {
	Period      string // "2026-11-03" or "2026-11", city time
	From, To    time.Time
	BuiltAt     time.Time
	Fingerprint string
}

// RollupRow is one group's encoded counts within a period.
type RollupRow struct {
	Period, Dim, Key string
	Counts           []byte
}

// RollupPeriods returns the built periods that start in [from, to).
func (q *Q) RollupPeriods(ctx context.Context, from, to time.Time) (map[string]*RollupPeriod, error) {
	rows, err := q.query(ctx, `SELECT period, starts_at, ends_at, built_at, fingerprint FROM report_periods
		WHERE starts_at >= ? AND starts_at < ?`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]*RollupPeriod{}
	for rows.Next() {
		var (
			p       RollupPeriod
			f, t, b int64
		)
		if err := rows.Scan(&p.Period, &f, &t, &b, &p.Fingerprint); err != nil {
			return nil, mapErr(err)
		}
		p.From, p.To, p.BuiltAt = fromMS(f), fromMS(t), fromMS(b)
		out[p.Period] = &p
	}
	return out, mapErr(rows.Err())
}

// Rollups streams the rollup rows of the given periods and dimensions (and
// only key, if not empty) to fn.
func (q *Q) Rollups(ctx context.Context, periods []string, dims []string, key string, fn func(*RollupRow) error) error {
	if len(periods) == 0 || len(dims) == 0 {
		return nil
	}
	args := make([]any, 0, len(periods)+len(dims)+1)
	for _, p := range periods {
		args = append(args, p)
	}
	for _, d := range dims {
		args = append(args, d)
	}
	query := `SELECT period, dim, gkey, counts FROM report_rollups WHERE period IN (` + marks(len(periods)) +
		`) AND dim IN (` + marks(len(dims)) + `)`
	if key != "" {
		query += ` AND gkey = ?`
		args = append(args, key)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r RollupRow
		if err := rows.Scan(&r.Period, &r.Dim, &r.Key, &r.Counts); err != nil {
			return mapErr(err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

func marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// rollupChunk is how many rollup rows one INSERT writes (4 parameters
// each, well under both databases' limits).
const rollupChunk = 250

// PutRollup replaces one period's rollup rows and records it as built.
func (q *Q) PutRollup(ctx context.Context, p *RollupPeriod, rows []*RollupRow) error {
	if _, err := q.exec(ctx, `DELETE FROM report_rollups WHERE period = ?`, p.Period); err != nil {
		return err
	}
	// Multi-row INSERTs of rollupChunk rows: a period's rows (a day has
	// hundreds) in a few statements, not one round trip each.
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), rollupChunk)]
		rows = rows[len(chunk):]
		args := make([]any, 0, 4*len(chunk))
		for _, r := range chunk {
			args = append(args, p.Period, r.Dim, r.Key, r.Counts)
		}
		if _, err := q.exec(ctx, `INSERT INTO report_rollups (period, dim, gkey, counts) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(chunk)), ", ")+
			` ON CONFLICT (period, dim, gkey) DO UPDATE SET counts = excluded.counts`, args...); err != nil {
			return err
		}
	}
	_, err := q.exec(ctx, `INSERT INTO report_periods (period, starts_at, ends_at, built_at, fingerprint) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (period) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at,
		built_at = excluded.built_at, fingerprint = excluded.fingerprint`,
		p.Period, ms(p.From), ms(p.To), ms(p.BuiltAt), p.Fingerprint)
	return err
}

// ReportChanges returns the times that place changes made after since in
// the report's periods: the dispatch times of orders that changed, the
// receipt times of incidents that changed, and the dispatch times of the
// orders of changed incidents and of the incidents they repeat.
func (q *Q) ReportChanges(ctx context.Context, since time.Time) ([]time.Time, error) {
	s := ms(since)
	rows, err := q.query(ctx, `SELECT dispatched_at FROM orders WHERE updated_at > ?
		UNION SELECT received_at FROM incidents WHERE changed_at > ?
		UNION SELECT o.dispatched_at FROM incidents i JOIN orders o ON o.incident_id = i.id WHERE i.changed_at > ?
		UNION SELECT o.dispatched_at FROM incidents i JOIN orders o ON o.incident_id = i.repeat_of WHERE i.changed_at > ?`, s, s, s, s)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return nil, mapErr(err)
		}
		out = append(out, fromMS(t))
	}
	return out, mapErr(rows.Err())
}

// FirstActivity returns the earliest dispatch or receipt time on record
// (zero if there is none).
func (q *Q) FirstActivity(ctx context.Context) (time.Time, error) {
	var a, b *int64
	if err := q.row(ctx, `SELECT MIN(dispatched_at) FROM orders`).Scan(&a); err != nil {
		return time.Time{}, mapErr(err)
	}
	if err := q.row(ctx, `SELECT MIN(received_at) FROM incidents`).Scan(&b); err != nil {
		return time.Time{}, mapErr(err)
	}
	switch {
	case a == nil && b == nil:
		return time.Time{}, nil
	case a == nil:
		return fromMS(*b), nil
	case b == nil || *a < *b:
		return fromMS(*a), nil
	}
	return fromMS(*b), nil
}
