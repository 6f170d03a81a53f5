package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fenliu/fenliu"
)

// Shift is one duty-roster entry (勤务报备): who is on duty for a unit when.
type Shift struct {
	ID       int64     `json:"id"`
	UnitID   int64     `json:"unit_id"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Person   string    `json:"person"`
	Phone    string    `json:"phone"`
}

// CreateShift stores a roster entry.
func (q *Q) CreateShift(ctx context.Context, s *Shift, by int64, now time.Time) error {
	if err := mapErr(q.row(ctx, `INSERT INTO shifts (unit_id, starts_at, ends_at, person, phone, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.UnitID, ms(s.StartsAt), ms(s.EndsAt), s.Person, s.Phone, by, ms(now)).Scan(&s.ID)); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// Shifts returns the roster entries that overlap [from, to).
func (q *Q) Shifts(ctx context.Context, from, to time.Time) ([]*Shift, error) {
	rows, err := q.query(ctx, `SELECT id, unit_id, starts_at, ends_at, person, phone FROM shifts
		WHERE ends_at > ? AND starts_at < ? ORDER BY unit_id, starts_at`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Shift{}
	for rows.Next() {
		var (
			s    Shift
			a, b int64
		)
		if err := rows.Scan(&s.ID, &s.UnitID, &a, &b, &s.Person, &s.Phone); err != nil {
			return nil, err
		}
		s.StartsAt, s.EndsAt = fromMS(a), fromMS(b)
		out = append(out, &s)
	}
	return out, mapErr(rows.Err())
}

// UnitsWithShifts returns the ids of units that keep a roster at all.
func (q *Q) UnitsWithShifts(ctx context.Context) (map[int64]bool, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT unit_id FROM shifts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, mapErr(rows.Err())
}

// RoutingRule sends a category's or unit type's orders, optionally in one
// area, to a named unit.
type RoutingRule struct {
	ID       int64           `json:"id"`
	Category string          `json:"category,omitempty"`
	UnitType fenliu.UnitType `json:"unit_type,omitempty"`
	AreaID   int64           `json:"area_id,omitempty"`
	UnitID   int64           `json:"unit_id"`
	Note     string          `json:"note,omitempty"`
}

// CreateRoutingRule stores a rule.
func (q *Q) CreateRoutingRule(ctx context.Context, r *RoutingRule) error {
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
func (q *Q) RoutingRules(ctx context.Context) ([]*RoutingRule, error) {
	rows, err := q.query(ctx, `SELECT id, category, unit_type, area_id, unit_id, note FROM routing_rules ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*RoutingRule{}
	for rows.Next() {
		var (
			r    RoutingRule
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

// Setting returns a setting's value, or "" if unset.
func (q *Q) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := q.row(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, mapErr(err)
}

// SetSetting writes a setting.
func (q *Q) SetSetting(ctx context.Context, key, value string) error {
	_, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err == nil {
		err = q.bumpDirectory(ctx) // routing reads settings; any change reloads it
	}
	return err
}

// settingDirectoryVersion counts changes to what routing reads (areas,
// units, rosters, rules, settings), so that a server can keep its
// copy until it changes — on any server of the city.
const settingDirectoryVersion = "directory.version"

func (q *Q) bumpDirectory(ctx context.Context) error {
	_, err := q.exec(ctx, `INSERT INTO settings (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(settings.value AS INTEGER) + 1 AS TEXT)`, settingDirectoryVersion)
	return err
}

// DirectoryVersion returns the count of changes to the routing data.
func (q *Q) DirectoryVersion(ctx context.Context) (string, error) {
	return q.Setting(ctx, settingDirectoryVersion)
}

// CatalogVersion is a stored version of the matter catalogue (YAML).
type CatalogVersion struct {
	ID        int64     `json:"id"`
	Version   string    `json:"version"`
	Body      string    `json:"-"`
	Note      string    `json:"note,omitempty"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateCatalogVersion stores a new catalogue version; the newest is active.
func (q *Q) CreateCatalogVersion(ctx context.Context, v *CatalogVersion) error {
	return mapErr(q.row(ctx, `INSERT INTO catalog_versions (version, body, note, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		v.Version, v.Body, v.Note, v.CreatedBy, ms(v.CreatedAt)).Scan(&v.ID))
}

// LatestCatalogVersion returns the active (newest) stored version, or nil.
func (q *Q) LatestCatalogVersion(ctx context.Context) (*CatalogVersion, error) {
	var (
		v  CatalogVersion
		at int64
	)
	err := q.row(ctx, `SELECT id, version, body, note, created_by, created_at FROM catalog_versions ORDER BY id DESC LIMIT 1`).
		Scan(&v.ID, &v.Version, &v.Body, &v.Note, &v.CreatedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	v.CreatedAt = fromMS(at)
	return &v, nil
}

// CatalogVersions lists stored versions, newest first (without bodies).
func (q *Q) CatalogVersions(ctx context.Context) ([]*CatalogVersion, error) {
	rows, err := q.query(ctx, `SELECT id, version, note, created_by, created_at FROM catalog_versions ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*CatalogVersion{}
	for rows.Next() {
		var (
			v  CatalogVersion
			at int64
		)
		if err := rows.Scan(&v.ID, &v.Version, &v.Note, &v.CreatedBy, &at); err != nil {
			return nil, err
		}
		v.CreatedAt = fromMS(at)
		out = append(out, &v)
	}
	return out, mapErr(rows.Err())
}

// RecentIncident finds the newest incident received in [since, before) that
// matches the caller's phone, or the same area and category, or the same
// address and category — a candidate for a repeat call (重复报警).
func (q *Q) RecentIncident(ctx context.Context, phone string, areaID int64, address, category string, since, before time.Time, excludeID int64) (*fenliu.Incident, error) {
	// One query per way of matching, each on its own index (a single query
	// with OR would scan every incident of the window).
	type match struct {
		cond string
		args []any
	}
	var ms_ []match
	if phone != "" {
		ms_ = append(ms_, match{"caller_phone = ?", []any{phone}})
	}
	if category != "" && areaID != 0 {
		ms_ = append(ms_, match{"area_id = ? AND category = ?", []any{areaID, category}})
	}
	if category != "" && address != "" {
		ms_ = append(ms_, match{"address = ? AND category = ?", []any{address, category}})
	}
	var best *fenliu.Incident
	for _, m := range ms_ {
		query := `SELECT ` + incidentCols + ` FROM incidents WHERE ` + m.cond +
			` AND received_at >= ? AND received_at < ? AND id <> ? ORDER BY received_at DESC LIMIT 1`
		in, err := scanIncident(q.row(ctx, query, append(m.args, ms(since), ms(before), excludeID)...))
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

func joinOr(conds []string) string {
	s := conds[0]
	for _, c := range conds[1:] {
		s += " OR " + c
	}
	return s
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

// SetSettingTx writes a setting in its own transaction.
func (db *DB) SetSettingTx(ctx context.Context, key, value string) error {
	return db.Tx(ctx, func(q *Q) error { return q.SetSetting(ctx, key, value) })
}
