package app

import (
	"context"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/geo"
	"github.com/fenliu/fenliu/store"
)

// CreateArea adds an area to the tree.
func (a *App) CreateArea(ctx context.Context, actor *fenliu.User, ar *fenliu.Area) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := ar.Validate(); err != nil {
		return err
	}
	if len(ar.Outline) > 0 {
		if _, err := geo.Outline(ar.Outline); err != nil {
			return err
		}
		if ar.Lat == nil || ar.Lng == nil {
			if y, x, ok := geo.Centre(ar.Outline); ok {
				ar.Lat, ar.Lng = &y, &x
			}
		}
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.CreateArea(ctx, ar) })
}

// CreateUnit adds a linkage unit.
func (a *App) CreateUnit(ctx context.Context, actor *fenliu.User, u *fenliu.Unit) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.CreateUnit(ctx, u) })
}

// CreateUser adds a user; password may be empty for API-only users.
func (a *App) CreateUser(ctx context.Context, actor *fenliu.User, u *fenliu.User, password string) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if password != "" {
		if err := CheckPasswordPolicy(u.Username, password); err != nil {
			return err
		}
	}
	return a.createUser(ctx, u, password)
}

// CreateUserHashed adds a user whose password was hashed already
// (HashPassword): for loaders that give many accounts one password and
// need not spend a hash (tens of milliseconds, by design) on each.
func (a *App) CreateUserHashed(ctx context.Context, actor *fenliu.User, u *fenliu.User, hash string) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	return a.createUserHashed(ctx, u, hash)
}

func (a *App) createUser(ctx context.Context, u *fenliu.User, password string) error {
	hash := ""
	if password != "" {
		hash = HashPassword(password)
	}
	return a.createUserHashed(ctx, u, hash)
}

func (a *App) createUserHashed(ctx context.Context, u *fenliu.User, hash string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	if hash != "" && !strings.HasPrefix(hash, "$argon2id$") {
		return fenliu.Errorf(fenliu.EInvalid, "password", "密码摘要格式不正确", "the password hash is not an argon2id hash")
	}
	u.CreatedAt = a.now()
	return a.db.Tx(ctx, func(q *store.Q) error { return q.CreateUser(ctx, u, hash) })
}

// Bootstrap creates a user without an acting admin: for the CLI and the
// demo loader, which run with the operator's authority.
func (a *App) Bootstrap(ctx context.Context, u *fenliu.User, password string) error {
	return a.createUser(ctx, u, password)
}

// BootstrapHashed is Bootstrap with a password hashed already.
func (a *App) BootstrapHashed(ctx context.Context, u *fenliu.User, hash string) error {
	return a.createUserHashed(ctx, u, hash)
}

// AddShift records a duty-roster entry (勤务报备): admins and supervisors
// enter any unit's; unit staff report their own unit's.
func (a *App) AddShift(ctx context.Context, actor *fenliu.User, sh *fenliu.Shift) error {
	if err := fenliu.CanReportRoster(actor, sh.UnitID); err != nil {
		return err
	}
	if err := sh.Validate(); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		if _, err := q.Unit(ctx, sh.UnitID); err != nil {
			return err
		}
		return q.CreateShift(ctx, sh, actor.ID, a.now())
	})
}

// Shifts lists the roster entries overlapping [from, to) that the actor may
// read (fenliu.CanReadRoster): with the duty phones, only those who need
// them — unit staff only their own unit's.
func (a *App) Shifts(ctx context.Context, actor *fenliu.User, from, to time.Time) ([]*fenliu.Shift, error) {
	if err := fenliu.CanReadRosters(actor); err != nil {
		return nil, err
	}
	if from.IsZero() {
		from = a.now().Add(-24 * time.Hour)
	}
	if to.IsZero() || !to.After(from) {
		to = from.Add(8 * 24 * time.Hour)
	}
	all, err := a.db.Shifts(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := []*fenliu.Shift{}
	for _, sh := range all {
		if fenliu.CanReadRoster(actor, sh.UnitID) == nil {
			out = append(out, sh)
		}
	}
	return out, nil
}

// AddRoutingRule stores a routing rule (data a city edits).
func (a *App) AddRoutingRule(ctx context.Context, actor *fenliu.User, r *fenliu.RoutingRule) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
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
	return a.db.Tx(ctx, func(q *store.Q) error { return q.DeleteRoutingRule(ctx, id) })
}

// RoutingRules lists the routing rules and the routing mode, for those who
// dispatch or administer.
func (a *App) RoutingRules(ctx context.Context, actor *fenliu.User) ([]*fenliu.RoutingRule, string, error) {
	if err := fenliu.CanReadRouting(actor); err != nil {
		return nil, "", err
	}
	rules, err := a.db.RoutingRules(ctx)
	if err != nil {
		return nil, "", err
	}
	s, err := a.settings(ctx)
	if err != nil {
		return nil, "", err
	}
	return rules, s.get(SettingRoutingMode), nil
}

// Units lists every unit (the directory every role picks from).
func (a *App) Units(ctx context.Context, actor *fenliu.User) ([]*fenliu.Unit, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, err
	}
	return a.db.Units(ctx)
}

// Unit returns one unit.
func (a *App) Unit(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.Unit, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, err
	}
	return a.db.Unit(ctx, id)
}

// Areas lists the area tree, parents first.
func (a *App) Areas(ctx context.Context, actor *fenliu.User) ([]*fenliu.Area, error) {
	if err := fenliu.CanReadDirectory(actor); err != nil {
		return nil, err
	}
	return a.db.Areas(ctx)
}

// Users lists every user (admins only).
func (a *App) Users(ctx context.Context, actor *fenliu.User) ([]*fenliu.User, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	return a.db.Users(ctx)
}

// AdminDirectory is what the administration screen shows.
type AdminDirectory struct {
	Users  []*fenliu.User
	Units  []*fenliu.Unit
	Areas  []*fenliu.Area
	Shifts []*fenliu.Shift
}

// AdminDirectory reads the administration screen.
func (a *App) AdminDirectory(ctx context.Context, actor *fenliu.User) (*AdminDirectory, error) {
	if err := fenliu.CanAdminister(actor); err != nil {
		return nil, err
	}
	var d AdminDirectory
	var err error
	if d.Users, err = a.db.Users(ctx); err != nil {
		return nil, err
	}
	if d.Units, err = a.db.Units(ctx); err != nil {
		return nil, err
	}
	if d.Areas, err = a.db.Areas(ctx); err != nil {
		return nil, err
	}
	now := a.now()
	if d.Shifts, err = a.db.Shifts(ctx, now.Add(-24*time.Hour), now.Add(14*24*time.Hour)); err != nil {
		return nil, err
	}
	return &d, nil
}

// Empty reports whether the database has no users yet (a fresh database).
func (a *App) Empty(ctx context.Context) (bool, error) {
	users, err := a.db.Users(ctx)
	return len(users) == 0, err
}
