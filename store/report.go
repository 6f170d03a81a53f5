package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fenliu/fenliu"
)

// ReportOrder is an order with what the rates group and judge it by.
type ReportOrder struct {
	Order        *fenliu.Order
	UnitType     fenliu.UnitType
	Category     string
	AreaID       int64
	RepeatCalled bool
	ReceivedAt   time.Time // the incident's
}

// ReportOrders streams the orders dispatched in [from, to) to fn, only
// those of unitID if it is not 0.
func (q *Q) ReportOrders(ctx context.Context, from, to time.Time, unitID int64, fn func(*ReportOrder) error) error {
	query := `SELECT ` + prefixed("o.", orderCols) + `, u.type, i.category, i.area_id,
		EXISTS (SELECT 1 FROM incidents r WHERE r.repeat_of = i.id), i.received_at
		FROM orders o JOIN units u ON u.id = o.unit_id JOIN incidents i ON i.id = o.incident_id
		WHERE o.dispatched_at >= ? AND o.dispatched_at < ?`
	args := []any{ms(from), ms(to)}
	if unitID != 0 {
		query += ` AND o.unit_id = ?`
		args = append(args, unitID)
	}
	rows, err := q.query(ctx, query+` ORDER BY o.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r    ReportOrder
			area sql.NullInt64
			recv int64
		)
		o, err := scanOrderPlus(rows, &r.UnitType, &r.Category, &area, &r.RepeatCalled, &recv)
		if err != nil {
			return err
		}
		r.Order, r.AreaID, r.ReceivedAt = o, area.Int64, fromMS(recv)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// ReportIncident is an incident as the incident rates see it.
type ReportIncident struct {
	ID            int64
	ReceivedAt    time.Time
	Disposition   fenliu.Disposition
	Category      string
	AreaID        int64
	Repeat        bool
	FirstDispatch *time.Time
}

// ReportIncidents streams the incidents received in [from, to) to fn.
func (q *Q) ReportIncidents(ctx context.Context, from, to time.Time, fn func(*ReportIncident) error) error {
	rows, err := q.query(ctx, `SELECT id, received_at, disposition, category, area_id, repeat_of IS NOT NULL,
		(SELECT MIN(o.dispatched_at) FROM orders o WHERE o.incident_id = incidents.id)
		FROM incidents WHERE received_at >= ? AND received_at < ? ORDER BY id`, ms(from), ms(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r     ReportIncident
			at    int64
			area  sql.NullInt64
			first sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &at, &r.Disposition, &r.Category, &area, &r.Repeat, &first); err != nil {
			return err
		}
		r.ReceivedAt, r.AreaID, r.FirstDispatch = fromMS(at), area.Int64, fromNullMS(first)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

func prefixed(p, cols string) string {
	out := ""
	for i, c := range splitCols(cols) {
		if i > 0 {
			out += ", "
		}
		out += p + c
	}
	return out
}

func splitCols(cols string) []string {
	var out []string
	cur := ""
	for _, r := range cols {
		switch r {
		case ',':
			out = append(out, cur)
			cur = ""
		case ' ', '\n', '\t':
		default:
			cur += string(r)
		}
	}
	return append(out, cur)
}

// ReportFacts returns the orders dispatched in [from, to) (only unitID's if
// it is not 0) with just what the rates read — state, times, limits,
// callback, returns and reopens, the incident's category and area, and
// whether the incident was called in again. UnitType is left for the
// caller, which knows the units. It is the fast path of the reports; a
// drill-down that shows orders uses ReportOrders.
func (q *Q) ReportFacts(ctx context.Context, from, to time.Time, unitID int64) ([]*ReportOrder, error) {
	query := `SELECT o.id, o.incident_id, o.unit_id, o.state, o.dispatched_at, o.signed_at, o.feedback_at, o.closed_at,
		o.solved, o.satisfaction, o.returns, o.reopens, o.sign_due, o.feedback_due, o.close_due, o.complaint,
		i.category, i.area_id, o.arrived_at, o.arrive_due, o.partner, i.received_at
		FROM orders o JOIN incidents i ON i.id = o.incident_id
		WHERE o.dispatched_at >= ? AND o.dispatched_at < ?`
	args := []any{ms(from), ms(to)}
	if unitID != 0 {
		query += ` AND o.unit_id = ?`
		args = append(args, unitID)
	}
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*ReportOrder
	byIncident := map[int64][]*ReportOrder{}
	for rows.Next() {
		var (
			o                              fenliu.Order
			r                              ReportOrder
			dispatched                     int64
			signed, feedback, closed       sql.NullInt64
			solved                         sql.NullBool
			sat                            string
			signDue, feedbackDue, closeDue sql.NullInt64
			area                           sql.NullInt64
			arrived, arriveDue             sql.NullInt64
			recv                           int64
		)
		if err := rows.Scan(&o.ID, &o.IncidentID, &o.UnitID, &o.State, &dispatched, &signed, &feedback, &closed,
			&solved, &sat, &o.Returns, &o.Reopens, &signDue, &feedbackDue, &closeDue, &o.Complaint, &r.Category, &area,
			&arrived, &arriveDue, &o.Partner, &recv); err != nil {
			return nil, mapErr(err)
		}
		o.ArrivedAt, o.ArriveDue, r.ReceivedAt = fromNullMS(arrived), fromNullMS(arriveDue), fromMS(recv)
		o.DispatchedAt = fromMS(dispatched)
		o.SignedAt, o.FeedbackAt, o.ClosedAt = fromNullMS(signed), fromNullMS(feedback), fromNullMS(closed)
		if solved.Valid {
			b := solved.Bool
			o.Solved = &b
		}
		o.Satisfaction = fenliu.Satisfaction(sat)
		o.SignDue, o.FeedbackDue, o.CloseDue = fromNullMS(signDue), fromNullMS(feedbackDue), fromNullMS(closeDue)
		r.Order, r.AreaID = &o, area.Int64
		out = append(out, &r)
		byIncident[o.IncidentID] = append(byIncident[o.IncidentID], &r)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	// Which of these incidents were called in again: one indexed lookup
	// per batch rather than a subquery per order.
	ids := make([]any, 0, len(byIncident))
	for id := range byIncident {
		ids = append(ids, id)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		batch := ids[:n]
		ids = ids[n:]
		rr, err := q.query(ctx, `SELECT DISTINCT repeat_of FROM incidents WHERE repeat_of IN (`+marks(len(batch))+`)`, batch...)
		if err != nil {
			return nil, err
		}
		for rr.Next() {
			var id int64
			if err := rr.Scan(&id); err != nil {
				rr.Close()
				return nil, mapErr(err)
			}
			for _, r := range byIncident[id] {
				r.RepeatCalled = true
			}
		}
		err = rr.Err()
		rr.Close()
		if err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}
