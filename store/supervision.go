package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// ArmTimers makes ts the order's pending timers: unfired timers not in ts
// are dropped, and a timer already there — pending or fired — is kept as it
// is, so each (order, kind, time) fires once however often it is re-armed.
// It reports the earliest timer it added (zero if none), so the caller can
// wake the scheduler for one that is already due.
func (q *Q) ArmTimers(ctx context.Context, orderID int64, ts []fenliu.Timer) (time.Time, error) {
	rows, err := q.query(ctx, `SELECT id, kind, fire_at, fired_at IS NOT NULL FROM timers WHERE order_id = ?`, orderID)
	if err != nil {
		return time.Time{}, err
	}
	type key struct {
		kind string
		at   int64
	}
	have := map[key]bool{}
	var stale []int64
	want := map[key]bool{}
	for _, t := range ts {
		want[key{string(t.Kind), ms(t.At)}] = true
	}
	for rows.Next() {
		var (
			id    int64
			k     key
			fired bool
		)
		if err := rows.Scan(&id, &k.kind, &k.at, &fired); err != nil {
			rows.Close()
			return time.Time{}, mapErr(err)
		}
		have[k] = true
		if !fired && !want[k] {
			stale = append(stale, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return time.Time{}, mapErr(err)
	}
	for _, id := range stale {
		if _, err := q.exec(ctx, `DELETE FROM timers WHERE id = ?`, id); err != nil {
			return time.Time{}, err
		}
	}
	var first time.Time
	for _, t := range ts {
		k := key{string(t.Kind), ms(t.At)}
		if have[k] {
			continue
		}
		have[k] = true
		if _, err := q.exec(ctx, `INSERT INTO timers (order_id, kind, fire_at) VALUES (?, ?, ?)`, orderID, string(t.Kind), ms(t.At)); err != nil {
			return time.Time{}, err
		}
		if first.IsZero() || t.At.Before(first) {
			first = t.At
		}
	}
	return first, nil
}

// ArmNewTimers arms the timers of an order made in this transaction (it
// has none yet): one multi-row INSERT.
func (q *Q) ArmNewTimers(ctx context.Context, orderID int64, ts []fenliu.Timer) error {
	if len(ts) == 0 {
		return nil
	}
	type key struct {
		kind fenliu.TimerKind
		at   int64
	}
	seen := map[key]bool{}
	vals := make([]string, 0, len(ts))
	args := make([]any, 0, 3*len(ts))
	for _, t := range ts {
		k := key{t.Kind, ms(t.At)}
		if seen[k] {
			continue
		}
		seen[k] = true
		vals = append(vals, "(?, ?, ?)")
		args = append(args, orderID, string(t.Kind), ms(t.At))
	}
	_, err := q.exec(ctx, `INSERT INTO timers (order_id, kind, fire_at) VALUES `+strings.Join(vals, ", "), args...)
	return err
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

// CreateNotice stores a notice and sets its ID.
// Every notice goes out: its outbox entry is written in the same transaction.
func (q *Q) CreateNotice(ctx context.Context, n *fenliu.Notice) error {
	if err := mapErr(q.row(ctx, `INSERT INTO notices (kind, stage, order_id, incident_id, unit_id, to_role, text, created_by, created_at, due_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, string(n.Kind), string(n.Stage), nullID(n.OrderID), nullID(n.IncidentID), nullID(n.UnitID), string(n.ToRole),
		n.Text, n.CreatedBy, ms(n.CreatedAt), msPtr(n.DueAt)).Scan(&n.ID)); err != nil {
		return err
	}
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	// A notice addressed to a role (UnitID 0) is no unit's entry.
	return q.enqueue(ctx, pendingEntry{at: n.CreatedAt, kind: fenliu.OutboxNotice, incidentID: n.IncidentID, orderID: n.OrderID, unitID: n.UnitID, noticeID: n.ID, data: body})
}

const noticeCols = `id, kind, stage, order_id, incident_id, unit_id, to_role, text, created_by, created_at, due_at, reply, replied_by, replied_at`

func scanNotice(s scanner) (*fenliu.Notice, error) {
	var (
		n              fenliu.Notice
		order, inc, by sql.NullInt64
		unit           sql.NullInt64
		created        int64
		due, repliedAt sql.NullInt64
	)
	if err := s.Scan(&n.ID, &n.Kind, &n.Stage, &order, &inc, &unit, &n.ToRole, &n.Text, &n.CreatedBy, &created, &due, &n.Reply, &by, &repliedAt); err != nil {
		return nil, err
	}
	n.OrderID, n.IncidentID, n.RepliedBy, n.UnitID = order.Int64, inc.Int64, by.Int64, unit.Int64
	n.CreatedAt, n.DueAt, n.RepliedAt = fromMS(created), fromNullMS(due), fromNullMS(repliedAt)
	return &n, nil
}

// Notice returns a notice.
func (q *Q) Notice(ctx context.Context, id int64) (*fenliu.Notice, error) {
	n, err := scanNotice(q.row(ctx, `SELECT `+noticeCols+` FROM notices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("通知", "notice", id)
	}
	return n, mapErr(err)
}

// Notices lists notices, newest first.
func (q *Q) Notices(ctx context.Context, f fenliu.NoticeFilter) ([]*fenliu.Notice, error) {
	query := `SELECT ` + noticeCols + ` FROM notices WHERE 1 = 1`
	var args []any
	if f.UnitID != 0 {
		query += ` AND unit_id = ?`
		args = append(args, f.UnitID)
	} else if f.ToRole != "" {
		query += ` AND unit_id IS NULL AND to_role = ?`
		args = append(args, string(f.ToRole))
	}
	if f.OrderID != 0 {
		query += ` AND order_id = ?`
		args = append(args, f.OrderID)
	}
	if f.Open {
		query += ` AND due_at IS NOT NULL AND replied_at IS NULL`
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, fenliu.PageLimit(f.Limit))
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Notice{}
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

// PendingTimers counts the timers armed and not yet fired.
func (q *Q) PendingTimers(ctx context.Context) (int64, error) {
	var n int64
	err := q.row(ctx, `SELECT COUNT(*) FROM timers WHERE fired_at IS NULL`).Scan(&n)
	return n, mapErr(err)
}
