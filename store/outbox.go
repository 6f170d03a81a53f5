package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/fenliu/fenliu"
)

// The outbox (issue 13). InsertEvent and CreateNotice queue an entry on the
// transaction; Tx writes the queued entries last, just before it commits.
// On PostgreSQL a transaction-scoped advisory lock is taken first, so
// entries get their ids in commit order and a reader that follows the ids
// (a subscriber's stream, the change feed) never passes over an entry that
// commits later with a smaller id. After the lock the transaction writes
// only the outbox, which has no foreign keys: it waits for nothing while it
// holds the lock.

const outboxLock = 4242013

type pendingEntry struct {
	at                                   time.Time
	kind                                 string
	incidentID, orderID, unitID, eventID int64
	noticeID                             int64
	data                                 []byte
	orderUnit                            bool // the unit is the order's
}

func (q *Q) enqueue(ctx context.Context, p pendingEntry) error {
	if q.outbox != nil {
		*q.outbox = append(*q.outbox, p)
		return nil
	}
	return q.writeEntry(ctx, p)
}

func (q *Q) flushOutbox(ctx context.Context) error {
	if q.outbox == nil || len(*q.outbox) == 0 {
		return nil
	}
	if q.pg {
		if _, err := q.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, outboxLock); err != nil {
			return err
		}
	}
	for _, p := range *q.outbox {
		if err := q.writeEntry(ctx, p); err != nil {
			return err
		}
	}
	*q.outbox = nil
	return nil
}

func (q *Q) writeEntry(ctx context.Context, p pendingEntry) error {
	if p.orderUnit && p.orderID != 0 {
		if err := q.row(ctx, `SELECT unit_id FROM orders WHERE id = ?`, p.orderID).Scan(&p.unitID); err != nil && err != sql.ErrNoRows {
			return mapErr(err)
		}
	}
	_, err := q.exec(ctx, `INSERT INTO outbox (at, kind, incident_id, order_id, unit_id, event_id, notice_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ms(p.at), p.kind, nullID(p.incidentID), nullID(p.orderID), nullID(p.unitID), nullID(p.eventID), nullID(p.noticeID), string(p.data))
	return err
}

const outboxCols = `id, at, kind, incident_id, order_id, unit_id, event_id, notice_id, payload`

func scanEntry(s scanner) (*fenliu.OutboxEntry, error) {
	var (
		e                            fenliu.OutboxEntry
		at                           int64
		inc, ord, unit, event, notic sql.NullInt64
		payload                      string
	)
	if err := s.Scan(&e.ID, &at, &e.Kind, &inc, &ord, &unit, &event, &notic, &payload); err != nil {
		return nil, err
	}
	e.At, e.IncidentID, e.OrderID, e.UnitID, e.EventID, e.NoticeID = fromMS(at), inc.Int64, ord.Int64, unit.Int64, event.Int64, notic.Int64
	e.Data = json.RawMessage(payload)
	return &e, nil
}

// OutboxAfter returns up to n outbox entries with ids above after, in order.
func (q *Q) OutboxAfter(ctx context.Context, after int64, n int) ([]*fenliu.OutboxEntry, error) {
	return q.entries(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id > ? ORDER BY id LIMIT ?`, after, n)
}

// OutboxAfterForUnit is OutboxAfter limited to one unit's entries.
func (q *Q) OutboxAfterForUnit(ctx context.Context, after, unitID int64, n int) ([]*fenliu.OutboxEntry, error) {
	return q.entries(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id > ? AND unit_id = ? ORDER BY id LIMIT ?`, after, unitID, n)
}

// OutboxEntry returns one entry.
func (q *Q) OutboxEntry(ctx context.Context, id int64) (*fenliu.OutboxEntry, error) {
	e, err := scanEntry(q.row(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, fenliu.NotFound("外发消息", "outbox entry", id)
	}
	return e, mapErr(err)
}

// OutboxHead returns the id of the newest outbox entry (0: none).
func (q *Q) OutboxHead(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := q.row(ctx, `SELECT MAX(id) FROM outbox`).Scan(&id)
	return id.Int64, mapErr(err)
}

func (q *Q) entries(ctx context.Context, query string, args ...any) ([]*fenliu.OutboxEntry, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.OutboxEntry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// Subscribers.

const subscriberCols = `s.id, s.name, s.url, s.secret, s.kinds, s.unit_ids, s.retry_for, s.active, s.created_by, s.created_at, s.updated_at,
	s.done_id, s.attempts, s.first_failed_at, s.next_at, s.last_error, s.delivered, s.failed, s.dead, s.last_delivered_at`

func scanSubscriber(sc scanner, extra ...any) (*fenliu.Subscriber, error) {
	var (
		s                            fenliu.Subscriber
		kinds, units                 string
		retry, active, created, upd  int64
		firstFailed, next, lastDeliv sql.NullInt64
	)
	dest := []any{&s.ID, &s.Name, &s.URL, &s.Secret, &kinds, &units, &retry, &active, &s.CreatedBy, &created, &upd,
		&s.DoneID, &s.Attempts, &firstFailed, &next, &s.LastError, &s.Delivered, &s.Failed, &s.Dead, &lastDeliv}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(kinds), &s.Kinds); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(units), &s.UnitIDs); err != nil {
		return nil, err
	}
	s.RetryFor, s.Active = time.Duration(retry)*time.Millisecond, active == 1
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(upd)
	s.FirstFailedAt, s.NextAt, s.LastDeliveredAt = fromNullMS(firstFailed), fromNullMS(next), fromNullMS(lastDeliv)
	return &s, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateSubscriber stores a subscriber and sets its ID. Its stream starts
// after the newest outbox entry: it receives what happens from now on.
func (q *Q) CreateSubscriber(ctx context.Context, s *fenliu.Subscriber) error {
	head, err := q.OutboxHead(ctx)
	if err != nil {
		return err
	}
	kinds, _ := json.Marshal(s.Kinds)
	units, _ := json.Marshal(s.UnitIDs)
	s.DoneID = head
	return mapErr(q.row(ctx, `INSERT INTO subscribers (name, url, secret, kinds, unit_ids, retry_for, active, created_by, created_at, updated_at, done_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.Name, s.URL, s.Secret, string(kinds), string(units),
		s.RetryFor.Milliseconds(), boolInt(s.Active), s.CreatedBy, ms(s.CreatedAt), ms(s.UpdatedAt), head).Scan(&s.ID))
}

// UpdateSubscriber changes what an administrator sets (not the stream).
func (q *Q) UpdateSubscriber(ctx context.Context, s *fenliu.Subscriber) error {
	kinds, _ := json.Marshal(s.Kinds)
	units, _ := json.Marshal(s.UnitIDs)
	res, err := q.exec(ctx, `UPDATE subscribers SET name = ?, url = ?, secret = ?, kinds = ?, unit_ids = ?, retry_for = ?, active = ?, updated_at = ?, next_at = NULL WHERE id = ?`,
		s.Name, s.URL, s.Secret, string(kinds), string(units), s.RetryFor.Milliseconds(), boolInt(s.Active), ms(s.UpdatedAt), s.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("订阅方", "subscriber", s.ID)
	}
	return nil
}

// DeleteSubscriber removes a subscriber with its delivery log and dead letters.
func (q *Q) DeleteSubscriber(ctx context.Context, id int64) error {
	if _, err := q.exec(ctx, `DELETE FROM deliveries WHERE subscriber_id = ?`, id); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM dead_letters WHERE subscriber_id = ?`, id); err != nil {
		return err
	}
	res, err := q.exec(ctx, `DELETE FROM subscribers WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("订阅方", "subscriber", id)
	}
	return nil
}

// Subscriber returns a subscriber with its stream's depth.
func (q *Q) Subscriber(ctx context.Context, id int64) (*fenliu.Subscriber, error) {
	list, err := q.subscribers(ctx, `WHERE s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fenliu.NotFound("订阅方", "subscriber", id)
	}
	return list[0], nil
}

// Subscribers lists the subscribers by id, with their streams' depth.
func (q *Q) Subscribers(ctx context.Context) ([]*fenliu.Subscriber, error) {
	return q.subscribers(ctx, ``)
}

func (q *Q) subscribers(ctx context.Context, where string, args ...any) ([]*fenliu.Subscriber, error) {
	rows, err := q.query(ctx, `SELECT `+subscriberCols+`,
		(SELECT COUNT(*) FROM outbox o WHERE o.id > s.done_id), (SELECT MIN(o.at) FROM outbox o WHERE o.id > s.done_id)
		FROM subscribers s `+where+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Subscriber{}
	for rows.Next() {
		var (
			pending int64
			oldest  sql.NullInt64
		)
		s, err := scanSubscriber(rows, &pending, &oldest)
		if err != nil {
			return nil, mapErr(err)
		}
		s.Pending, s.OldestPendingAt = pending, fromNullMS(oldest)
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// ClaimSubscriber takes or renews the lease on a subscriber's stream for
// owner until until: one worker, across every server on the database, sends
// a subscriber's entries. It reports false while another owner holds an
// unexpired lease or the subscriber is inactive or gone.
func (q *Q) ClaimSubscriber(ctx context.Context, id int64, owner string, now, until time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE subscribers SET lease_owner = ?, lease_until = ? WHERE id = ? AND active = 1 AND (lease_owner = ? OR lease_until < ?)`,
		owner, ms(until), id, owner, ms(now))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReleaseSubscriber gives up owner's lease.
func (q *Q) ReleaseSubscriber(ctx context.Context, id int64, owner string) error {
	_, err := q.exec(ctx, `UPDATE subscribers SET lease_until = 0 WHERE id = ? AND lease_owner = ?`, id, owner)
	return err
}

// InsertDelivery logs an attempt and sets its ID.
func (q *Q) InsertDelivery(ctx context.Context, d *fenliu.Delivery) error {
	return mapErr(q.row(ctx, `INSERT INTO deliveries (subscriber_id, outbox_id, attempt, at, status, ok, error, took_ms, replay)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.SubscriberID, d.OutboxID, d.Attempt, ms(d.At), d.Status, boolInt(d.OK), d.Error,
		d.TookMS, boolInt(d.Replay)).Scan(&d.ID))
}

// AdvanceSubscriber moves a stream from done id from to to: the entry to
// was delivered (delivered true) or passed over (not wanted, or a dead
// letter). It reports false if the stream was no longer at from (another
// worker moved it).
func (q *Q) AdvanceSubscriber(ctx context.Context, id, from, to int64, delivered, dead bool, now time.Time) (bool, error) {
	query, args := `UPDATE subscribers SET done_id = ?, attempts = 0, first_failed_at = NULL, next_at = NULL`, []any{to}
	switch {
	case delivered:
		query += `, last_error = '', delivered = delivered + 1, last_delivered_at = ?`
		args = append(args, ms(now))
	case dead:
		query += `, dead = dead + 1, failed = failed + 1`
	}
	res, err := q.exec(ctx, query+` WHERE id = ? AND done_id = ?`, append(args, id, from)...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// FailSubscriber records a failed attempt at the entry after done id from:
// the next attempt is at next.
func (q *Q) FailSubscriber(ctx context.Context, id, from int64, errText string, now, next time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE subscribers SET attempts = attempts + 1, first_failed_at = COALESCE(first_failed_at, ?), next_at = ?,
		last_error = ?, failed = failed + 1 WHERE id = ? AND done_id = ?`, ms(now), ms(next), errText, id, from)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InsertDeadLetter stores a dead letter and sets its ID.
func (q *Q) InsertDeadLetter(ctx context.Context, d *fenliu.DeadLetter) error {
	return mapErr(q.row(ctx, `INSERT INTO dead_letters (subscriber_id, outbox_id, attempts, first_failed_at, dead_at, last_error)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, d.SubscriberID, d.OutboxID, d.Attempts, ms(d.FirstFailedAt), ms(d.DeadAt), d.LastError).Scan(&d.ID))
}

// Deliveries lists a subscriber's attempts, newest first; failed only the
// failed ones.
func (q *Q) Deliveries(ctx context.Context, subscriberID int64, failed bool, n int) ([]*fenliu.Delivery, error) {
	where := ``
	if failed {
		where = ` AND ok = 0`
	}
	rows, err := q.query(ctx, `SELECT id, subscriber_id, outbox_id, attempt, at, status, ok, error, took_ms, replay FROM deliveries
		WHERE subscriber_id = ?`+where+` ORDER BY id DESC LIMIT ?`, subscriberID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Delivery{}
	for rows.Next() {
		var (
			d          fenliu.Delivery
			at         int64
			ok, replay int
		)
		if err := rows.Scan(&d.ID, &d.SubscriberID, &d.OutboxID, &d.Attempt, &at, &d.Status, &ok, &d.Error, &d.TookMS, &replay); err != nil {
			return nil, mapErr(err)
		}
		d.At, d.OK, d.Replay = fromMS(at), ok == 1, replay == 1
		out = append(out, &d)
	}
	return out, mapErr(rows.Err())
}

const deadCols = `d.id, d.subscriber_id, d.outbox_id, o.kind, d.attempts, d.first_failed_at, d.dead_at, d.last_error, d.replay_at, d.replay_by, d.delivered_at`

func scanDead(s scanner) (*fenliu.DeadLetter, error) {
	var (
		d                     fenliu.DeadLetter
		kind                  sql.NullString
		first, dead           int64
		replay, by, delivered sql.NullInt64
	)
	if err := s.Scan(&d.ID, &d.SubscriberID, &d.OutboxID, &kind, &d.Attempts, &first, &dead, &d.LastError, &replay, &by, &delivered); err != nil {
		return nil, err
	}
	d.Kind, d.FirstFailedAt, d.DeadAt = kind.String, fromMS(first), fromMS(dead)
	d.ReplayAt, d.ReplayBy, d.DeliveredAt = fromNullMS(replay), by.Int64, fromNullMS(delivered)
	return &d, nil
}

// DeadLetters lists a subscriber's dead letters, newest first; with
// replayDue only those an administrator asked to send again that have not
// reached the receiver yet, oldest first.
func (q *Q) DeadLetters(ctx context.Context, subscriberID int64, replayDue bool, n int) ([]*fenliu.DeadLetter, error) {
	query := `SELECT ` + deadCols + ` FROM dead_letters d LEFT JOIN outbox o ON o.id = d.outbox_id WHERE d.subscriber_id = ?`
	if replayDue {
		query += ` AND d.replay_at IS NOT NULL AND d.delivered_at IS NULL ORDER BY d.id LIMIT ?`
	} else {
		query += ` ORDER BY d.id DESC LIMIT ?`
	}
	rows, err := q.query(ctx, query, subscriberID, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.DeadLetter{}
	for rows.Next() {
		d, err := scanDead(rows)
		if err != nil {
			return nil, mapErr(err)
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// DeadLetter returns one dead letter.
func (q *Q) DeadLetter(ctx context.Context, id int64) (*fenliu.DeadLetter, error) {
	d, err := scanDead(q.row(ctx, `SELECT `+deadCols+` FROM dead_letters d LEFT JOIN outbox o ON o.id = d.outbox_id WHERE d.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, fenliu.NotFound("死信", "dead letter", id)
	}
	return d, mapErr(err)
}

// RequestReplay asks for a dead letter to be sent again. It reports false
// if it has been delivered already.
func (q *Q) RequestReplay(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE dead_letters SET replay_at = ?, replay_by = ? WHERE id = ? AND delivered_at IS NULL`, ms(now), by, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ReplayDone records the outcome of a replay: delivered, or failed (the
// request is cleared; an administrator may ask again).
func (q *Q) ReplayDone(ctx context.Context, id int64, delivered bool, errText string, now time.Time) error {
	if delivered {
		_, err := q.exec(ctx, `UPDATE dead_letters SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?`, ms(now), id)
		return err
	}
	_, err := q.exec(ctx, `UPDATE dead_letters SET replay_at = NULL, attempts = attempts + 1, last_error = ? WHERE id = ?`, errText, id)
	return err
}
