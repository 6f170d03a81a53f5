package store

import (
	"context"
	"database/sql"

	"github.com/fenliu/fenliu"
)

// CreateRoutingRule stores a rule.
func (q *Q) CreateRoutingRule(ctx context.Context, r *fenliu.RoutingRule) error {
	if err := mapErr(q.row(ctx, `INSERT INTO routing_rules (category, unit_type, area_id, unit_id, note) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		r.Category, string(r.UnitType), nullID(r.AreaID), r.UnitID, r.Note).Scan(&r.ID)); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// DeleteRoutingRule removes a rule.
func (q *Q) DeleteRoutingRule(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM routing_rules WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("分派规则", "routing rule", id)
	}
	return q.bumpDirectory(ctx)
}

// RoutingRules returns every rule.
func (q *Q) RoutingRules(ctx context.Context) ([]*fenliu.RoutingRule, error) {
	rows, err := q.query(ctx, `SELECT id, category, unit_type, area_id, unit_id, note FROM routing_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.RoutingRule{}
	for rows.Next() {
		var (
			r    fenliu.RoutingRule
			area sql.NullInt64
		)
		if err := rows.Scan(&r.ID, &r.Category, &r.UnitType, &area, &r.UnitID, &r.Note); err != nil {
			return nil, err
		}
		r.AreaID = area.Int64
		out = append(out, &r)
	}
	return out, mapErr(rows.Err())
}
