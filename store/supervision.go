package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fenliu/fenliu"
)

// ArmTimers replaces an order's unfired timers with ts.
func (q *Q) ArmTimers(ctx context.Context, orderID int64, ts []fenliu.Timer) error {
	if _, err := q.exec(ctx, `DELETE FROM timers WHERE order_id = ? AND fired_at IS NULL`, orderID); err != nil {
		return err
	}
	for _, t := range ts {
		if _, err := q.exec(ctx, `INSERT INTO timers (order_id, kind, fire_at) VALUES (?, ?, ?)`, orderID, string(t.Kind), ms(t.At)); err != nil {
			return err
		}
	}
	return nil
}

// DueTimer is an unfired timer whose time has come.
type DueTimer struct {
	ID      int64
	OrderID int64
	Kind    fenliu.TimerKind
	At      time.Time
}

// DueTimers lists unfired timers due at or before now, oldest first.
func (q *Q) DueTimers(ctx context.Context, now time.Time, n int) ([]DueTimer, error) {
	rows, err := q.query(ctx, `SELECT id, order_id, kind, fire_at FROM timers WHERE fired_at IS NULL AND fire_at <= ? ORDER BY fire_at, id LIMIT ?`, ms(now), n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DueTimer
	for rows.Next() {
		var t DueTimer
		var at int64
		if err := rows.Scan(&t.ID, &t.OrderID, &t.Kind, &at); err != nil {
			return nil, err
		}
		t.At = fromMS(at)
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// NextTimer returns when the next unfired timer is due (zero if none).
func (q *Q) NextTimer(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	err := q.row(ctx, `SELECT MIN(fire_at) FROM timers WHERE fired_at IS NULL`).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, mapErr(err)
	}
	return fromMS(at.Int64), nil
}

// ClaimTimer marks a timer fired; it reports false if another process fired
// it first. Call it in the transaction that writes the timer's effects, so
// a timer's effects happen exactly once.
func (q *Q) ClaimTimer(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE timers SET fired_at = ? WHERE id = ? AND fired_at IS NULL`, ms(now), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Notice is a notice to a unit: a warning, an overdue mark, a supervision
// notice (督办单), an escalation, or a rectification request (整改).
type Notice struct {
	ID         int64             `json:"id"`
	Kind       fenliu.NoticeKind `json:"kind"`
	OrderID    int64             `json:"order_id,omitempty"`
	IncidentID int64             `json:"incident_id,omitempty"`
	UnitID     int64             `json:"unit_id"`
	Text       string            `json:"text"`
	CreatedBy  int64             `json:"created_by"` // 0: the system
	CreatedAt  time.Time         `json:"created_at"`
	DueAt      *time.Time        `json:"due_at,omitempty"` // a reply or rectification is due
	Reply      string            `json:"reply,omitempty"`
	RepliedBy  int64             `json:"replied_by,omitempty"`
	RepliedAt  *time.Time        `json:"replied_at,omitempty"`
}

// CreateNotice stores a notice and sets its ID.
func (q *Q) CreateNotice(ctx context.Context, n *Notice) error {
	return mapErr(q.row(ctx, `INSERT INTO notices (kind, order_id, incident_id, unit_id, text, created_by, created_at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(n.Kind), nullID(n.OrderID), nullID(n.IncidentID), n.UnitID,
		n.Text, n.CreatedBy, ms(n.CreatedAt), msPtr(n.DueAt)).Scan(&n.ID))
}

const noticeCols = `id, kind, order_id, incident_id, unit_id, text, created_by, created_at, due_at, reply, replied_by, replied_at`

func scanNotice(s scanner) (*Notice, error) {
	var (
		n              Notice
		order, inc, by sql.NullInt64
		created        int64
		due, repliedAt sql.NullInt64
	)
	if err := s.Scan(&n.ID, &n.Kind, &order, &inc, &n.UnitID, &n.Text, &n.CreatedBy, &created, &due, &n.Reply, &by, &repliedAt); err != nil {
		return nil, err
	}
	n.OrderID, n.IncidentID, n.RepliedBy = order.Int64, inc.Int64, by.Int64
	n.CreatedAt, n.DueAt, n.RepliedAt = fromMS(created), fromNullMS(due), fromNullMS(repliedAt)
	return &n, nil
}

// Notice returns a notice.
func (q *Q) Notice(ctx context.Context, id int64) (*Notice, error) {
	n, err := scanNotice(q.row(ctx, `SELECT `+noticeCols+` FROM notices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("通知", "notice", id)
	}
	return n, mapErr(err)
}

// NoticeFilter selects notices.
type NoticeFilter struct {
	UnitID  int64
	OrderID int64
	Open    bool // only those still waiting for a reply
	Limit   int
}

// Notices lists notices, newest first.
func (q *Q) Notices(ctx context.Context, f NoticeFilter) ([]*Notice, error) {
	query := `SELECT ` + noticeCols + ` FROM notices WHERE 1 = 1`
	var args []any
	if f.UnitID != 0 {
		query += ` AND unit_id = ?`
		args = append(args, f.UnitID)
	}
	if f.OrderID != 0 {
		query += ` AND order_id = ?`
		args = append(args, f.OrderID)
	}
	if f.Open {
		query += ` AND due_at IS NOT NULL AND replied_at IS NULL`
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit(f.Limit))
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Notice{}
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// ReplyNotice records a unit's reply to a notice, once.
func (q *Q) ReplyNotice(ctx context.Context, id, by int64, reply string, now time.Time) error {
	res, err := q.exec(ctx, `UPDATE notices SET reply = ?, replied_by = ?, replied_at = ? WHERE id = ? AND replied_at IS NULL`, reply, by, ms(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return &fenliu.Error{Code: fenliu.EConflict, ZH: "该通知已回复", EN: "the notice has been replied to already"}
	}
	return nil
}
