package store

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
)

// IncidentsByRef lists a channel's incidents whose reference starts with
// prefix, received in [from, to), newest first.
func (q *Q) IncidentsByRef(ctx context.Context, ch fenliu.Channel, prefix string, from, to time.Time, n int) ([]*fenliu.Incident, error) {
	return q.incidents(ctx, `SELECT `+incidentCols+` FROM incidents WHERE channel = ? AND channel_ref LIKE ? AND received_at >= ? AND received_at < ?
		ORDER BY id DESC LIMIT ?`, ch, prefix+"%", ms(from), ms(to), n)
}

// EventsByRef lists the events, at times in [from, to), of a channel's
// incidents whose reference starts with prefix, oldest first.
func (q *Q) EventsByRef(ctx context.Context, ch fenliu.Channel, prefix string, from, to time.Time, n int) ([]*fenliu.Event, error) {
	return q.events(ctx, `SELECT e.id, e.incident_id, e.order_id, e.at, e.actor_id, e.kind, e.from_state, e.to_state, e.note, e.data, e.attachments
		FROM events e JOIN incidents i ON i.id = e.incident_id
		WHERE i.channel = ? AND i.channel_ref LIKE ? AND e.at >= ? AND e.at < ? ORDER BY e.id LIMIT ?`, ch, prefix+"%", ms(from), ms(to), n)
}
