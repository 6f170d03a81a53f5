package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/jackc/pgx/v5"
)

// RecentIncident finds the id of the newest incident received in
// [since, before) that matches one of the keys (fenliu.RepeatKeys) — a
// candidate for a repeat call (重复报警); 0 if there is none. One indexed
// lookup per key, reading the id and time only: a single WHERE with OR
// would scan every incident of the window, and SQLite sorts the rows of
// each part of a UNION ALL of them instead of reading the index in order.
// Each key has an index on all of its columns, received_at and id
// (incidents_phone, incidents_area_category, incidents_address_category)
// that gives the order asked for, so each lookup reads one index entry
// however busy the place or the caller; the plans are checked by
// TestHotPathPlans.
func (q *Q) RecentIncident(ctx context.Context, keys []fenliu.RepeatKey, since, before time.Time, excludeID int64) (int64, error) {
	var best, bestAt int64
	for _, k := range keys {
		query, args := repeatQuery(k)
		if query == "" {
			continue
		}
		args = append(args, ms(since), ms(before), excludeID)
		if q.pg {
			// Planned with its values every time: a cached generic plan
			// of a place where one matter is nearly every call guesses
			// that any matter is as common, walks incidents_received
			// back and filters (BenchmarkRepeatLookup: 257 ms at 100,000
			// calls at one address, against 1.8 ms planned each time).
			args = append([]any{pgx.QueryExecModeExec}, args...)
		}
		var id, at int64
		err := q.row(ctx, query, args...).Scan(&id, &at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, mapErr(err)
		}
		if best == 0 || at > bestAt || (at == bestAt && id > best) {
			best, bestAt = id, at
		}
	}
	return best, nil
}

// repeatQuery is the lookup of one repeat key: the key's values come first
// in args, then since, before and the id to exclude.
func repeatQuery(k fenliu.RepeatKey) (string, []any) {
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
		return "", nil
	}
	return `SELECT id, received_at FROM incidents WHERE ` + strings.Join(conds, " AND ") +
		` AND received_at >= ? AND received_at < ? AND id <> ? ORDER BY received_at DESC, id DESC LIMIT 1`, args
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
