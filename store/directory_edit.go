package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/fenliu/fenliu"
)

// Editing the directory: users, units, areas and rosters change in place;
// nothing that the record refers to is deleted (a user or unit is disabled
// or renamed, never removed), except a roster entry.

// UpdateUser writes a user's name, role, unit and disabled flag.
func (q *Q) UpdateUser(ctx context.Context, u *fenliu.User) error {
	res, err := q.exec(ctx, `UPDATE users SET display_name = ?, role = ?, unit_id = ?, disabled = ? WHERE id = ?`,
		u.DisplayName, string(u.Role), nullID(u.UnitID), u.Disabled, u.ID)
	if err != nil {
		return mapErr(err)
	}
	return mustChange(res, "用户", "user", u.ID)
}

// SetPasswordHash replaces a user's password hash and ends their sessions.
func (q *Q) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := q.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return mapErr(err)
	}
	if err := mustChange(res, "用户", "user", userID); err != nil {
		return err
	}
	return q.DeleteSessionsOf(ctx, userID)
}

// DeleteSessionsOf ends every session of a user.
func (q *Q) DeleteSessionsOf(ctx context.Context, userID int64) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return mapErr(err)
}

// UpdateUnit writes a unit's fields and the areas it serves.
func (q *Q) UpdateUnit(ctx context.Context, u *fenliu.Unit) error {
	res, err := q.exec(ctx, `UPDATE units SET code = ?, name = ?, type = ?, parent_id = ?, duty_phone = ?, always_on = ? WHERE id = ?`,
		u.Code, u.Name, string(u.Type), nullID(u.ParentID), u.DutyPhone, u.AlwaysOn, u.ID)
	if err != nil {
		return mapErr(err)
	}
	if err := mustChange(res, "单位", "unit", u.ID); err != nil {
		return err
	}
	if _, err := q.exec(ctx, `DELETE FROM unit_areas WHERE unit_id = ?`, u.ID); err != nil {
		return mapErr(err)
	}
	for _, a := range u.AreaIDs {
		if _, err := q.exec(ctx, `INSERT INTO unit_areas (unit_id, area_id) VALUES (?, ?)`, u.ID, a); err != nil {
			return mapErr(err)
		}
	}
	return q.bumpDirectory(ctx)
}

// UpdateArea writes an area's code, name, level, parent and road names.
func (q *Q) UpdateArea(ctx context.Context, a *fenliu.Area) error {
	res, err := q.exec(ctx, `UPDATE areas SET code = ?, name = ?, level = ?, parent_id = ?, roads = ? WHERE id = ?`,
		a.Code, a.Name, string(a.Level), nullID(a.ParentID), joinRoads(a.Roads), a.ID)
	if err != nil {
		return mapErr(err)
	}
	if err := mustChange(res, "区域", "area", a.ID); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// Shift returns one roster entry.
func (q *Q) Shift(ctx context.Context, id int64) (*fenliu.Shift, error) {
	var (
		s    fenliu.Shift
		a, b int64
	)
	err := q.row(ctx, `SELECT id, unit_id, starts_at, ends_at, person, phone FROM shifts WHERE id = ?`, id).Scan(&s.ID, &s.UnitID, &a, &b, &s.Person, &s.Phone)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, fenliu.NotFound("值班记录", "roster entry", id)
		}
		return nil, mapErr(err)
	}
	s.StartsAt, s.EndsAt = fromMS(a), fromMS(b)
	return &s, nil
}

// UpdateShift writes a roster entry's times, person and phone.
func (q *Q) UpdateShift(ctx context.Context, s *fenliu.Shift) error {
	res, err := q.exec(ctx, `UPDATE shifts SET starts_at = ?, ends_at = ?, person = ?, phone = ? WHERE id = ?`,
		ms(s.StartsAt), ms(s.EndsAt), s.Person, s.Phone, s.ID)
	if err != nil {
		return mapErr(err)
	}
	if err := mustChange(res, "值班记录", "roster entry", s.ID); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// DeleteShift removes a roster entry.
func (q *Q) DeleteShift(ctx context.Context, id int64) error {
	res, err := q.exec(ctx, `DELETE FROM shifts WHERE id = ?`, id)
	if err != nil {
		return mapErr(err)
	}
	if err := mustChange(res, "值班记录", "roster entry", id); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// mustChange turns "no row changed" into not found.
func mustChange(res sql.Result, zh, en string, id int64) error {
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound(zh, en, id)
	}
	return nil
}

// joinRoads and splitRoads keep an area's road names, one per line.
func joinRoads(rs []string) string { return strings.Join(rs, "\n") }

func splitRoads(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
