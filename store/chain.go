package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// The record's hash chain. Each event's hash is SHA-256 over the hash of
// its incident's previous event and the event's stored content; an event
// edited, inserted, deleted or moved in the record no longer matches the
// chain, however the database's own guards were got round.

// ChainRow is an event as stored, with its place in the chain.
type ChainRow struct {
	ID          int64
	IncidentID  int64
	OrderID     int64
	At          int64 // Unix ms
	ActorID     int64
	Kind        string
	FromState   string
	ToState     string
	Note        string
	Data        string // the stored JSON text
	Attachments string // the stored JSON text
	PrevHash    string
	Hash        string
}

// Compute is the hash the row should carry: over its previous hash and its
// content (as a JSON array, so that no two contents share an encoding).
func (r *ChainRow) Compute() string {
	b, _ := json.Marshal([]any{r.PrevHash, r.IncidentID, r.OrderID, r.At, r.ActorID, r.Kind, r.FromState, r.ToState, r.Note, r.Data, r.Attachments})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// lastHash is the hash of the incident's newest event ("" for none).
func (q *Q) lastHash(ctx context.Context, incidentID int64) (string, error) {
	var h string
	err := q.row(ctx, `SELECT hash FROM events WHERE incident_id = ? ORDER BY id DESC LIMIT 1`, incidentID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, mapErr(err)
}

const chainCols = `id, incident_id, order_id, at, actor_id, kind, from_state, to_state, note, data, attachments, prev_hash, hash`

func scanChain(rows *sql.Rows) (*ChainRow, error) {
	var (
		r     ChainRow
		order sql.NullInt64
	)
	if err := rows.Scan(&r.ID, &r.IncidentID, &order, &r.At, &r.ActorID, &r.Kind, &r.FromState, &r.ToState, &r.Note, &r.Data,
		&r.Attachments, &r.PrevHash, &r.Hash); err != nil {
		return nil, err
	}
	r.OrderID = order.Int64
	return &r, nil
}

// EachChainRow calls fn with every event of the record, incident by
// incident, each incident's in id order.
func (q *Q) EachChainRow(ctx context.Context, fn func(*ChainRow) error) error {
	rows, err := q.query(ctx, `SELECT `+chainCols+` FROM events ORDER BY incident_id, id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanChain(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// DayHashes returns the hashes of the events whose time falls in
// [from, to), in id order.
func (q *Q) DayHashes(ctx context.Context, from, to time.Time) ([]string, error) {
	rows, err := q.query(ctx, `SELECT hash FROM events WHERE at >= ? AND at < ? ORDER BY id`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, mapErr(rows.Err())
}

// ChainHead is one day's head: a hash over the hashes of the day's events.
type ChainHead struct {
	Day    string    `json:"day"` // YYYY-MM-DD in the city's time zone
	Head   string    `json:"head"`
	Events int       `json:"events"`
	MadeAt time.Time `json:"made_at"`
}

// DayHead computes a day's head from its events' hashes.
func DayHead(day string, hashes []string) string {
	h := sha256.New()
	h.Write([]byte(day))
	for _, x := range hashes {
		h.Write([]byte{'\n'})
		h.Write([]byte(x))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// SaveChainHead stores a day's head once; it reports whether it was new.
func (q *Q) SaveChainHead(ctx context.Context, c *ChainHead) (bool, error) {
	res, err := q.exec(ctx, `INSERT INTO chain_heads (day, head, events, made_at) VALUES (?, ?, ?, ?) ON CONFLICT (day) DO NOTHING`,
		c.Day, c.Head, c.Events, ms(c.MadeAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ChainHeads returns the stored day heads, oldest first.
func (q *Q) ChainHeads(ctx context.Context) ([]*ChainHead, error) {
	rows, err := q.query(ctx, `SELECT day, head, events, made_at FROM chain_heads ORDER BY day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ChainHead
	for rows.Next() {
		var (
			c    ChainHead
			made int64
		)
		if err := rows.Scan(&c.Day, &c.Head, &c.Events, &made); err != nil {
			return nil, err
		}
		c.MadeAt = fromMS(made)
		out = append(out, &c)
	}
	return out, mapErr(rows.Err())
}

// ChainHeadOf returns a day's stored head (nil if none).
func (q *Q) ChainHeadOf(ctx context.Context, day string) (*ChainHead, error) {
	var (
		c    ChainHead
		made int64
	)
	err := q.row(ctx, `SELECT day, head, events, made_at FROM chain_heads WHERE day = ?`, day).Scan(&c.Day, &c.Head, &c.Events, &made)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	c.MadeAt = fromMS(made)
	return &c, nil
}

// LegacyMax is the last event id written before the chain existed.
func (q *Q) LegacyMax(ctx context.Context) (int64, error) {
	var n int64
	err := q.row(ctx, `SELECT legacy_max FROM chain_meta WHERE id = 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, mapErr(err)
}

// sealLegacy chains the events written before migration 0008, in id order
// per incident (the one update the record allows).
func sealLegacy(ctx context.Context, q *Q) error {
	var rows []*ChainRow
	err := q.EachChainRow(ctx, func(r *ChainRow) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return err
	}
	prev := map[int64]string{}
	for _, r := range rows {
		if r.Hash != "" {
			prev[r.IncidentID] = r.Hash
			continue
		}
		r.PrevHash = prev[r.IncidentID]
		r.Hash = r.Compute()
		if _, err := q.exec(ctx, `UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?`, r.PrevHash, r.Hash, r.ID); err != nil {
			return err
		}
		prev[r.IncidentID] = r.Hash
	}
	return nil
}

// RecordState is an incident's or order's current state as its table holds
// it, to reconcile with what the record says.
type RecordState struct {
	ID          int64
	IncidentID  int64 // orders
	Disposition string
	Category    string
	State       string // orders
	UnitID      int64  // orders
}

// IncidentStates returns every incident's decision.
func (q *Q) IncidentStates(ctx context.Context) ([]RecordState, error) {
	rows, err := q.query(ctx, `SELECT id, disposition, category FROM incidents ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecordState
	for rows.Next() {
		var s RecordState
		if err := rows.Scan(&s.ID, &s.Disposition, &s.Category); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}

// OrderStates returns every order's incident, state and unit.
func (q *Q) OrderStates(ctx context.Context) ([]RecordState, error) {
	rows, err := q.query(ctx, `SELECT id, incident_id, state, unit_id FROM orders ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecordState
	for rows.Next() {
		var s RecordState
		if err := rows.Scan(&s.ID, &s.IncidentID, &s.State, &s.UnitID); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, mapErr(rows.Err())
}
