package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fenliu/fenliu"
)

// Access is one read or reveal of a caller's personal data.
type Access struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     int64     `json:"user_id"`
	IncidentID int64     `json:"incident_id"`
	Kind       string    `json:"kind"` // read (shown in full) or reveal (a masked caller shown on request)
	Via        string    `json:"via"`  // the screen or endpoint
	Reason     string    `json:"reason,omitempty"`
}

// InsertAccess records reads and reveals of personal data.
func (q *Q) InsertAccess(ctx context.Context, rows ...*Access) error {
	for _, a := range rows {
		if err := q.row(ctx, `INSERT INTO pii_access (at, user_id, incident_id, kind, via, reason) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			ms(a.At), a.UserID, a.IncidentID, a.Kind, a.Via, a.Reason).Scan(&a.ID); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// AccessFilter selects access log entries; zero fields select all.
type AccessFilter struct {
	IncidentID int64
	UserID     int64
	Kind       string
	Before     int64 // id cursor
	Limit      int
}

// AccessLog lists access log entries, newest first.
func (q *Q) AccessLog(ctx context.Context, f AccessFilter) ([]*Access, error) {
	query := `SELECT id, at, user_id, incident_id, kind, via, reason FROM pii_access WHERE 1=1`
	var args []any
	if f.IncidentID != 0 {
		query, args = query+` AND incident_id = ?`, append(args, f.IncidentID)
	}
	if f.UserID != 0 {
		query, args = query+` AND user_id = ?`, append(args, f.UserID)
	}
	if f.Kind != "" {
		query, args = query+` AND kind = ?`, append(args, f.Kind)
	}
	if f.Before != 0 {
		query, args = query+` AND id < ?`, append(args, f.Before)
	}
	query, args = query+` ORDER BY id DESC LIMIT ?`, append(args, fenliu.PageLimit(f.Limit))
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Access{}
	for rows.Next() {
		var (
			a  Access
			at int64
		)
		if err := rows.Scan(&a.ID, &at, &a.UserID, &a.IncidentID, &a.Kind, &a.Via, &a.Reason); err != nil {
			return nil, err
		}
		a.At = fromMS(at)
		out = append(out, &a)
	}
	return out, mapErr(rows.Err())
}

// UploadBytesSince sums the bytes uploaded since a time by an account
// (userID non-zero) or, for citizens, from an address.
func (q *Q) UploadBytesSince(ctx context.Context, userID int64, addr string, since time.Time) (int64, error) {
	var n sql.NullInt64
	var err error
	if userID != 0 {
		err = q.row(ctx, `SELECT SUM(size) FROM uploads WHERE created_by = ? AND created_at >= ?`, userID, ms(since)).Scan(&n)
	} else {
		err = q.row(ctx, `SELECT SUM(size) FROM uploads WHERE created_by IS NULL AND addr = ? AND created_at >= ?`, addr, ms(since)).Scan(&n)
	}
	return n.Int64, mapErr(err)
}

// UploadStats is what the uploads hold: files and bytes.
type UploadStats struct {
	Files int64 `json:"files"`
	Bytes int64 `json:"bytes"`
}

// UploadStats counts the stored uploads.
func (q *Q) UploadStats(ctx context.Context) (UploadStats, error) {
	var s UploadStats
	var b sql.NullInt64
	err := q.row(ctx, `SELECT COUNT(*), SUM(size) FROM uploads`).Scan(&s.Files, &b)
	s.Bytes = b.Int64
	return s, mapErr(err)
}
