package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/fenliu/fenliu"
)

// Session is a signed-in browser.
type Session struct {
	User      *fenliu.User
	CSRF      string
	ExpiresAt time.Time
	LastSeen  time.Time
}

// TouchSession notes that a session was used now.
func (q *Q) TouchSession(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`, ms(now), sha(id))
	return err
}

func randToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a session for the user and returns its secret id
// (kept only as a hash) and CSRF token.
func (q *Q) CreateSession(ctx context.Context, userID int64, now, expires time.Time) (id, csrf string, err error) {
	id, csrf = randToken(32), randToken(24)
	_, err = q.exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)`,
		sha(id), userID, csrf, ms(now), ms(expires), ms(now))
	return id, csrf, err
}

// Session returns the live session with the id, or an unauthorized error:
// a session unused for idle has ended too (idle 0: no idle limit).
func (q *Q) Session(ctx context.Context, id string, now time.Time, idle time.Duration) (*Session, error) {
	var (
		s        Session
		expires  int64
		uid      int64
		lastSeen int64
	)
	err := q.row(ctx, `SELECT user_id, csrf, expires_at, last_seen FROM sessions WHERE id_hash = ? AND expires_at > ?`, sha(id), ms(now)).Scan(&uid, &s.CSRF, &expires, &lastSeen)
	if err == nil && idle > 0 && fromMS(lastSeen).Add(idle).Before(now) {
		err = sql.ErrNoRows
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "登录已过期，请重新登录", EN: "session expired; sign in again"}
	}
	if err != nil {
		return nil, mapErr(err)
	}
	u, err := q.User(ctx, uid)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "账号已停用", EN: "account disabled"}
	}
	s.User, s.ExpiresAt, s.LastSeen = u, fromMS(expires), fromMS(lastSeen)
	return &s, nil
}

// DeleteSession ends a session (logout), and any expired ones.
func (q *Q) DeleteSession(ctx context.Context, id string, now time.Time) error {
	_, err := q.exec(ctx, `DELETE FROM sessions WHERE id_hash = ? OR expires_at <= ?`, sha(id), ms(now))
	return err
}

// CreateUpload stores a file and sets its ID and token.
func (q *Q) CreateUpload(ctx context.Context, u *fenliu.Upload) error {
	if u.Token == "" {
		u.Token = randToken(18)
	}
	h := sha256.Sum256(u.Data)
	u.SHA256, u.Size = hex.EncodeToString(h[:]), int64(len(u.Data))
	return mapErr(q.row(ctx, `INSERT INTO uploads (token, name, content_type, size, sha256, data, created_by, created_at, incident_id, order_id, addr)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, u.Token, u.Name, u.ContentType, u.Size, u.SHA256, u.Data,
		nullID(u.CreatedBy), ms(u.CreatedAt), nullID(u.IncidentID), nullID(u.OrderID), u.Addr).Scan(&u.ID))
}

// UploadByToken returns a stored file.
func (q *Q) UploadByToken(ctx context.Context, token string) (*fenliu.Upload, error) {
	var (
		u            fenliu.Upload
		by, inc, ord sql.NullInt64
		created      int64
	)
	err := q.row(ctx, `SELECT id, token, name, content_type, size, sha256, data, created_by, created_at, incident_id, order_id FROM uploads WHERE token = ?`, token).
		Scan(&u.ID, &u.Token, &u.Name, &u.ContentType, &u.Size, &u.SHA256, &u.Data, &by, &created, &inc, &ord)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fenliu.NotFound("附件", "file", token)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	u.CreatedBy, u.CreatedAt, u.IncidentID, u.OrderID = by.Int64, fromMS(created), inc.Int64, ord.Int64
	return &u, nil
}
