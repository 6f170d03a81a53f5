package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fenliu/fenliu"
)

// SetAreaOutline stores an area's boundary (GeoJSON geometry) and its centre.
func (q *Q) SetAreaOutline(ctx context.Context, id int64, outline []byte, lat, lng *float64) error {
	res, err := q.exec(ctx, `UPDATE areas SET outline = ?, lat = COALESCE(?, lat), lng = COALESCE(?, lng) WHERE id = ?`,
		string(outline), nullFloat(lat), nullFloat(lng), id)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("区域", "area", id)
	}
	return q.bumpDirectory(ctx)
}

// CreateAddressEntry stores a line of the address directory and sets its ID.
func (q *Q) CreateAddressEntry(ctx context.Context, e *fenliu.AddressEntry) error {
	if err := mapErr(q.row(ctx, `INSERT INTO address_entries (area_id, pattern, from_no, to_no) VALUES (?, ?, ?, ?) RETURNING id`,
		e.AreaID, e.Pattern, e.From, e.To).Scan(&e.ID)); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// DeleteAddressEntry removes a line of the address directory.
func (q *Q) DeleteAddressEntry(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM address_entries WHERE id = ?`, id)
	if err != nil {
		return mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("地址条目", "address entry", id)
	}
	return q.bumpDirectory(ctx)
}

// AddressEntries returns the address directory, by id.
func (q *Q) AddressEntries(ctx context.Context) ([]fenliu.AddressEntry, error) {
	rows, err := q.query(ctx, `SELECT id, area_id, pattern, from_no, to_no FROM address_entries ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []fenliu.AddressEntry{}
	for rows.Next() {
		var e fenliu.AddressEntry
		if err := rows.Scan(&e.ID, &e.AreaID, &e.Pattern, &e.From, &e.To); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, mapErr(rows.Err())
}

// AreaByCode returns the area with the code, or nil.
func (q *Q) AreaByCode(ctx context.Context, code string) (*fenliu.Area, error) {
	var id int64
	err := q.row(ctx, `SELECT id FROM areas WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return q.Area(ctx, id)
}

// GeoIncident is an incident as the map, the hotspots and the class-level
// warnings see it.
type GeoIncident struct {
	ID          int64
	ReceivedAt  time.Time
	Disposition fenliu.Disposition
	Category    string
	AreaID      int64
	Lat, Lng    *float64
	Address     string
}

// GeoIncidents streams the incidents received in [from, to) to fn, oldest
// first.
func (q *Q) GeoIncidents(ctx context.Context, from, to time.Time, fn func(*GeoIncident) error) error {
	rows, err := q.query(ctx, `SELECT id, received_at, disposition, category, area_id, lat, lng, address
		FROM incidents WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`, ms(from), ms(to))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			g        GeoIncident
			at       int64
			area     sql.NullInt64
			lat, lng sql.NullFloat64
		)
		if err := rows.Scan(&g.ID, &at, &g.Disposition, &g.Category, &area, &lat, &lng, &g.Address); err != nil {
			return err
		}
		g.ReceivedAt, g.AreaID, g.Lat, g.Lng = fromMS(at), area.Int64, fromNullFloat(lat), fromNullFloat(lng)
		if err := fn(&g); err != nil {
			return err
		}
	}
	return mapErr(rows.Err())
}

// IncidentUnitTypes returns, for the incidents received in [from, to) that
// have orders, the types of the units they went to.
func (q *Q) IncidentUnitTypes(ctx context.Context, from, to time.Time) (map[int64][]fenliu.UnitType, error) {
	rows, err := q.query(ctx, `SELECT DISTINCT o.incident_id, u.type FROM orders o JOIN units u ON u.id = o.unit_id
		JOIN incidents i ON i.id = o.incident_id WHERE i.received_at >= ? AND i.received_at < ? ORDER BY o.incident_id`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]fenliu.UnitType{}
	for rows.Next() {
		var (
			id int64
			t  fenliu.UnitType
		)
		if err := rows.Scan(&id, &t); err != nil {
			return nil, err
		}
		out[id] = append(out[id], t)
	}
	return out, mapErr(rows.Err())
}
