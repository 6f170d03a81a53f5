package store

import (
	"context"
	"database/sql"
	"strings"
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
}

// ReportOrders streams the orders dispatched in [from, to) to fn, only
// those of unitID if it is not 0.
func (q *Q) ReportOrders(ctx context.Context, from, to time.Time, unitID int64, fn func(*ReportOrder) error) error {
	const cols = `SELECT ` + `o.id` + `, u.type, i.category, i.area_id,
		EXISTS (SELECT 1 FROM incidents r WHERE r.repeat_of = i.id)
		FROM orders o JOIN units u ON u.id = o.unit_id JOIN incidents i ON i.id = o.incident_id
		WHERE o.dispatched_at >= ? AND o.dispatched_at < ?`
	query := strings.Replace(cols, "o.id", prefixed("o.", orderCols), 1)
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
		)
		o, err := scanOrderPlus(rows, &r.UnitType, &r.Category, &area, &r.RepeatCalled)
		if err != nil {
			return err
		}
		r.Order, r.AreaID = o, area.Int64
		if err := fn(&r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// ReportIncident is an incident as the incident rates see it.
type ReportIncident struct {
	ID          int64
	ReceivedAt  time.Time
	Disposition fenliu.Disposition
	Category    string
	AreaID      int64
	Repeat      bool
}

// ReportIncidents streams the incidents received in [from, to) to fn.
func (q *Q) ReportIncidents(ctx context.Context, from, to time.Time, fn func(*ReportIncident) error) error {
	rows, err := q.query(ctx, `SELECT id, received_at, disposition, category, area_id, repeat_of IS NOT NULL
		FROM incidents WHERE received_at >= ? AND received_at < ? ORDER BY id`, ms(from), ms(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r    ReportIncident
			at   int64
			area sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &at, &r.Disposition, &r.Category, &area, &r.Repeat); err != nil {
			return err
		}
		r.ReceivedAt, r.AreaID = fromMS(at), area.Int64
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
