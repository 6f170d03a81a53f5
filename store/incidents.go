package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

const incidentCols = `id, tracking_no, channel, channel_ref, received_at, caller_name, caller_phone, text, address,
	area_id, lat, lng, attachments, recorded_by, created_at, disposition, category, hotline, decided_at, version,
	triage, route, catalog_version, repeat_of, green_channel, priority`

type scanner interface{ Scan(dest ...any) error }

func scanIncident(s scanner) (*fenliu.Incident, error) {
	var (
		in                          fenliu.Incident
		received, created           int64
		area                        sql.NullInt64
		lat, lng                    sql.NullFloat64
		attachments, disp, category string
		decided, repeatOf           sql.NullInt64
		triage, route               string
	)
	err := s.Scan(&in.ID, &in.TrackingNo, &in.Channel, &in.ChannelRef, &received, &in.CallerName, &in.CallerPhone,
		&in.Text, &in.Address, &area, &lat, &lng, &attachments, &in.RecordedBy, &created, &disp, &category,
		&in.Hotline, &decided, &in.Version, &triage, &route, &in.CatalogVersion, &repeatOf, &in.GreenChannel, &in.Priority)
	if err != nil {
		return nil, err
	}
	in.ReceivedAt, in.CreatedAt = fromMS(received), fromMS(created)
	in.AreaID = area.Int64
	in.Lat, in.Lng = fromNullFloat(lat), fromNullFloat(lng)
	in.Disposition, in.Category = fenliu.Disposition(disp), category
	in.DecidedAt = fromNullMS(decided)
	in.RepeatOf = repeatOf.Int64
	if triage != "" {
		in.Triage = json.RawMessage(triage)
	}
	if route != "" {
		in.Route = json.RawMessage(route)
	}
	if err := json.Unmarshal([]byte(attachments), &in.Attachments); err != nil {
		return nil, err
	}
	if in.Attachments == nil {
		in.Attachments = []fenliu.Attachment{}
	}
	return &in, nil
}

// InsertIncident stores a new incident and sets its ID. If the channel already
// sent this reference, nothing is written and the first incident is returned
// with created false.
func (q *Q) InsertIncident(ctx context.Context, in *fenliu.Incident) (stored *fenliu.Incident, created bool, err error) {
	att, err := json.Marshal(nonNilAtt(in.Attachments))
	if err != nil {
		return nil, false, err
	}
	err = q.row(ctx, `INSERT INTO incidents (tracking_no, channel, channel_ref, received_at, caller_name, caller_phone, text,
		address, area_id, lat, lng, attachments, recorded_by, created_at, disposition, category, hotline, decided_at, version,
		triage, route, catalog_version, repeat_of, changed_at, green_channel, priority)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, channel_ref) DO NOTHING RETURNING id`,
		in.TrackingNo, in.Channel, in.ChannelRef, ms(in.ReceivedAt), in.CallerName, in.CallerPhone, in.Text,
		in.Address, nullID(in.AreaID), nullFloat(in.Lat), nullFloat(in.Lng), string(att), in.RecordedBy,
		ms(in.CreatedAt), string(in.Disposition), in.Category, in.Hotline, msPtr(in.DecidedAt),
		string(in.Triage), string(in.Route), in.CatalogVersion, nullID(in.RepeatOf), ms(in.CreatedAt), in.GreenChannel, in.Priority).Scan(&in.ID)
	if errors.Is(err, sql.ErrNoRows) {
		first, err := q.IncidentByRef(ctx, in.Channel, in.ChannelRef)
		return first, false, err
	}
	if err != nil {
		return nil, false, mapErr(err)
	}
	in.Version = 1
	return in, true, nil
}

// Incident returns the incident with the id.
func (q *Q) Incident(ctx context.Context, id int64) (*fenliu.Incident, error) {
	in, err := scanIncident(q.row(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("警情", "incident", id)
	}
	return in, mapErr(err)
}

// IncidentByRef returns the incident a channel sent with the reference.
func (q *Q) IncidentByRef(ctx context.Context, ch fenliu.Channel, ref string) (*fenliu.Incident, error) {
	in, err := scanIncident(q.row(ctx, `SELECT `+incidentCols+` FROM incidents WHERE channel = ? AND channel_ref = ?`, ch, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("警情", "incident", string(ch)+"/"+ref)
	}
	return in, mapErr(err)
}

// IncidentByTracking returns the incident with the public tracking number.
func (q *Q) IncidentByTracking(ctx context.Context, no string) (*fenliu.Incident, error) {
	in, err := scanIncident(q.row(ctx, `SELECT `+incidentCols+` FROM incidents WHERE tracking_no = ?`, no))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("查询编号", "tracking number", no)
	}
	return in, mapErr(err)
}

// UpdateDecision writes the incident's decision if its version is still
// prevVersion, and bumps the version; otherwise it is a conflict.
func (q *Q) UpdateDecision(ctx context.Context, in *fenliu.Incident, prevVersion int64) error {
	res, err := q.exec(ctx, `UPDATE incidents SET disposition = ?, category = ?, hotline = ?, decided_at = ?, version = version + 1,
		changed_at = COALESCE(?, changed_at), green_channel = ?, priority = ? WHERE id = ? AND version = ?`, string(in.Disposition), in.Category, in.Hotline,
		msPtr(in.DecidedAt), msPtr(in.DecidedAt), in.GreenChannel, in.Priority, in.ID, prevVersion)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return conflict("警情", "incident")
	}
	in.Version = prevVersion + 1
	return nil
}

// Incidents lists incidents, newest first.
func (q *Q) Incidents(ctx context.Context, f fenliu.IncidentFilter) ([]*fenliu.Incident, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Disposition != "" {
		add("disposition = ?", string(f.Disposition))
	}
	if f.Channel != "" {
		add("channel = ?", string(f.Channel))
	}
	if f.Phone != "" {
		add("caller_phone = ?", f.Phone)
	}
	if f.AreaID != 0 {
		add("area_id = ?", f.AreaID)
	}
	if f.Category != "" {
		add("category = ?", f.Category)
	}
	if f.UnitID != 0 {
		add("id IN (SELECT incident_id FROM orders WHERE unit_id = ?)", f.UnitID)
	}
	if !f.From.IsZero() {
		add("received_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("received_at < ?", ms(f.To))
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	query := `SELECT ` + incidentCols + ` FROM incidents`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY id DESC LIMIT ?"
	args = append(args, fenliu.PageLimit(f.Limit))
	return q.incidents(ctx, query, args...)
}

func conflict(zh, en string) error {
	return &fenliu.Error{Code: fenliu.EConflict, ZH: zh + "已被他人修改，请刷新后重试", EN: "the " + en + " was changed by someone else; reload and try again"}
}

func nonNilAtt(a []fenliu.Attachment) []fenliu.Attachment {
	if a == nil {
		return []fenliu.Attachment{}
	}
	return a
}

// IncidentsWaiting lists incidents waiting for the desk, oldest first:
// undecided ones (decided false), or diverted ones without any work order.
func (q *Q) IncidentsWaiting(ctx context.Context, decided bool, n int) ([]*fenliu.Incident, error) {
	query := `SELECT ` + incidentCols + ` FROM incidents WHERE disposition = '' ORDER BY id LIMIT ?`
	if decided {
		query = `SELECT ` + incidentCols + ` FROM incidents i WHERE disposition = 'divert'
			AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.incident_id = i.id) ORDER BY id LIMIT ?`
	}
	return q.incidents(ctx, query, fenliu.PageLimit(n))
}

// StateCounts counts orders by state.
func (q *Q) StateCounts(ctx context.Context) (map[fenliu.OrderState]int, error) {
	rows, err := q.query(ctx, `SELECT state, COUNT(*) FROM orders GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[fenliu.OrderState]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[fenliu.OrderState(s)] = n
	}
	return out, mapErr(rows.Err())
}

// IncidentsBy lists the newest incidents since a time with caller_phone or
// address equal to value.
func (q *Q) IncidentsBy(ctx context.Context, column, value string, since time.Time, n int) ([]*fenliu.Incident, error) {
	if column != "caller_phone" && column != "address" {
		return nil, fmt.Errorf("IncidentsBy: bad column %q", column)
	}
	return q.incidents(ctx, `SELECT `+incidentCols+` FROM incidents WHERE `+column+` = ? AND received_at >= ? ORDER BY received_at DESC LIMIT ?`, value, ms(since), fenliu.PageLimit(n))
}

func (q *Q) incidents(ctx context.Context, query string, args ...any) ([]*fenliu.Incident, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Incident{}
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, mapErr(rows.Err())
}
