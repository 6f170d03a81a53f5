package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fenliu/fenliu"
)

// CreateCatalogVersion stores a new catalogue version; the newest is active.
func (q *Q) CreateCatalogVersion(ctx context.Context, v *fenliu.CatalogVersion) error {
	return mapErr(q.row(ctx, `INSERT INTO catalog_versions (version, body, note, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		v.Version, v.Body, v.Note, v.CreatedBy, ms(v.CreatedAt)).Scan(&v.ID))
}

// LatestCatalogVersion returns the active (newest) stored version, or nil.
func (q *Q) LatestCatalogVersion(ctx context.Context) (*fenliu.CatalogVersion, error) {
	var (
		v  fenliu.CatalogVersion
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
func (q *Q) CatalogVersions(ctx context.Context) ([]*fenliu.CatalogVersion, error) {
	rows, err := q.query(ctx, `SELECT id, version, note, created_by, created_at FROM catalog_versions ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.CatalogVersion{}
	for rows.Next() {
		var (
			v  fenliu.CatalogVersion
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
