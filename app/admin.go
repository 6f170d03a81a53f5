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

// CreateArea adds an area to the tree.
func (a *App) CreateArea(ctx context.Context, actor *fenliu.User, ar *fenliu.Area) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := ar.Validate(); err != nil {
		return err
	}
	return a.DB.Tx(ctx, func(q *store.Q) error { return q.CreateArea(ctx, ar) })
}

// CreateUnit adds a linkage unit.
func (a *App) CreateUnit(ctx context.Context, actor *fenliu.User, u *fenliu.Unit) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	return a.DB.Tx(ctx, func(q *store.Q) error { return q.CreateUnit(ctx, u) })
}

// CreateUser adds a user; password may be empty for API-only users.
func (a *App) CreateUser(ctx context.Context, actor *fenliu.User, u *fenliu.User, password string) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	return a.createUser(ctx, u, password)
}

func (a *App) createUser(ctx context.Context, u *fenliu.User, password string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	hash := ""
	if password != "" {
		hash = HashPassword(password)
	}
	u.CreatedAt = a.now()
	return a.DB.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u, hash) })
}

// Bootstrap creates a user without an acting admin: for the CLI and the
// demo loader, which run with the operator's authority.
func (a *App) Bootstrap(ctx context.Context, u *fenliu.User, password string) error {
	return a.createUser(ctx, u, password)
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
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		if _, err := q.User(ctx, userID); err != nil {
			return err
		}
		var err error
		tok, err = q.CreateToken(ctx, userID, name, a.now())
		return err
	})
	return tok, err
}

// Login checks a username and password and returns the user.
func (a *App) Login(ctx context.Context, username, password string) (*fenliu.User, error) {
	u, hash, err := a.DB.UserByUsername(ctx, username)
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

// AddShift records a duty-roster entry (勤务报备). Admins and supervisors
// enter any unit's; unit staff report their own unit's.
func (a *App) AddShift(ctx context.Context, actor *fenliu.User, s *store.Shift) error {
	switch {
	case actor.Role == fenliu.RoleAdmin || actor.Role == fenliu.RoleSupervisor:
	case actor.Role == fenliu.RoleUnitStaff && actor.UnitID == s.UnitID:
	default:
		return &fenliu.Error{Code: fenliu.EForbidden, ZH: "无权报备该单位的勤务", EN: "may not report this unit's duty roster"}
	}
	if !s.EndsAt.After(s.StartsAt) || s.EndsAt.Sub(s.StartsAt) > 7*24*time.Hour {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "ends_at", ZH: "结束时间必须晚于开始时间，且一个班次不超过7天", EN: "a shift must end after it starts and last at most 7 days"}
	}
	if strings.TrimSpace(s.Person) == "" {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "person", ZH: "值班人员不能为空", EN: "person on duty is required"}
	}
	return a.DB.Tx(ctx, func(q *store.Q) error {
		if _, err := q.Unit(ctx, s.UnitID); err != nil {
			return err
		}
		return q.CreateShift(ctx, s, actor.ID, a.now())
	})
}

// SettingRoutingMode is the settings key of the city's routing mode.
const SettingRoutingMode = "routing.mode"

// AddRoutingRule stores a routing rule (data a city edits).
func (a *App) AddRoutingRule(ctx context.Context, actor *fenliu.User, r *store.RoutingRule) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if r.UnitID <= 0 {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "unit_id", ZH: "必须指定单位", EN: "unit_id is required"}
	}
	if r.UnitType != "" && !r.UnitType.Valid() {
		return fenliu.Errorf(fenliu.EInvalid, "unit_type", "未知的单位类型「%s」", "unknown unit type %q", r.UnitType)
	}
	if r.Category == "" && r.UnitType == "" {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "category", ZH: "规则至少要指定事项或单位类型", EN: "a rule names a category or a unit type"}
	}
	return a.DB.Tx(ctx, func(q *store.Q) error {
		if _, err := q.Unit(ctx, r.UnitID); err != nil {
			return err
		}
		return q.CreateRoutingRule(ctx, r)
	})
}

// DeleteRoutingRule removes a routing rule.
func (a *App) DeleteRoutingRule(ctx context.Context, actor *fenliu.User, id int64) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	return a.DB.Tx(ctx, func(q *store.Q) error { return q.DeleteRoutingRule(ctx, id) })
}
