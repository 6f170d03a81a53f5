package fenliu

import "time"

// Supervision rules (督办): when an order draws a warning (预警), is marked
// overdue, gets a supervision notice (督办单) and is escalated (提级盯办).
// Pure functions of an order and the time; the scheduler persists timers
// and fires each exactly once.

// TimerKind names what a timer does when it fires.
type TimerKind string

const (
	TimerWarnSign     TimerKind = "warn_sign"     // 签收预警
	TimerOverSign     TimerKind = "over_sign"     // 签收超时
	TimerWarnFeedback TimerKind = "warn_feedback" // 反馈预警
	TimerOverFeedback TimerKind = "over_feedback" // 反馈超时
	TimerWarnClose    TimerKind = "warn_close"    // 办结预警
	TimerOverClose    TimerKind = "over_close"    // 办结超时
	TimerEscalate     TimerKind = "escalate"      // 超时后仍未处理：提级
)

// WarnShare is the share of a time limit after which a warning is raised.
const WarnShare = 0.8

// Timer is one deadline event of an order.
type Timer struct {
	Kind TimerKind
	At   time.Time
}

// Timers returns the timers an order should have armed in its current state:
// a warning at WarnShare of each running limit, the limit itself, and an
// escalation when an overdue order stays overdue for as long again.
func Timers(o *Order) []Timer {
	var out []Timer
	add := func(warn, over TimerKind, start time.Time, due *time.Time) {
		if due == nil || !due.After(start) {
			return
		}
		limit := due.Sub(start)
		out = append(out,
			Timer{warn, start.Add(time.Duration(float64(limit) * WarnShare))},
			Timer{over, *due},
			Timer{TimerEscalate, due.Add(limit)})
	}
	switch o.State {
	case StateDispatched:
		add(TimerWarnSign, TimerOverSign, o.DispatchedAt, o.SignDue)
	case StateSigned, StateArrived, StateReopened:
		add(TimerWarnFeedback, TimerOverFeedback, o.DispatchedAt, o.FeedbackDue)
	}
	if o.State.Open() && o.State != StateReturned {
		if o.CloseDue != nil && o.CloseDue.After(o.DispatchedAt) {
			limit := o.CloseDue.Sub(o.DispatchedAt)
			out = append(out, Timer{TimerWarnClose, o.DispatchedAt.Add(time.Duration(float64(limit) * WarnShare))}, Timer{TimerOverClose, *o.CloseDue})
		}
	}
	return out
}

// StillDue reports whether a timer of kind k is still meaningful for the
// order as it is now (it may have been signed or closed since the timer was
// armed). A timer that is no longer due is dropped without effect.
func StillDue(o *Order, k TimerKind, now time.Time) bool {
	switch k {
	case TimerWarnSign, TimerOverSign:
		return o.State == StateDispatched
	case TimerWarnFeedback, TimerOverFeedback:
		return o.State == StateSigned || o.State == StateArrived || o.State == StateReopened
	case TimerWarnClose, TimerOverClose:
		return o.State.Open() && o.State != StateReturned
	case TimerEscalate:
		return Overdue(o, now)
	}
	return false
}

// Overdue reports whether the order has passed the deadline of its stage.
func Overdue(o *Order, now time.Time) bool {
	switch o.State {
	case StateDispatched:
		return o.SignDue != nil && now.After(*o.SignDue)
	case StateSigned, StateArrived, StateReopened:
		return (o.FeedbackDue != nil && now.After(*o.FeedbackDue)) || (o.CloseDue != nil && now.After(*o.CloseDue))
	case StateFedBack:
		return o.CloseDue != nil && now.After(*o.CloseDue)
	}
	return false
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

// NoticesFor returns the notices a fired timer raises: a warning to the
// unit; at the limit an overdue mark and an automatic supervision notice to
// the unit and its parent; an escalation to the parent.
func NoticesFor(k TimerKind) []NoticeKind {
	switch k {
	case TimerWarnSign, TimerWarnFeedback, TimerWarnClose:
		return []NoticeKind{NoticeWarning}
	case TimerOverSign, TimerOverFeedback, TimerOverClose:
		return []NoticeKind{NoticeOverdue, NoticeSupervision}
	case TimerEscalate:
		return []NoticeKind{NoticeEscalation}
	}
	return nil
}

// EscalateByHistory reports whether an order must be escalated for its
// history alone: returned or reopened EscalationLimit times in all, or
// passed through EscalationLimit units (its chain of re-routes).
func EscalateByHistory(o *Order, unitsPassed int) bool {
	return o.Returns+o.Reopens >= EscalationLimit || unitsPassed >= EscalationLimit
}
