package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// RecentIncident finds the newest incident received in [since, before)
// that matches one of the keys (fenliu.RepeatKeys) — a candidate for a
// repeat call (重复报警). One indexed query per key: a single query with OR
// would scan every incident of the window.
func (q *Q) RecentIncident(ctx context.Context, keys []fenliu.RepeatKey, since, before time.Time, excludeID int64) (*fenliu.Incident, error) {
	var best *fenliu.Incident
	for _, k := range keys {
		var conds []string
		var args []any
		if k.Phone != "" {
			conds, args = append(conds, "caller_phone = ?"), append(args, k.Phone)
		}
		if k.AreaID != 0 {
			conds, args = append(conds, "area_id = ?"), append(args, k.AreaID)
		}
		if k.Address != "" {
			conds, args = append(conds, "address = ?"), append(args, k.Address)
		}
		if k.Category != "" {
			conds, args = append(conds, "category = ?"), append(args, k.Category)
		}
		if len(conds) == 0 {
			continue
		}
		query := `SELECT ` + incidentCols + ` FROM incidents WHERE ` + strings.Join(conds, " AND ") +
			` AND received_at >= ? AND received_at < ? AND id <> ? ORDER BY received_at DESC LIMIT 1`
		in, err := scanIncident(q.row(ctx, query, append(args, ms(since), ms(before), excludeID)...))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, mapErr(err)
		}
		if best == nil || in.ReceivedAt.After(best.ReceivedAt) {
			best = in
		}
	}
	return best, nil
}

// SetRepeat links an incident to the earlier one it repeats.
func (q *Q) SetRepeat(ctx context.Context, id, of int64) error {
	_, err := q.exec(ctx, `UPDATE incidents SET repeat_of = ?, changed_at = created_at WHERE id = ?`, of, id)
	return err
}

// SetTriage records the engine's suggestion and route for an incident.
func (q *Q) SetTriage(ctx context.Context, id int64, triage, route []byte, catalogVersion string) error {
	_, err := q.exec(ctx, `UPDATE incidents SET triage = ?, route = ?, catalog_version = ? WHERE id = ?`, string(triage), string(route), catalogVersion, id)
	return err
}
