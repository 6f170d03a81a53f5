package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ThrottleUntil returns until when key is held back (zero: not held).
func (q *Q) ThrottleUntil(ctx context.Context, key string) (time.Time, error) {
	var until int64
	err := q.row(ctx, `SELECT until_at FROM throttle WHERE key = ?`, key).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, mapErr(err)
	}
	return fromMS(until), nil
}

// ThrottleCount counts one more failure (or hit) for key at now, starting
// afresh when the last one is older than forget, and returns the count.
// Rows older than forget are removed on the way.
func (q *Q) ThrottleCount(ctx context.Context, key string, now, forget time.Time) (int, error) {
	if _, err := q.exec(ctx, `DELETE FROM throttle WHERE last_at < ?`, ms(forget)); err != nil {
		return 0, err
	}
	var n int
	err := q.row(ctx, `INSERT INTO throttle (key, failures, first_at, last_at, until_at) VALUES (?, 1, ?, ?, 0)
		ON CONFLICT (key) DO UPDATE SET failures = throttle.failures + 1, last_at = excluded.last_at
		RETURNING failures`, key, ms(now), ms(now)).Scan(&n)
	return n, mapErr(err)
}

// ThrottleHold holds key back until a time.
func (q *Q) ThrottleHold(ctx context.Context, key string, until time.Time) error {
	_, err := q.exec(ctx, `UPDATE throttle SET until_at = ? WHERE key = ?`, ms(until), key)
	return err
}

// ThrottleReset forgets key (a good sign-in).
func (q *Q) ThrottleReset(ctx context.Context, key string) error {
	_, err := q.exec(ctx, `DELETE FROM throttle WHERE key = ?`, key)
	return err
}

// Probe writes the health probe's row: the database accepts a write.
func (q *Q) Probe(ctx context.Context, now time.Time) error {
	_, err := q.exec(ctx, `INSERT INTO health_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at`, ms(now))
	return err
}
