package fenliu

import "time"

// Supervision rules (督办): which limits run in each state, when an order
// draws a warning (预警), is overdue, gets a supervision notice (督办单) and
// is escalated (提级盯办). Pure functions of an order and the time; the
// scheduler persists timers and fires each exactly once.

// Stage names one time limit of an order.
type Stage string

const (
	StageSign     Stage = "sign"     // 签收
	StageArrive   Stage = "arrive"   // 到达
	StageFeedback Stage = "feedback" // 反馈
	StageClose    Stage = "close"    // 办结
	StageCallback Stage = "callback" // 回访 (the callback team's limit)
)

// ZH is the stage's Chinese label.
func (s Stage) ZH() string {
	switch s {
	case StageSign:
		return "签收"
	case StageArrive:
		return "到达"
	case StageFeedback:
		return "反馈"
	case StageClose:
		return "办结"
	case StageCallback:
		return "回访"
	}
	return string(s)
}

// The named state sets that rules, queries and screens share.
var (
	// StatesAwaitingSign: the unit has not signed for the order yet.
	StatesAwaitingSign = []OrderState{StateDispatched}
	// StatesAtWork: signed and working; the feedback clock runs.
	StatesAtWork = []OrderState{StateSigned, StateArrived, StateReopened}
	// StatesAwaitingVerify: fed back; the dispatcher verifies and closes.
	StatesAwaitingVerify = []OrderState{StateFedBack}
	// StatesAwaitingCallback: closed; the caller is to be called back.
	StatesAwaitingCallback = []OrderState{StateClosed}
)

// In reports whether s is one of states.
func (s OrderState) In(states []OrderState) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}

// FeedbackClockRunning reports whether the feedback limit runs in state s.
func (s OrderState) FeedbackClockRunning() bool { return s.In(StatesAtWork) }

// CloseClockRunning reports whether the close limit runs in state s: every
// open state but a returned order waiting to be re-routed.
func (s OrderState) CloseClockRunning() bool { return s.Open() && s != StateReturned }

// Deadline is one running limit of an order.
type Deadline struct {
	Stage Stage
	At    time.Time
}

// Runs reports whether the clock of stage s runs for the order in its
// current state: signing while dispatched; arrival until the unit arrives
// (since the limits were last set); feedback while at work; closing while
// open and not returned.
func Runs(o *Order, s Stage) bool {
	switch s {
	case StageSign:
		return o.State.In(StatesAwaitingSign)
	case StageArrive:
		arrived := o.ArrivedAt != nil && !o.ArrivedAt.Before(o.LimitsStart())
		return !arrived && (o.State == StateDispatched || o.State == StateSigned || o.State == StateReopened)
	case StageFeedback:
		return o.State.FeedbackClockRunning()
	case StageClose:
		return o.State.CloseClockRunning()
	case StageCallback:
		return o.State.In(StatesAwaitingCallback)
	}
	return false
}

// Stages lists the stages in order.
var Stages = []Stage{StageSign, StageArrive, StageFeedback, StageClose, StageCallback}

// Running returns the limits that run for the order in its current state
// and have a deadline, in stage order.
func Running(o *Order) []Deadline {
	var out []Deadline
	for _, s := range Stages {
		if t := o.due(s); t != nil && Runs(o, s) {
			out = append(out, Deadline{s, *t})
		}
	}
	return out
}

// LimitsStart is when the order's limits started to run: when they were
// last set (dispatch, reopen), or its dispatch.
func (o *Order) LimitsStart() time.Time {
	if o.LimitsFrom.IsZero() {
		return o.DispatchedAt
	}
	return o.LimitsFrom
}

// due returns the order's deadline for stage s.
func (o *Order) due(s Stage) *time.Time {
	switch s {
	case StageSign:
		return o.SignDue
	case StageArrive:
		return o.ArriveDue
	case StageFeedback:
		return o.FeedbackDue
	case StageClose:
		return o.CloseDue
	case StageCallback:
		return o.CallbackDue
	}
	return nil
}

// WarnShare is the share of a time limit after which a warning is raised.
const WarnShare = 0.8

// WarnAt is when a limit running from `from` to due draws its warning.
func WarnAt(from, due time.Time) time.Time {
	return from.Add(time.Duration(float64(due.Sub(from)) * WarnShare))
}

// stageStart is when stage s's limit started: when the limits were last
// set — for the callback, when the incident's work was done (the only limit
// that runs then).
func (o *Order) stageStart(s Stage) time.Time { return o.LimitsStart() }

// Watch returns when the order next draws a warning and when it is next
// overdue, over every limit running in its state — the one definition of
// "near the limit" and "overdue" (stored with the order, so the supervision
// board's query only compares times). Nil when nothing runs.
func Watch(o *Order) (warn, due *time.Time) {
	for _, d := range Running(o) {
		from := o.stageStart(d.Stage)
		w := d.At
		if d.At.After(from) {
			w = WarnAt(from, d.At)
		}
		if warn == nil || w.Before(*warn) {
			warn = &w
		}
		if due == nil || d.At.Before(*due) {
			at := d.At
			due = &at
		}
	}
	return warn, due
}

// Overdue reports whether a limit running for the order has passed.
func Overdue(o *Order, now time.Time) bool {
	_, due := Watch(o)
	return due != nil && now.After(*due)
}

// NearDue reports whether the order is past a warning point and not yet
// overdue (临期).
func NearDue(o *Order, now time.Time) bool {
	warn, _ := Watch(o)
	return warn != nil && !now.Before(*warn) && !Overdue(o, now)
}

// TimerKind names what a timer does when it fires.
type TimerKind string

const (
	TimerWarnSign     TimerKind = "warn_sign"     // 签收预警
	TimerOverSign     TimerKind = "over_sign"     // 签收超时
	TimerWarnArrive   TimerKind = "warn_arrive"   // 到达预警
	TimerOverArrive   TimerKind = "over_arrive"   // 到达超时
	TimerWarnFeedback TimerKind = "warn_feedback" // 反馈预警
	TimerOverFeedback TimerKind = "over_feedback" // 反馈超时
	TimerWarnClose    TimerKind = "warn_close"    // 办结预警
	TimerOverClose    TimerKind = "over_close"    // 办结超时
	TimerWarnCallback TimerKind = "warn_callback" // 回访预警
	TimerOverCallback TimerKind = "over_callback" // 回访超时
	TimerEscalate     TimerKind = "escalate"      // 超时后仍未处理：提级
)

var stageTimers = map[Stage][2]TimerKind{
	StageSign:     {TimerWarnSign, TimerOverSign},
	StageArrive:   {TimerWarnArrive, TimerOverArrive},
	StageFeedback: {TimerWarnFeedback, TimerOverFeedback},
	StageClose:    {TimerWarnClose, TimerOverClose},
	StageCallback: {TimerWarnCallback, TimerOverCallback},
}

// StageOf returns the stage a warning or overdue timer belongs to ("" for
// an escalation).
func (k TimerKind) StageOf() Stage {
	for s, ks := range stageTimers {
		if ks[0] == k || ks[1] == k {
			return s
		}
	}
	return ""
}

// Warning reports whether k is a warning timer.
func (k TimerKind) Warning() bool {
	s := k.StageOf()
	return s != "" && stageTimers[s][0] == k
}

// Timer is one deadline event of an order.
type Timer struct {
	Kind TimerKind
	At   time.Time
}

// Timers returns the timers an order should have armed in its current state:
// for every running limit a warning at WarnShare of it and the limit itself;
// for the sign, arrival and feedback limits also an escalation when the
// order stays overdue for as long again. The scheduler fires each (order,
// kind, time) once, however often an order is re-armed: a reopened order's
// fresh limits are new times, a new round.
func Timers(o *Order) []Timer {
	var out []Timer
	for _, d := range Running(o) {
		from := o.stageStart(d.Stage)
		if !d.At.After(from) {
			continue
		}
		ks := stageTimers[d.Stage]
		out = append(out, Timer{ks[0], WarnAt(from, d.At)}, Timer{ks[1], d.At})
		if d.Stage == StageSign || d.Stage == StageArrive || d.Stage == StageFeedback {
			out = append(out, Timer{TimerEscalate, d.At.Add(d.At.Sub(from))})
		}
	}
	return out
}

// StillDue reports whether a timer of kind k is still meaningful for the
// order as it is now (it may have been signed or closed since the timer was
// armed): its stage's clock still runs, or, for an escalation, the order is
// still overdue. A timer that is no longer due is dropped without effect.
func StillDue(o *Order, k TimerKind, now time.Time) bool {
	if k == TimerEscalate {
		return Overdue(o, now)
	}
	return Runs(o, k.StageOf())
}

// EscalationLimit is how many returns, reopens or units an order may pass
// through before a higher level takes charge.
const EscalationLimit = 3

// NoticeKind names a notice to a unit.
type NoticeKind string

const (
	NoticeWarning       NoticeKind = "warning"       // 预警单
	NoticeOverdue       NoticeKind = "overdue"       // 超时提醒
	NoticeSupervision   NoticeKind = "supervision"   // 督办单 (automatic when a limit passes, or manual)
	NoticeEscalation    NoticeKind = "escalation"    // 提级盯办
	NoticeRectification NoticeKind = "rectification" // 整改通知
)

// Valid reports whether k is a known notice kind.
func (k NoticeKind) Valid() bool {
	switch k {
	case NoticeWarning, NoticeOverdue, NoticeSupervision, NoticeEscalation, NoticeRectification:
		return true
	}
	return false
}

// ZH is the notice kind's Chinese label.
func (k NoticeKind) ZH() string {
	switch k {
	case NoticeWarning:
		return "即将超时预警"
	case NoticeOverdue:
		return "已超时"
	case NoticeSupervision:
		return "督办"
	case NoticeEscalation:
		return "提级盯办"
	case NoticeRectification:
		return "整改"
	}
	return string(k)
}

// NoticesFor returns the notices a fired timer raises: a warning to the
// unit; at the limit an overdue mark and an automatic supervision notice;
// an escalation. Who receives each is NoticeRecipients.
func NoticesFor(k TimerKind) []NoticeKind {
	switch {
	case k == TimerEscalate:
		return []NoticeKind{NoticeEscalation}
	case k.Warning():
		return []NoticeKind{NoticeWarning}
	case k.StageOf() != "":
		return []NoticeKind{NoticeOverdue, NoticeSupervision}
	}
	return nil
}

// Recipient is who a notice is addressed to: a unit, or a role (the
// callback team's limits concern no unit).
type Recipient struct {
	UnitID int64
	Role   Role
}

// NoticeRecipients returns who a notice of kind k about stage s of order o
// (of unit) goes to. A unit's limits: warnings, overdue marks and the
// supervision notice (督办单, one) to the order's unit; an escalation to the
// level above it (the unit itself at the top of the tree). The callback
// limit: warnings and overdue marks to the callback team, the supervision
// notice to the supervisors.
func NoticeRecipients(k NoticeKind, s Stage, o *Order, unit *Unit) []Recipient {
	if s == StageCallback {
		if k == NoticeSupervision {
			return []Recipient{{Role: RoleSupervisor}}
		}
		return []Recipient{{Role: RoleCallback}}
	}
	if k == NoticeEscalation {
		return []Recipient{{UnitID: EscalationTarget(unit)}}
	}
	return []Recipient{{UnitID: unit.ID}}
}

// EscalationTarget is the unit an escalated order goes to (提级盯办): the
// order's unit's parent, or the unit itself at the top of the tree.
func EscalationTarget(unit *Unit) int64 {
	if unit.ParentID != 0 {
		return unit.ParentID
	}
	return unit.ID
}

// SupervisionReplyLimit is how long a unit has to reply to an automatic
// supervision notice.
const SupervisionReplyLimit = 24 * time.Hour

// EscalateByHistory reports whether an order must be escalated for its
// history alone: returned or reopened EscalationLimit times in all, or
// passed through EscalationLimit units (its chain of re-routes).
func EscalateByHistory(o *Order, unitsPassed int) bool {
	return o.Returns+o.Reopens >= EscalationLimit || unitsPassed >= EscalationLimit
}

// LimitClock is the countdown a screen shows for one running limit: when
// it is due, and when it draws its warning (the screens colour it "near"
// from then, as the supervision board counts it).
type LimitClock struct {
	Stage Stage
	Due   time.Time
	Warn  time.Time
}

// Clock returns the countdown of stage s if its limit runs now, else nil.
func (o *Order) Clock(s Stage) *LimitClock {
	from := o.stageStart(s)
	for _, d := range Running(o) {
		if d.Stage == s {
			c := &LimitClock{Stage: s, Due: d.At, Warn: d.At}
			if d.At.After(from) {
				c.Warn = WarnAt(from, d.At)
			}
			return c
		}
	}
	return nil
}

// NextClock returns the countdown of the soonest running limit (nil when
// nothing runs).
func (o *Order) NextClock() *LimitClock {
	var best *LimitClock
	for _, d := range Running(o) {
		if c := o.Clock(d.Stage); best == nil || c.Due.Before(best.Due) {
			best = c
		}
	}
	return best
}
