package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fenliu/fenliu"
)

// CreateBulletin stores a bulletin unless one for the same period and start
// exists; it reports whether it stored it (so each is made exactly once).
func (q *Q) CreateBulletin(ctx context.Context, b *fenliu.Bulletin) (bool, error) {
	err := q.row(ctx, `INSERT INTO bulletins (period, starts_at, ends_at, body, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (period, starts_at) DO NOTHING RETURNING id`, b.Period, ms(b.StartsAt), ms(b.EndsAt), string(b.Body), ms(b.CreatedAt)).Scan(&b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, mapErr(err)
}

// Bulletins lists stored bulletins, newest first, without bodies.
func (q *Q) Bulletins(ctx context.Context, n int) ([]*fenliu.Bulletin, error) {
	rows, err := q.query(ctx, `SELECT id, period, starts_at, ends_at, created_at FROM bulletins ORDER BY starts_at DESC, id DESC LIMIT ?`, fenliu.PageLimit(n))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Bulletin{}
	for rows.Next() {
		var b fenliu.Bulletin
		var s, e, c int64
		if err := rows.Scan(&b.ID, &b.Period, &s, &e, &c); err != nil {
			return nil, err
		}
		b.StartsAt, b.EndsAt, b.CreatedAt = fromMS(s), fromMS(e), fromMS(c)
		out = append(out, &b)
	}
	return out, mapErr(rows.Err())
}

// Bulletin returns a stored bulletin with its body.
func (q *Q) Bulletin(ctx context.Context, id int64) (*fenliu.Bulletin, error) {
	var b fenliu.Bulletin
	var s, e, c int64
	var body string
	err := q.row(ctx, `SELECT id, period, starts_at, ends_at, body, created_at FROM bulletins WHERE id = ?`, id).Scan(&b.ID, &b.Period, &s, &e, &body, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("通报", "bulletin", id)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	b.StartsAt, b.EndsAt, b.CreatedAt, b.Body = fromMS(s), fromMS(e), fromMS(c), []byte(body)
	return &b, nil
}
