package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fenliu/fenliu"
)

// DecidedIncidents returns every decided incident with the unit type of its
// latest lead order and the engine's suggestion, oldest first, up to limit.
func (q *Q) DecidedIncidents(ctx context.Context, limit int) ([]*fenliu.DecidedIncident, error) {
	rows, err := q.query(ctx, `SELECT i.id, i.text, i.disposition, i.category, i.triage,
		COALESCE((SELECT u.type FROM orders o JOIN units u ON u.id = o.unit_id
			WHERE o.incident_id = i.id AND o.role = 'lead' ORDER BY o.id DESC LIMIT 1), '')
		FROM incidents i WHERE i.disposition <> '' ORDER BY i.id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*fenliu.DecidedIncident
	for rows.Next() {
		d := &fenliu.DecidedIncident{}
		var tri, lead string
		if err := rows.Scan(&d.ID, &d.Text, &d.Disposition, &d.Category, &tri, &lead); err != nil {
			return nil, mapErr(err)
		}
		d.LeadUnit = fenliu.UnitType(lead)
		if tri != "" {
			var t fenliu.Triage
			if err := json.Unmarshal([]byte(tri), &t); err != nil {
				return nil, fmt.Errorf("incident %d: stored triage: %w", d.ID, err)
			}
			d.Suggested = &t
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}
