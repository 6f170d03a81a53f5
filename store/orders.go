package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

const orderCols = `id, incident_id, unit_id, role, state, version, from_order, dispatched_at, signed_at, arrived_at,
	feedback_at, closed_at, callback_at, updated_at, feedback, solved, satisfaction, returns, reopens,
	sign_due, arrive_due, feedback_due, close_due, complaint, escalated, limits_from, escalated_to, callback_due, callback_attempts, partner`

func scanOrder(s scanner) (*fenliu.Order, error) { return scanOrderPlus(s) }

// scanOrderPlus scans an order's columns followed by extra columns.
func scanOrderPlus(s scanner, extra ...any) (*fenliu.Order, error) {
	var (
		o                                         fenliu.Order
		from                                      sql.NullInt64
		dispatched, updated                       int64
		signed, arrived, feedback, closed, called sql.NullInt64
		solved                                    sql.NullBool
		sat                                       string
		signDue, arriveDue, feedbackDue, closeDue sql.NullInt64
		limitsFrom                                int64
		escalatedTo, callbackDue                  sql.NullInt64
	)
	dest := []any{&o.ID, &o.IncidentID, &o.UnitID, &o.Role, &o.State, &o.Version, &from, &dispatched, &signed,
		&arrived, &feedback, &closed, &called, &updated, &o.Feedback, &solved, &sat, &o.Returns, &o.Reopens,
		&signDue, &arriveDue, &feedbackDue, &closeDue, &o.Complaint, &o.Escalated, &limitsFrom, &escalatedTo, &callbackDue, &o.CallbackAttempts, &o.Partner}
	err := s.Scan(append(dest, extra...)...)
	if err != nil {
		return nil, err
	}
	o.FromOrder = from.Int64
	o.DispatchedAt, o.UpdatedAt = fromMS(dispatched), fromMS(updated)
	o.SignedAt, o.ArrivedAt, o.FeedbackAt = fromNullMS(signed), fromNullMS(arrived), fromNullMS(feedback)
	o.ClosedAt, o.CallbackAt = fromNullMS(closed), fromNullMS(called)
	if solved.Valid {
		b := solved.Bool
		o.Solved = &b
	}
	o.Satisfaction = fenliu.Satisfaction(sat)
	o.SignDue, o.ArriveDue, o.FeedbackDue, o.CloseDue = fromNullMS(signDue), fromNullMS(arriveDue), fromNullMS(feedbackDue), fromNullMS(closeDue)
	o.LimitsFrom = fromMS(limitsFrom)
	o.EscalatedTo, o.CallbackDue = escalatedTo.Int64, fromNullMS(callbackDue)
	return &o, nil
}

func nullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

// InsertOrder stores a new work order and sets its ID and version. The
// times the supervision board compares are the domain's (fenliu.Watch).
func (q *Q) InsertOrder(ctx context.Context, o *fenliu.Order) error {
	o.Version = 1
	if o.LimitsFrom.IsZero() {
		o.LimitsFrom = o.DispatchedAt
	}
	warn, due := fenliu.Watch(o)
	return mapErr(q.row(ctx, `INSERT INTO orders (incident_id, unit_id, role, state, version, from_order, dispatched_at,
		signed_at, arrived_at, feedback_at, closed_at, callback_at, updated_at, feedback, solved, satisfaction, returns, reopens,
		sign_due, arrive_due, feedback_due, close_due, complaint, escalated, limits_from, watch_warn, watch_due,
		escalated_to, callback_due, callback_attempts, partner)
		VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		o.IncidentID, o.UnitID, string(o.Role), string(o.State), nullID(o.FromOrder), ms(o.DispatchedAt),
		msPtr(o.SignedAt), msPtr(o.ArrivedAt), msPtr(o.FeedbackAt), msPtr(o.ClosedAt), msPtr(o.CallbackAt),
		ms(o.UpdatedAt), o.Feedback, nullBool(o.Solved), string(o.Satisfaction), o.Returns, o.Reopens,
		msPtr(o.SignDue), msPtr(o.ArriveDue), msPtr(o.FeedbackDue), msPtr(o.CloseDue), o.Complaint, o.Escalated,
		ms(o.LimitsFrom), msPtr(warn), msPtr(due), nullID(o.EscalatedTo), msPtr(o.CallbackDue), o.CallbackAttempts, o.Partner).Scan(&o.ID))
}

// Order returns the work order with the id.
func (q *Q) Order(ctx context.Context, id int64) (*fenliu.Order, error) {
	o, err := scanOrder(q.row(ctx, `SELECT `+orderCols+` FROM orders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("工单", "order", id)
	}
	return o, mapErr(err)
}

// UpdateOrder writes every mutable field of o if its version is still
// prevVersion, and bumps the version; otherwise it is a conflict.
func (q *Q) UpdateOrder(ctx context.Context, o *fenliu.Order, prevVersion int64) error {
	warn, due := fenliu.Watch(o)
	res, err := q.exec(ctx, `UPDATE orders SET state = ?, version = version + 1, signed_at = ?, arrived_at = ?,
		feedback_at = ?, closed_at = ?, callback_at = ?, updated_at = ?, feedback = ?, solved = ?, satisfaction = ?,
		returns = ?, reopens = ?, sign_due = ?, arrive_due = ?, feedback_due = ?, close_due = ?, complaint = ?, escalated = ?,
		limits_from = ?, watch_warn = ?, watch_due = ?, escalated_to = ?, callback_due = ?, callback_attempts = ?
		WHERE id = ? AND version = ?`,
		string(o.State), msPtr(o.SignedAt), msPtr(o.ArrivedAt), msPtr(o.FeedbackAt), msPtr(o.ClosedAt),
		msPtr(o.CallbackAt), ms(o.UpdatedAt), o.Feedback, nullBool(o.Solved), string(o.Satisfaction),
		o.Returns, o.Reopens, msPtr(o.SignDue), msPtr(o.ArriveDue), msPtr(o.FeedbackDue), msPtr(o.CloseDue), o.Complaint, o.Escalated,
		ms(o.LimitsFrom), msPtr(warn), msPtr(due), nullID(o.EscalatedTo), msPtr(o.CallbackDue), o.CallbackAttempts, o.ID, prevVersion)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return conflict("工单", "order")
	}
	o.Version = prevVersion + 1
	return nil
}

// OrdersOfIncident returns an incident's orders in dispatch order.
func (q *Q) OrdersOfIncident(ctx context.Context, incidentID int64) ([]*fenliu.Order, error) {
	return q.orders(ctx, `SELECT `+orderCols+` FROM orders WHERE incident_id = ? ORDER BY id`, incidentID)
}

// Orders lists work orders, newest first.
func (q *Q) Orders(ctx context.Context, f fenliu.OrderFilter) ([]*fenliu.Order, error) {
	var where []string
	var args []any
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	if f.UnitID != 0 {
		if f.WithEscalated {
			add("(unit_id = ? OR escalated_to = ?)", f.UnitID, f.UnitID)
		} else {
			add("unit_id = ?", f.UnitID)
		}
	}
	if f.IncidentID != 0 {
		add("incident_id = ?", f.IncidentID)
	}
	if len(f.States) > 0 {
		add("state IN ("+marks(len(f.States))+")", stateArgs(f.States)...)
	}
	if !f.From.IsZero() {
		add("dispatched_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("dispatched_at < ?", ms(f.To))
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	query := `SELECT ` + orderCols + ` FROM orders`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, fenliu.PageLimit(f.Limit))
	return q.orders(ctx, query, args...)
}

func (q *Q) orders(ctx context.Context, query string, args ...any) ([]*fenliu.Order, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}

func stateArgs(states []fenliu.OrderState) []any {
	out := make([]any, len(states))
	for i, s := range states {
		out[i] = string(s)
	}
	return out
}

// OrdersWatched lists open orders by the supervision times the domain
// keeps with them (fenliu.Watch): overdue ones (past their next limit),
// most overdue first; or near ones (past a warning point, not overdue),
// soonest limit first. Only unitID's if it is not 0.
func (q *Q) OrdersWatched(ctx context.Context, now time.Time, overdue bool, unitID int64, n int) ([]*fenliu.Order, error) {
	cond, args := `watch_due < ?`, []any{ms(now)}
	if !overdue {
		cond, args = `watch_warn <= ? AND watch_due >= ?`, []any{ms(now), ms(now)}
	}
	if unitID != 0 {
		cond += ` AND unit_id = ?`
		args = append(args, unitID)
	}
	return q.orders(ctx, `SELECT `+orderCols+` FROM orders WHERE `+cond+` ORDER BY watch_due, id LIMIT ?`, append(args, fenliu.PageLimit(n))...)
}

// CallbacksDue lists the closed orders a callback is due on, the soonest
// due first.
func (q *Q) CallbacksDue(ctx context.Context, n int) ([]*fenliu.Order, error) {
	return q.orders(ctx, `SELECT `+orderCols+` FROM orders WHERE state = ? AND callback_due IS NOT NULL
		ORDER BY callback_due, id LIMIT ?`, string(fenliu.StateClosed), fenliu.PageLimit(n))
}
