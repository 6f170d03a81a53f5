package store

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
)

// CreateShift stores a roster entry.
func (q *Q) CreateShift(ctx context.Context, s *fenliu.Shift, by int64, now time.Time) error {
	if err := mapErr(q.row(ctx, `INSERT INTO shifts (unit_id, starts_at, ends_at, person, phone, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.UnitID, ms(s.StartsAt), ms(s.EndsAt), s.Person, s.Phone, by, ms(now)).Scan(&s.ID)); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// Shifts returns the roster entries that overlap [from, to).
func (q *Q) Shifts(ctx context.Context, from, to time.Time) ([]*fenliu.Shift, error) {
	rows, err := q.query(ctx, `SELECT id, unit_id, starts_at, ends_at, person, phone FROM shifts
		WHERE ends_at > ? AND starts_at < ? ORDER BY unit_id, starts_at`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Shift{}
	for rows.Next() {
		var (
			s    fenliu.Shift
			a, b int64
		)
		if err := rows.Scan(&s.ID, &s.UnitID, &a, &b, &s.Person, &s.Phone); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt = fromMS(a), fromMS(b)
		out = append(out, &s)
	}
	return out, mapErr(rows.Err())
}

// UnitsWithShifts returns the ids of units that keep a roster at all.
func (q *Q) UnitsWithShifts(ctx context.Context) (map[int64]bool, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT unit_id FROM shifts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, mapErr(rows.Err())
}
