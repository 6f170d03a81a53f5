package fenliu

import "strings"

// Permission rules: who may do what. The service layer calls these for every
// caller (API, console, CLI); storage and HTTP code never decide permissions.

// CanIntake reports whether the user may record incidents.
func CanIntake(u *User) error {
	switch u.Role {
	case RoleCallTaker, RoleLinkageDesk, RoleSupervisor, RoleAdmin, RoleUnitStaff:
		return nil
	}
	return forbidden("录入警情", "record incidents", u.Role)
}

// CanDecide reports whether the user may decide or change an incident's
// disposition, and dispatch or re-route its orders (the dispatcher's work).
func CanDecide(u *User) error {
	switch u.Role {
	case RoleCallTaker, RoleLinkageDesk, RoleSupervisor, RoleAdmin:
		return nil
	}
	return forbidden("研判派单", "decide and dispatch", u.Role)
}

// CanAdminister reports whether the user may manage units, areas, users and the catalogue.
func CanAdminister(u *User) error {
	if u.Role == RoleAdmin {
		return nil
	}
	return forbidden("系统管理", "administer", u.Role)
}

// CanAct reports whether the user may perform action a on order o.
func CanAct(u *User, a Action, o *Order) error {
	switch a {
	case ActSign, ActArrive, ActFeedback, ActReturn, ActHandDown:
		// The unit's own staff do the unit's work — and the staff of the unit
		// an escalated order went to; supervisors and admins may act for a
		// unit that works by phone (recorded under their name).
		if u.Role == RoleUnitStaff {
			if !ownsOrder(u, o) {
				return otherUnit()
			}
			return nil
		}
		if u.Role == RoleSupervisor || u.Role == RoleAdmin {
			return nil
		}
	case ActVerify, ActReopen, ActReroute, ActCancel, ActReject:
		if err := CanDecide(u); err == nil {
			return nil
		}
	case ActCallback:
		if u.Role == RoleCallback || u.Role == RoleSupervisor || u.Role == RoleAdmin {
			return nil
		}
	}
	return &Error{Code: EForbidden, Field: "action",
		ZH: "角色「" + u.Role.ZH() + "」不能执行「" + a.ZH() + "」",
		EN: "role " + string(u.Role) + " may not " + string(a) + " an order"}
}

// CanSeeOrder reports whether the user may read order o: unit staff see
// their own unit's orders and those escalated to their unit (提级盯办);
// every other role sees all.
func CanSeeOrder(u *User, o *Order) error {
	if u.Role == RoleUnitStaff && !ownsOrder(u, o) {
		return otherUnit()
	}
	return nil
}

// ownsOrder: the order is the unit staff's unit's, or was escalated to it.
func ownsOrder(u *User, o *Order) bool {
	return u.UnitID == o.UnitID || (o.EscalatedTo != 0 && u.UnitID == o.EscalatedTo)
}

// SeesAllUnits reports whether the user's reads are not limited to one unit.
func SeesAllUnits(u *User) bool { return u.Role != RoleUnitStaff }

// CallerAccess is how much of a caller's name and phone a user may see
// (personal data on a need-to-know basis, PIPL's minimisation).
type CallerAccess int

const (
	// CallerHidden: masked (138****4389, 张*), and no reveal.
	CallerHidden CallerAccess = iota
	// CallerMasked: masked, with an explicit reveal (a reason, recorded).
	CallerMasked
	// CallerFull: shown in full; each read is recorded.
	CallerFull
)

// String names the access level.
func (c CallerAccess) String() string {
	switch c {
	case CallerFull:
		return "full"
	case CallerMasked:
		return "masked"
	}
	return "hidden"
}

// MarshalText writes the level's name (JSON: "full", "masked", "hidden").
func (c CallerAccess) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// CallerAccessTo is the one policy for callers' personal data, applied to
// every screen, endpoint, export and live message:
//
//   - call-takers and the linkage desk handle calls: in full;
//   - whoever recorded the incident (they heard the caller): in full;
//   - callback staff, for the calls they are to make (an order of the
//     incident awaits its callback): in full; otherwise hidden;
//   - unit staff whose unit has an open order of the incident: masked, with
//     a recorded reveal to call the caller back; other units: hidden;
//   - supervisors, leaders and administrators: hidden (they judge the
//     handling, not the caller); exports, webhooks and public pages too.
//
// orders are the incident's orders (all of them).
func CallerAccessTo(u *User, inc *Incident, orders []*Order) CallerAccess {
	if u == nil || inc == nil {
		return CallerHidden
	}
	switch u.Role {
	case RoleCallTaker, RoleLinkageDesk:
		return CallerFull
	}
	if inc.RecordedBy == u.ID && u.ID != 0 {
		return CallerFull
	}
	switch u.Role {
	case RoleCallback:
		for _, o := range orders {
			if o.State.In(StatesAwaitingCallback) {
				return CallerFull
			}
		}
	case RoleUnitStaff:
		for _, o := range orders {
			if ownsOrder(u, o) && o.State.Open() {
				return CallerMasked
			}
		}
	}
	return CallerHidden
}

// CanSearchByPhone reports whether the user may look incidents up by a
// caller's phone number (a search by phone reads personal data): those who
// see callers in full by role.
func CanSearchByPhone(u *User) error {
	if u.Role == RoleCallTaker || u.Role == RoleLinkageDesk {
		return nil
	}
	return forbidden("按来电号码查询", "search by caller phone", u.Role)
}

// CanReadAccessLog reports whether the user may list the reads and reveals
// of personal data (the access log): administrators.
func CanReadAccessLog(u *User) error { return CanAdminister(u) }

// MaskPhone shows a phone number's first three and last four digits
// (138****4389); shorter numbers keep only their last two.
func MaskPhone(p string) string {
	r := []rune(p)
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 11:
		return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
	case len(r) > 4:
		return strings.Repeat("*", len(r)-2) + string(r[len(r)-2:])
	}
	return strings.Repeat("*", len(r))
}

// MaskName keeps a name's first character (张*, 欧***).
func MaskName(n string) string {
	r := []rune(n)
	if len(r) == 0 {
		return ""
	}
	return string(r[:1]) + strings.Repeat("*", max(len(r)-1, 1))
}

// MaskCaller replaces an incident's caller name and phone with their masked
// forms, in place.
func MaskCaller(inc *Incident) {
	inc.CallerName, inc.CallerPhone = MaskName(inc.CallerName), MaskPhone(inc.CallerPhone)
}

// CanReplyNotice reports whether the user may reply to a notice: the staff
// of the unit it is addressed to, the role it is addressed to, and
// supervisors and admins (for a unit that works by phone).
func CanReplyNotice(u *User, n *Notice) error {
	switch {
	case u.Role == RoleSupervisor || u.Role == RoleAdmin:
		return nil
	case u.Role == RoleUnitStaff && n.UnitID != 0:
		if u.UnitID == n.UnitID {
			return nil
		}
		return NotFound("通知", "notice", n.ID)
	case n.UnitID == 0 && n.ToRole == u.Role:
		return nil
	}
	return forbidden("回复通知", "reply to notices", u.Role)
}

// CanReadRosters reports whether the user may read duty rosters (with the
// duty phones) at all: those who dispatch, supervise, lead or administer,
// and unit staff (their own unit's only, CanReadRoster).
func CanReadRosters(u *User) error {
	switch u.Role {
	case RoleCallTaker, RoleLinkageDesk, RoleSupervisor, RoleLeader, RoleAdmin, RoleUnitStaff:
		return nil
	}
	return forbidden("查看勤务报备", "read duty rosters", u.Role)
}

// CanReadRoster reports whether the user may read a unit's roster entries.
func CanReadRoster(u *User, unitID int64) error {
	if err := CanReadRosters(u); err != nil {
		return err
	}
	if u.Role == RoleUnitStaff && u.UnitID != unitID {
		return otherUnit()
	}
	return nil
}

// CanReportRoster reports whether the user may enter a unit's duty roster
// (勤务报备): admins and supervisors any unit's, unit staff their own.
func CanReportRoster(u *User, unitID int64) error {
	switch {
	case u.Role == RoleAdmin || u.Role == RoleSupervisor:
		return nil
	case u.Role == RoleUnitStaff && u.UnitID == unitID:
		return nil
	}
	return &Error{Code: EForbidden, ZH: "无权报备该单位的勤务", EN: "may not report this unit's duty roster"}
}

// CanReadRouting reports whether the user may read the routing rules and
// mode: those who dispatch and administer.
func CanReadRouting(u *User) error {
	if CanDecide(u) == nil || u.Role == RoleLeader {
		return nil
	}
	return forbidden("查看分派规则", "read routing rules", u.Role)
}

// CanReadDirectory reports whether the user may read the units and areas
// (every signed-in role picks from them).
func CanReadDirectory(u *User) error {
	if u != nil && u.Role.Valid() {
		return nil
	}
	return forbidden("查看单位和区域", "read the directory", "")
}

// CanNote reports whether the user may add notes to an incident's record
// (leaders only read).
func CanNote(u *User) error {
	if u.Role == RoleLeader {
		return &Error{Code: EForbidden, ZH: "领导账号为只读", EN: "leader accounts are read-only"}
	}
	return nil
}

func otherUnit() *Error {
	return &Error{Code: ENotFound, ZH: "工单不存在或不属于本单位", EN: "order not found or not your unit's"}
}

func forbidden(zh, en string, r Role) *Error {
	return &Error{Code: EForbidden, ZH: "角色「" + r.ZH() + "」无权" + zh, EN: "role " + string(r) + " may not " + en}
}

// ZH is the role's Chinese label.
func (r Role) ZH() string {
	switch r {
	case RoleCallTaker:
		return "110接警员"
	case RoleLinkageDesk:
		return "12345联动专席"
	case RoleUnitStaff:
		return "联动单位"
	case RoleSupervisor:
		return "督办员"
	case RoleCallback:
		return "回访员"
	case RoleLeader:
		return "领导"
	case RoleAdmin:
		return "管理员"
	}
	return string(r)
}

// AllowedActions lists the actions user u may take on order o now: those
// its role permits and the order's state allows.
func AllowedActions(u *User, o *Order) []Action {
	var out []Action
	for _, a := range Actions {
		if CanAct(u, a, o) != nil {
			continue
		}
		if _, err := Transition(o.State, a); err != nil {
			continue
		}
		out = append(out, a)
	}
	return out
}

// CanSupervise reports whether the user may see supervision screens and
// send supervision notices and rectification requests.
func CanSupervise(u *User) error {
	switch u.Role {
	case RoleSupervisor, RoleLeader, RoleAdmin:
		return nil
	}
	return forbidden("督办", "supervise", u.Role)
}

// CanReport reports whether the user may see the rates; unit staff see
// only their own unit's (the caller restricts the query).
func CanReport(u *User) error {
	if u.Role.Valid() {
		return nil
	}
	return forbidden("查看统计", "see reports", u.Role)
}

// CanCallBack reports whether the user works the callback queue.
func CanCallBack(u *User) error { return CanAct(u, ActCallback, &Order{}) }

// ActsForUnit reports whether action a is a unit's own work done by someone
// else on its behalf — a supervisor or admin recording what a unit that
// works by phone reported. Screens offer such actions apart from the
// user's own, so a supervisor is not invited to sign for a unit's order.
func ActsForUnit(u *User, a Action) bool {
	switch a {
	case ActSign, ActArrive, ActFeedback, ActReturn, ActHandDown:
		return u.Role != RoleUnitStaff
	}
	return false
}

// CanManageModels reports whether the user may install triage models,
// list their versions and switch between them: admins.
func CanManageModels(u *User) error {
	if u.Role == RoleAdmin {
		return nil
	}
	return forbidden("管理研判模型", "manage triage models", u.Role)
}

// CanReadDisagreements reports whether the user may read where the engine
// and people disagree: leaders and admins.
func CanReadDisagreements(u *User) error {
	if u.Role == RoleLeader || u.Role == RoleAdmin {
		return nil
	}
	return forbidden("查看研判分歧", "read triage disagreements", u.Role)
}
