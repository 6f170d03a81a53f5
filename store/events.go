package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/fenliu/fenliu"
)

// InsertEvent appends an event to the record and sets its ID. Events are
// never updated or deleted (the schema refuses it).
func (q *Q) InsertEvent(ctx context.Context, e *fenliu.Event) error {
	data := []byte("{}")
	if len(e.Data) > 0 {
		var err error
		if data, err = json.Marshal(e.Data); err != nil {
			return err
		}
	}
	att, err := json.Marshal(nonNilAtt(e.Attachments))
	if err != nil {
		return err
	}
	// The chain: this event's hash covers its content and the hash of its
	// incident's previous event. On PostgreSQL the incident's row is locked
	// first, so two writers to one incident chain one after the other.
	if q.pg {
		if _, err := q.exec(ctx, `SELECT id FROM incidents WHERE id = ? FOR UPDATE`, e.IncidentID); err != nil {
			return err
		}
	}
	prev, err := q.lastHash(ctx, e.IncidentID)
	if err != nil {
		return err
	}
	row := ChainRow{IncidentID: e.IncidentID, OrderID: e.OrderID, At: ms(e.At), ActorID: e.ActorID, Kind: string(e.Kind),
		FromState: string(e.FromState), ToState: string(e.ToState), Note: e.Note, Data: string(data), Attachments: string(att), PrevHash: prev}
	row.Hash = row.Compute()
	if err := mapErr(q.row(ctx, `INSERT INTO events (incident_id, order_id, at, actor_id, kind, from_state, to_state, note, data, attachments, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.IncidentID, nullID(e.OrderID), ms(e.At), e.ActorID, string(e.Kind), string(e.FromState), string(e.ToState),
		e.Note, string(data), string(att), row.PrevHash, row.Hash).Scan(&e.ID)); err != nil {
		return err
	}
	// Every event goes out: the outbox entry is written in this transaction.
	body, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return q.enqueue(ctx, pendingEntry{at: e.At, kind: string(e.Kind), incidentID: e.IncidentID, orderID: e.OrderID, eventID: e.ID, data: body, orderUnit: true})
}

// Events returns an incident's whole record, oldest first.
func (q *Q) Events(ctx context.Context, incidentID int64) ([]*fenliu.Event, error) {
	return q.events(ctx, `SELECT id, incident_id, order_id, at, actor_id, kind, from_state, to_state, note, data, attachments
		FROM events WHERE incident_id = ? ORDER BY id`, incidentID)
}

// EventsAfter returns up to n events of the whole record with ids above
// after, in order.
func (q *Q) EventsAfter(ctx context.Context, after int64, n int) ([]*fenliu.Event, error) {
	return q.events(ctx, `SELECT id, incident_id, order_id, at, actor_id, kind, from_state, to_state, note, data, attachments
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, after, n)
}

func (q *Q) events(ctx context.Context, query string, args ...any) ([]*fenliu.Event, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Event{}
	for rows.Next() {
		var (
			e          fenliu.Event
			order      sql.NullInt64
			at         int64
			data, atts string
		)
		if err := rows.Scan(&e.ID, &e.IncidentID, &order, &at, &e.ActorID, &e.Kind, &e.FromState, &e.ToState,
			&e.Note, &data, &atts); err != nil {
			return nil, err
		}
		e.OrderID, e.At = order.Int64, fromMS(at)
		if data != "{}" {
			if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
				return nil, err
			}
		}
		if err := json.Unmarshal([]byte(atts), &e.Attachments); err != nil {
			return nil, err
		}
		out = append(out, &e)
	}
	return out, mapErr(rows.Err())
}
