package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fenliu/fenliu"
)

// IdempotencyKeep is how long an answer is kept for its Idempotency-Key.
const IdempotencyKeep = 24 * time.Hour

// ReserveIdempotency looks up a user's key; if it is new it is reserved
// (status 0: running) and nil is returned. Keys older than IdempotencyKeep
// are forgotten first.
func (q *Q) ReserveIdempotency(ctx context.Context, a *fenliu.IdempotentAnswer, now time.Time) (*fenliu.IdempotentAnswer, error) {
	if _, err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ms(now.Add(-IdempotencyKeep))); err != nil {
		return nil, err
	}
	var (
		old  fenliu.IdempotentAnswer
		body string
	)
	err := q.row(ctx, `SELECT method, path, fingerprint, status, body FROM idempotency_keys WHERE user_id = ? AND key = ?`, a.UserID, a.Key).
		Scan(&old.Method, &old.Path, &old.Fingerprint, &old.Status, &body)
	if err == nil {
		old.UserID, old.Key, old.Body = a.UserID, a.Key, []byte(body)
		return &old, nil
	}
	if err != sql.ErrNoRows {
		return nil, mapErr(err)
	}
	_, err = q.exec(ctx, `INSERT INTO idempotency_keys (user_id, key, method, path, fingerprint, status, body, created_at) VALUES (?, ?, ?, ?, ?, 0, '', ?)`,
		a.UserID, a.Key, a.Method, a.Path, a.Fingerprint, ms(now))
	return nil, err
}

// FinishIdempotency keeps the answer to a reserved key.
func (q *Q) FinishIdempotency(ctx context.Context, a *fenliu.IdempotentAnswer) error {
	_, err := q.exec(ctx, `UPDATE idempotency_keys SET status = ?, body = ? WHERE user_id = ? AND key = ?`, a.Status, string(a.Body), a.UserID, a.Key)
	return err
}

// DropIdempotency forgets a key (its request failed on the server's side
// and may be tried again).
func (q *Q) DropIdempotency(ctx context.Context, userID int64, key string) error {
	_, err := q.exec(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key)
	return err
}
