package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/fenliu/fenliu"
)

const warningCols = `id, category, area_id, opened_at, last_checked, ended_at, window_count, peak_count, baseline, p_value, street_unit_id, lead_unit_id, evidence`

func scanWarning(s scanner) (*fenliu.ClassWarning, error) {
	var (
		w                   fenliu.ClassWarning
		opened, checked     int64
		ended, street, lead sql.NullInt64
		evidence            string
	)
	if err := s.Scan(&w.ID, &w.Category, &w.AreaID, &opened, &checked, &ended, &w.Count, &w.Peak, &w.Baseline, &w.P, &street, &lead, &evidence); err != nil {
		return nil, err
	}
	w.OpenedAt, w.LastChecked, w.EndedAt = fromMS(opened), fromMS(checked), fromNullMS(ended)
	w.StreetUnitID, w.LeadUnitID = street.Int64, lead.Int64
	if evidence != "" {
		if err := json.Unmarshal([]byte(evidence), &w.Evidence); err != nil {
			return nil, err
		}
	}
	return &w, nil
}

// OpenWarning stores a new episode; created is false when the category
// already has an open episode in the area (another server opened it).
func (q *Q) OpenWarning(ctx context.Context, w *fenliu.ClassWarning) (created bool, err error) {
	ev, err := json.Marshal(w.Evidence)
	if err != nil {
		return false, err
	}
	res, err := q.exec(ctx, `INSERT INTO class_warnings (category, area_id, opened_at, last_checked, window_count, peak_count, baseline, p_value, street_unit_id, lead_unit_id, evidence)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (category, area_id) WHERE ended_at IS NULL DO NOTHING`,
		w.Category, w.AreaID, ms(w.OpenedAt), ms(w.LastChecked), w.Count, w.Peak, w.Baseline, w.P, nullID(w.StreetUnitID), nullID(w.LeadUnitID), string(ev))
	if err != nil {
		return false, mapErr(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	return true, mapErr(q.row(ctx, `SELECT id FROM class_warnings WHERE category = ? AND area_id = ? AND ended_at IS NULL`, w.Category, w.AreaID).Scan(&w.ID))
}

// CheckWarning records a check of an open episode: the window's count, and
// the end when the rise no longer holds.
func (q *Q) CheckWarning(ctx context.Context, id int64, at time.Time, count int, end bool) error {
	var ended any
	if end {
		ended = ms(at)
	}
	_, err := q.exec(ctx, `UPDATE class_warnings SET last_checked = ?, peak_count = CASE WHEN peak_count < ? THEN ? ELSE peak_count END,
		ended_at = ? WHERE id = ? AND ended_at IS NULL`, ms(at), count, count, ended, id)
	return mapErr(err)
}

// OpenWarnings returns the episodes still open.
func (q *Q) OpenWarnings(ctx context.Context) ([]*fenliu.ClassWarning, error) {
	return q.warnings(ctx, `SELECT `+warningCols+` FROM class_warnings WHERE ended_at IS NULL ORDER BY id`)
}

// Warnings returns the episodes opened in [from, to), newest first.
func (q *Q) Warnings(ctx context.Context, from, to time.Time, limit int) ([]*fenliu.ClassWarning, error) {
	return q.warnings(ctx, `SELECT `+warningCols+` FROM class_warnings WHERE opened_at >= ? AND opened_at < ? ORDER BY opened_at DESC, id DESC LIMIT ?`,
		ms(from), ms(to), fenliu.PageLimit(limit))
}

// Warning returns one episode.
func (q *Q) Warning(ctx context.Context, id int64) (*fenliu.ClassWarning, error) {
	w, err := scanWarning(q.row(ctx, `SELECT `+warningCols+` FROM class_warnings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("预警单", "warning", id)
	}
	return w, mapErr(err)
}

func (q *Q) warnings(ctx context.Context, query string, args ...any) ([]*fenliu.ClassWarning, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.ClassWarning{}
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, mapErr(rows.Err())
}
