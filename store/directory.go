package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
)

// CreateArea stores an area and sets its ID.
func (q *Q) CreateArea(ctx context.Context, a *fenliu.Area) error {
	if err := mapErr(q.row(ctx, `INSERT INTO areas (code, name, level, parent_id, lat, lng, roads, outline) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Code, a.Name, string(a.Level), nullID(a.ParentID), nullFloat(a.Lat), nullFloat(a.Lng), joinRoads(a.Roads), string(a.Outline)).Scan(&a.ID)); err != nil {
		return err
	}
	return q.bumpDirectory(ctx)
}

// Areas returns every area, parents before children.
func (q *Q) Areas(ctx context.Context) ([]*fenliu.Area, error) {
	rows, err := q.query(ctx, `SELECT id, code, name, level, parent_id, lat, lng, roads, outline FROM areas ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.Area{}
	for rows.Next() {
		var (
			a        fenliu.Area
			parent   sql.NullInt64
			lat, lng sql.NullFloat64
			roads    string
			outline  string
		)
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, &a.Level, &parent, &lat, &lng, &roads, &outline); err != nil {
			return nil, err
		}
		a.ParentID, a.Lat, a.Lng, a.Roads = parent.Int64, fromNullFloat(lat), fromNullFloat(lng), splitRoads(roads)
		if outline != "" {
			a.Outline = []byte(outline)
		}
		out = append(out, &a)
	}
	return out, mapErr(rows.Err())
}

// CreateUnit stores a unit with the areas it serves and sets its ID.
func (q *Q) CreateUnit(ctx context.Context, u *fenliu.Unit) error {
	if err := q.row(ctx, `INSERT INTO units (code, name, type, parent_id, duty_phone, always_on) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Code, u.Name, string(u.Type), nullID(u.ParentID), u.DutyPhone, u.AlwaysOn).Scan(&u.ID); err != nil {
		return mapErr(err)
	}
	for _, a := range u.AreaIDs {
		if _, err := q.exec(ctx, `INSERT INTO unit_areas (unit_id, area_id) VALUES (?, ?)`, u.ID, a); err != nil {
			return err
		}
	}
	return q.bumpDirectory(ctx)
}

// Units returns every unit with the areas it serves.
func (q *Q) Units(ctx context.Context) ([]*fenliu.Unit, error) {
	rows, err := q.query(ctx, `SELECT id, code, name, type, parent_id, duty_phone, always_on FROM units ORDER BY id`)
	if err != nil {
		return nil, err
	}
	out := []*fenliu.Unit{}
	byID := map[int64]*fenliu.Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows, err = q.query(ctx, `SELECT unit_id, area_id FROM unit_areas ORDER BY unit_id, area_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u, a int64
		if err := rows.Scan(&u, &a); err != nil {
			return nil, err
		}
		if x := byID[u]; x != nil {
			x.AreaIDs = append(x.AreaIDs, a)
		}
	}
	return out, mapErr(rows.Err())
}

// Unit returns the unit with the id.
func (q *Q) Unit(ctx context.Context, id int64) (*fenliu.Unit, error) {
	u, err := scanUnit(q.row(ctx, `SELECT id, code, name, type, parent_id, duty_phone, always_on FROM units WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("单位", "unit", id)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	rows, err := q.query(ctx, `SELECT area_id FROM unit_areas WHERE unit_id = ? ORDER BY area_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		u.AreaIDs = append(u.AreaIDs, a)
	}
	return u, mapErr(rows.Err())
}

// UnitType returns the type of the unit with the id.
func (q *Q) UnitType(ctx context.Context, id int64) (fenliu.UnitType, error) {
	var t string
	err := q.row(ctx, `SELECT type FROM units WHERE id = ?`, id).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fenliu.NotFound("单位", "unit", id)
	}
	return fenliu.UnitType(t), mapErr(err)
}

func scanUnit(s scanner) (*fenliu.Unit, error) {
	var (
		u      fenliu.Unit
		parent sql.NullInt64
	)
	if err := s.Scan(&u.ID, &u.Code, &u.Name, &u.Type, &parent, &u.DutyPhone, &u.AlwaysOn); err != nil {
		return nil, err
	}
	u.ParentID = parent.Int64
	u.AreaIDs = []int64{}
	return &u, nil
}

// CreateUser stores a user with an optional password hash and sets its ID.
func (q *Q) CreateUser(ctx context.Context, u *fenliu.User, passwordHash string) error {
	return mapErr(q.row(ctx, `INSERT INTO users (username, display_name, role, unit_id, password_hash, disabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Username, u.DisplayName, string(u.Role), nullID(u.UnitID),
		passwordHash, u.Disabled, ms(u.CreatedAt)).Scan(&u.ID))
}

const userCols = `id, username, display_name, role, unit_id, disabled, created_at`

func scanUser(s scanner) (*fenliu.User, error) {
	var (
		u       fenliu.User
		unit    sql.NullInt64
		created int64
	)
	if err := s.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &unit, &u.Disabled, &created); err != nil {
		return nil, err
	}
	u.UnitID, u.CreatedAt = unit.Int64, fromMS(created)
	return &u, nil
}

// User returns the user with the id.
func (q *Q) User(ctx context.Context, id int64) (*fenliu.User, error) {
	u, err := scanUser(q.row(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("用户", "user", id)
	}
	return u, mapErr(err)
}

// UserByUsername returns the user and the password hash.
func (q *Q) UserByUsername(ctx context.Context, name string) (*fenliu.User, string, error) {
	var hash string
	row := q.row(ctx, `SELECT `+userCols+`, password_hash FROM users WHERE username = ?`, name)
	var (
		u       fenliu.User
		unit    sql.NullInt64
		created int64
	)
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &unit, &u.Disabled, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fenliu.NotFound("用户", "user", name)
	}
	if err != nil {
		return nil, "", mapErr(err)
	}
	u.UnitID, u.CreatedAt = unit.Int64, fromMS(created)
	return &u, hash, nil
}

// Users returns every user.
func (q *Q) Users(ctx context.Context) ([]*fenliu.User, error) {
	rows, err := q.query(ctx, `SELECT `+userCols+` FROM users ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*fenliu.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, mapErr(rows.Err())
}

// CreateToken makes a new API token for the user and returns it. Only its
// SHA-256 hash is kept, so the token is shown once.
func (q *Q) CreateToken(ctx context.Context, userID int64, name string, now, expires time.Time) (string, error) {
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := "fl_" + base64.RawURLEncoding.EncodeToString(raw[:])
	_, err := q.exec(ctx, `INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashToken(token), userID, name, ms(now), ms(expires))
	return token, err
}

// Token is an API token as its owner sees it: never the secret, only a
// reference (the start of its hash) to revoke it by.
type Token struct {
	Ref       string    `json:"ref"`
	UserID    int64     `json:"user_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Tokens lists a user's live tokens.
func (q *Q) Tokens(ctx context.Context, userID int64, now time.Time) ([]*Token, error) {
	rows, err := q.query(ctx, `SELECT token_hash, user_id, name, created_at, expires_at FROM api_tokens
		WHERE user_id = ? AND expires_at > ? ORDER BY created_at`, userID, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Token{}
	for rows.Next() {
		var (
			t                Token
			hash             string
			created, expires int64
		)
		if err := rows.Scan(&hash, &t.UserID, &t.Name, &created, &expires); err != nil {
			return nil, err
		}
		t.Ref, t.CreatedAt, t.ExpiresAt = hash[:16], fromMS(created), fromMS(expires)
		out = append(out, &t)
	}
	return out, mapErr(rows.Err())
}

// RevokeToken deletes the user's token with the reference; found is false
// when there is none.
func (q *Q) RevokeToken(ctx context.Context, userID int64, ref string) (bool, error) {
	if len(ref) != 16 || strings.Trim(ref, "0123456789abcdef") != "" {
		return false, nil
	}
	res, err := q.exec(ctx, `DELETE FROM api_tokens WHERE user_id = ? AND substr(token_hash, 1, 16) = ?`, userID, ref)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// SetDisabled disables or enables a user; disabling ends the user's
// sessions and deletes the user's tokens at once.
func (q *Q) SetDisabled(ctx context.Context, userID int64, disabled bool) error {
	res, err := q.exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fenliu.NotFound("用户", "user", userID)
	}
	if !disabled {
		return nil
	}
	if _, err := q.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	_, err = q.exec(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, userID)
	return err
}

// UserByToken returns the enabled user an API token belongs to.
// An expired token is no token.
func (q *Q) UserByToken(ctx context.Context, token string, now time.Time) (*fenliu.User, error) {
	u, err := scanUser(q.row(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.expires_at > ?`, hashToken(token), ms(now)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.Disabled) {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "令牌无效或已停用", EN: "invalid or disabled token"}
	}
	return u, mapErr(err)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// Area returns the area with the id.
func (q *Q) Area(ctx context.Context, id int64) (*fenliu.Area, error) {
	var (
		a        fenliu.Area
		parent   sql.NullInt64
		lat, lng sql.NullFloat64
		roads    string
		outline  string
	)
	err := q.row(ctx, `SELECT id, code, name, level, parent_id, lat, lng, roads, outline FROM areas WHERE id = ?`, id).
		Scan(&a.ID, &a.Code, &a.Name, &a.Level, &parent, &lat, &lng, &roads, &outline)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("区域", "area", id)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	a.ParentID, a.Lat, a.Lng, a.Roads = parent.Int64, fromNullFloat(lat), fromNullFloat(lng), splitRoads(roads)
	if outline != "" {
		a.Outline = []byte(outline)
	}
	return &a, nil
}
