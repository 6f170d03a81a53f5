package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
	"golang.org/x/crypto/argon2"
)

// Authenticate returns the user an API token belongs to.
func (a *App) Authenticate(ctx context.Context, token string) (*fenliu.User, error) {
	if token == "" {
		return nil, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "缺少访问令牌", EN: "missing API token"}
	}
	return a.db.UserByToken(ctx, token, a.now())
}

// TokenTTL is how long an API token lasts.
const TokenTTL = 90 * 24 * time.Hour

// Token is an API token as listed (its reference, never its secret).
type Token = store.Token

// Tokens lists a user's live tokens: one's own, or anyone's for admins.
func (a *App) Tokens(ctx context.Context, actor *fenliu.User, userID int64) ([]*Token, error) {
	if actor.ID != userID {
		if err := fenliu.CanAdminister(actor); err != nil {
			return nil, err
		}
	}
	return a.db.Tokens(ctx, userID, a.now())
}

// RevokeToken deletes a token by its reference: one's own, or anyone's for
// admins. It stops working at once.
func (a *App) RevokeToken(ctx context.Context, actor *fenliu.User, userID int64, ref string) error {
	if actor.ID != userID {
		if err := fenliu.CanAdminister(actor); err != nil {
			return err
		}
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		found, err := q.RevokeToken(ctx, userID, ref)
		if err == nil && !found {
			err = fenliu.NotFound("令牌", "token", ref)
		}
		return err
	})
}

// SetDisabled disables (or enables again) a user account (admins): a
// disabled user's sessions end and tokens are deleted at once, and the
// account cannot sign in.
func (a *App) SetDisabled(ctx context.Context, actor *fenliu.User, userID int64, disabled bool) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if disabled && actor.ID == userID {
		return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: "不能停用自己的账号", EN: "you cannot disable your own account"}
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.SetDisabled(ctx, userID, disabled) })
}

// CreateToken issues an API token for a user. Admins may issue tokens for
// anyone; others only for themselves. actor nil means the operator (CLI).
func (a *App) CreateToken(ctx context.Context, actor *fenliu.User, userID int64, name string) (string, error) {
	if actor != nil && actor.ID != userID {
		if err := fenliu.CanAdminister(actor); err != nil {
			return "", err
		}
	}
	var tok string
	err := a.db.Tx(ctx, func(q *store.Q) error {
		if _, err := q.User(ctx, userID); err != nil {
			return err
		}
		var err error
		now := a.now()
		tok, err = q.CreateToken(ctx, userID, name, now, now.Add(TokenTTL))
		return err
	})
	return tok, err
}

// Login checks a username and password and returns the user.
func (a *App) Login(ctx context.Context, username, password string) (*fenliu.User, error) {
	u, hash, err := a.db.UserByUsername(ctx, username)
	bad := &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "用户名或密码错误", EN: "wrong username or password"}
	if err != nil {
		if fenliu.ErrorCode(err) == fenliu.ENotFound {
			CheckPassword("$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", password)
			return nil, bad
		}
		return nil, err
	}
	if u.Disabled || hash == "" || !CheckPassword(hash, password) {
		return nil, bad
	}
	return u, nil
}

// Argon2id parameters (OWASP's minimum recommendation).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) string {
	var salt [16]byte
	rand.Read(salt[:])
	key := argon2.IDKey([]byte(password), salt[:], argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt[:]), enc.EncodeToString(key))
}

// CheckPassword reports whether password matches a HashPassword hash.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Session is a signed-in browser.
type Session struct {
	ID   string // the cookie's secret
	User *fenliu.User
	CSRF string
}

// SignIn checks a username and password and starts a console session that
// lasts ttl.
func (a *App) SignIn(ctx context.Context, username, password string, ttl time.Duration) (*Session, error) {
	u, err := a.Login(ctx, username, password)
	if err != nil {
		return nil, err
	}
	now := a.now()
	s := &Session{User: u}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		s.ID, s.CSRF, err = q.CreateSession(ctx, u.ID, now, now.Add(ttl))
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SessionIdle is how long a console session may go unused before it ends.
const SessionIdle = 30 * time.Minute

// Session returns the live session with the cookie's secret; one unused
// for SessionIdle has ended. Each use keeps it alive (noted at most once a
// minute).
func (a *App) Session(ctx context.Context, id string) (*Session, error) {
	now := a.now()
	st, err := a.db.Session(ctx, id, now, SessionIdle)
	if err != nil {
		return nil, err
	}
	if now.Sub(st.LastSeen) > time.Minute {
		if err := a.db.Tx(ctx, func(q *store.Q) error { return q.TouchSession(ctx, id, now) }); err != nil {
			return nil, err
		}
	}
	return &Session{ID: id, User: st.User, CSRF: st.CSRF}, nil
}

// SignOut ends a session (and removes expired ones).
func (a *App) SignOut(ctx context.Context, id string) error {
	return a.db.Tx(ctx, func(q *store.Q) error { return q.DeleteSession(ctx, id, a.now()) })
}
