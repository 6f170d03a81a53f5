package app

import (
	"context"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Editing the directory (系统管理): users, units, areas and roster entries
// are changed in place, by administrators — a unit's staff change their own
// unit's roster (勤务报备). A disabled user can no longer sign in, and their
// sessions and API tokens stop working at once (the store refuses a
// disabled user's session and token).

// UpdateUser changes a user's display name, role, unit and whether the
// account is disabled. An administrator cannot disable themself.
func (a *App) UpdateUser(ctx context.Context, actor *fenliu.User, u *fenliu.User) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if u.Role != fenliu.RoleUnitStaff {
		u.UnitID = 0
	}
	if u.ID == actor.ID && (u.Disabled || u.Role != actor.Role) {
		return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "disabled", ZH: "不能停用自己的账号或改变自己的角色", EN: "you cannot disable your own account or change your own role"}
	}
	return a.db.Tx(ctx, func(q *store.Q) error {
		old, err := q.User(ctx, u.ID)
		if err != nil {
			return err
		}
		u.Username, u.CreatedAt = old.Username, old.CreatedAt
		if err := u.Validate(); err != nil {
			return err
		}
		if u.UnitID != 0 {
			if _, err := q.Unit(ctx, u.UnitID); err != nil {
				return err
			}
		}
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		if u.Disabled {
			return q.DeleteSessionsOf(ctx, u.ID)
		}
		return nil
	})
}

// ResetPassword sets a new password for a user and ends their sessions.
func (a *App) ResetPassword(ctx context.Context, actor *fenliu.User, userID int64, password string) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if len([]rune(password)) < 8 {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "password", ZH: "新密码至少 8 个字符", EN: "the new password needs at least 8 characters"}
	}
	hash := HashPassword(password)
	return a.db.Tx(ctx, func(q *store.Q) error { return q.SetPasswordHash(ctx, userID, hash) })
}

// UpdateUnit changes a unit: code, name, type, parent, duty phone, whether
// it is staffed around the clock, the areas it serves.
func (a *App) UpdateUnit(ctx context.Context, actor *fenliu.User, u *fenliu.Unit) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if u.ParentID == u.ID {
		return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "parent_id", ZH: "上级单位不能是本单位", EN: "a unit cannot be its own parent"}
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.UpdateUnit(ctx, u) })
}

// UpdateArea changes an area's code, name, level and parent.
func (a *App) UpdateArea(ctx context.Context, actor *fenliu.User, ar *fenliu.Area) error {
	if err := fenliu.CanAdminister(actor); err != nil {
		return err
	}
	if err := ar.Validate(); err != nil {
		return err
	}
	if ar.ParentID == ar.ID {
		return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "parent_id", ZH: "上级区域不能是本区域", EN: "an area cannot be its own parent"}
	}
	return a.db.Tx(ctx, func(q *store.Q) error { return q.UpdateArea(ctx, ar) })
}

// UpdateShift changes a roster entry: admins and supervisors any unit's,
// unit staff their own unit's (fenliu.CanReportRoster).
func (a *App) UpdateShift(ctx context.Context, actor *fenliu.User, sh *fenliu.Shift) error {
	return a.db.Tx(ctx, func(q *store.Q) error {
		old, err := q.Shift(ctx, sh.ID)
		if err != nil {
			return err
		}
		if err := fenliu.CanReportRoster(actor, old.UnitID); err != nil {
			return err
		}
		sh.UnitID = old.UnitID
		if err := sh.Validate(); err != nil {
			return err
		}
		return q.UpdateShift(ctx, sh)
	})
}

// CanEditShift reports whether the actor may change roster entry id (as
// UpdateShift), so an edge can refuse before it reads the form.
func (a *App) CanEditShift(ctx context.Context, actor *fenliu.User, id int64) error {
	old, err := a.db.Shift(ctx, id)
	if err != nil {
		return err
	}
	return fenliu.CanReportRoster(actor, old.UnitID)
}

// DeleteShift removes a roster entry (who may: as UpdateShift).
func (a *App) DeleteShift(ctx context.Context, actor *fenliu.User, id int64) error {
	return a.db.Tx(ctx, func(q *store.Q) error {
		old, err := q.Shift(ctx, id)
		if err != nil {
			return err
		}
		if err := fenliu.CanReportRoster(actor, old.UnitID); err != nil {
			return err
		}
		return q.DeleteShift(ctx, id)
	})
}
