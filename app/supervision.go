package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// armAndEscalate runs inside every transaction that writes an order: it
// re-arms the order's deadline timers for its new state and escalates it to
// the parent unit when its history calls for it. It returns notices made.
func (a *App) armAndEscalate(ctx context.Context, q *store.Q, o *fenliu.Order, now time.Time) ([]*store.Notice, error) {
	if err := q.ArmTimers(ctx, o.ID, fenliu.Timers(o)); err != nil {
		return nil, err
	}
	if o.Escalated || !o.State.Open() {
		return nil, nil
	}
	passed := 1
	for from := o.FromOrder; from != 0 && passed < 10; passed++ {
		prev, err := q.Order(ctx, from)
		if err != nil {
			return nil, err
		}
		from = prev.FromOrder
	}
	if !fenliu.EscalateByHistory(o, passed) {
		return nil, nil
	}
	text := fmt.Sprintf("工单 #%d 已退回/重办 %d 次、经过 %d 个单位，提级盯办 / order #%d returned or reopened %d times, through %d units: escalated",
		o.ID, o.Returns+o.Reopens, passed, o.ID, o.Returns+o.Reopens, passed)
	return a.escalate(ctx, q, o, text, now)
}

// escalate marks the order escalated and notifies its unit's parent (or the
// unit itself at the top of the tree).
func (a *App) escalate(ctx context.Context, q *store.Q, o *fenliu.Order, text string, now time.Time) ([]*store.Notice, error) {
	prev := o.Version
	o.Escalated, o.UpdatedAt = true, now
	if err := q.UpdateOrder(ctx, o, prev); err != nil {
		return nil, err
	}
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return nil, err
	}
	to := unit.ID
	if unit.ParentID != 0 {
		to = unit.ParentID
	}
	n := &store.Notice{Kind: fenliu.NoticeEscalation, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: to, Text: text, CreatedAt: now}
	if err := q.CreateNotice(ctx, n); err != nil {
		return nil, err
	}
	return []*store.Notice{n}, q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now,
		Kind: fenliu.EventKind(fenliu.NoticeEscalation), Note: text, Data: map[string]any{"notice": n.ID, "to_unit": to}})
}

// FireDue fires every timer due at now, each exactly once even with several
// servers on one database: the timer is claimed in the same transaction that
// writes its notices, and the order is re-read there, so a timer whose order
// has moved on does nothing. It returns how many timers fired.
func (a *App) FireDue(ctx context.Context, now time.Time) (int, error) {
	fired := 0
	for {
		due, err := a.DB.DueTimers(ctx, now, 100)
		if err != nil || len(due) == 0 {
			return fired, err
		}
		for _, t := range due {
			var notices []*store.Notice
			var incident int64
			err := a.DB.Tx(ctx, func(q *store.Q) error {
				ok, err := q.ClaimTimer(ctx, t.ID, now)
				if err != nil || !ok {
					return err
				}
				fired++
				o, err := q.Order(ctx, t.OrderID)
				if err != nil {
					return err
				}
				if !fenliu.StillDue(o, t.Kind, now) {
					return nil
				}
				incident = o.IncidentID
				notices, err = a.fire(ctx, q, o, t, now)
				return err
			})
			if err != nil {
				return fired, err
			}
			for _, n := range notices {
				a.notify(n)
			}
			if incident != 0 {
				a.changed(incident)
			}
		}
		if len(due) < 100 {
			return fired, nil
		}
	}
}

// fire writes a timer's effects: notices to the unit (and the parent for a
// supervision notice or an escalation) and an event on the record.
func (a *App) fire(ctx context.Context, q *store.Q, o *fenliu.Order, t store.DueTimer, now time.Time) ([]*store.Notice, error) {
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return nil, err
	}
	stage := map[fenliu.TimerKind]string{fenliu.TimerWarnSign: "签收 sign", fenliu.TimerOverSign: "签收 sign",
		fenliu.TimerWarnFeedback: "反馈 feedback", fenliu.TimerOverFeedback: "反馈 feedback",
		fenliu.TimerWarnClose: "办结 close", fenliu.TimerOverClose: "办结 close", fenliu.TimerEscalate: "超时未处理 still overdue"}[t.Kind]
	if t.Kind == fenliu.TimerEscalate {
		if o.Escalated {
			return nil, nil
		}
		return a.escalate(ctx, q, o, fmt.Sprintf("工单 #%d 超时后仍未处理，提级盯办 / order #%d still overdue: escalated", o.ID, o.ID), now)
	}
	var out []*store.Notice
	for _, kind := range fenliu.NoticesFor(t.Kind) {
		targets := []int64{unit.ID}
		var due *time.Time
		if kind == fenliu.NoticeSupervision {
			if unit.ParentID != 0 {
				targets = append(targets, unit.ParentID)
			}
			d := now.Add(24 * time.Hour) // a supervision notice wants a reply within a day
			due = &d
		}
		for _, to := range targets {
			n := &store.Notice{Kind: kind, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: to, CreatedAt: now, DueAt: due,
				Text: fmt.Sprintf("工单 #%d %s：%s / order #%d: %s", o.ID, noticeZH(kind), strings.Fields(stage)[0], o.ID, kind)}
			if err := q.CreateNotice(ctx, n); err != nil {
				return nil, err
			}
			out = append(out, n)
		}
	}
	return out, q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now, Kind: fenliu.EventKind(t.Kind),
		Note: stage, Data: map[string]any{"timer": t.ID, "due": t.At.UnixMilli()}})
}

func noticeZH(k fenliu.NoticeKind) string {
	return map[fenliu.NoticeKind]string{fenliu.NoticeWarning: "即将超时预警", fenliu.NoticeOverdue: "已超时",
		fenliu.NoticeSupervision: "督办", fenliu.NoticeEscalation: "提级盯办", fenliu.NoticeRectification: "整改"}[k]
}

func (a *App) notify(n *store.Notice) {
	if a.Notify != nil {
		a.Notify(n)
	}
}

// SendNotice issues a manual supervision notice or a rectification request
// to an order's unit; it needs a reply by due.
func (a *App) SendNotice(ctx context.Context, actor *fenliu.User, orderID int64, kind fenliu.NoticeKind, text string, due time.Time) (*store.Notice, error) {
	if err := fenliu.CanSupervise(actor); err != nil {
		return nil, err
	}
	if kind != fenliu.NoticeSupervision && kind != fenliu.NoticeRectification {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "kind", ZH: "只能手动发督办单或整改通知", EN: "kind must be supervision or rectification"}
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "text", ZH: "请写明督办要求", EN: "text is required"}
	}
	now := a.now()
	if !due.After(now) {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "due_at", ZH: "回复期限必须晚于现在", EN: "due_at must be in the future"}
	}
	var n *store.Notice
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		o, err := q.Order(ctx, orderID)
		if err != nil {
			return err
		}
		n = &store.Notice{Kind: kind, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: o.UnitID, Text: text, CreatedBy: actor.ID, CreatedAt: now, DueAt: &due}
		if err := q.CreateNotice(ctx, n); err != nil {
			return err
		}
		return q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now, ActorID: actor.ID,
			Kind: fenliu.EventKind(kind), Note: text, Data: map[string]any{"notice": n.ID, "due": due.UnixMilli()}})
	})
	if err != nil {
		return nil, err
	}
	a.notify(n)
	a.changed(n.IncidentID)
	return n, nil
}

// ReplyNotice records the unit's reply to a notice addressed to it.
func (a *App) ReplyNotice(ctx context.Context, actor *fenliu.User, id int64, reply string) error {
	reply = strings.TrimSpace(reply)
	if reply == "" {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "reply", ZH: "回复内容不能为空", EN: "reply is required"}
	}
	return a.DB.Tx(ctx, func(q *store.Q) error {
		n, err := q.Notice(ctx, id)
		if err != nil {
			return err
		}
		if actor.Role == fenliu.RoleUnitStaff && actor.UnitID != n.UnitID {
			return fenliu.NotFound("通知", "notice", id)
		}
		if actor.Role != fenliu.RoleUnitStaff && actor.Role != fenliu.RoleAdmin && actor.Role != fenliu.RoleSupervisor {
			return &fenliu.Error{Code: fenliu.EForbidden, ZH: "无权回复", EN: "may not reply"}
		}
		if err := q.ReplyNotice(ctx, id, actor.ID, reply, a.now()); err != nil {
			return err
		}
		if n.IncidentID != 0 {
			return q.InsertEvent(ctx, &fenliu.Event{IncidentID: n.IncidentID, OrderID: n.OrderID, At: a.now(), ActorID: actor.ID,
				Kind: "reply", Note: reply, Data: map[string]any{"notice": id}})
		}
		return nil
	})
}

// Notices lists notices; unit staff see their own unit's.
func (a *App) Notices(ctx context.Context, actor *fenliu.User, f store.NoticeFilter) ([]*store.Notice, error) {
	if !fenliu.SeesAllUnits(actor) {
		f.UnitID = actor.UnitID
	}
	return a.DB.Notices(ctx, f)
}

// RunScheduler fires due timers until ctx ends: at the next due time, and
// at least every interval (so timers armed by another server are seen). It
// also makes the bulletins of loc's days and refreshes the report rollups
// (kept by the days of a.Location, which the caller sets before).
func (a *App) RunScheduler(ctx context.Context, interval time.Duration, loc *time.Location, log func(error)) {
	lastBulletins, lastRollups := time.Time{}, time.Time{}
	for {
		if _, err := a.FireDue(ctx, a.now()); err != nil && ctx.Err() == nil && log != nil {
			log(err)
		}
		if a.now().Sub(lastBulletins) > 10*time.Minute {
			if _, err := a.GenerateBulletins(ctx, loc); err != nil && ctx.Err() == nil && log != nil {
				log(err)
			}
			lastBulletins = a.now()
		}
		if a.now().Sub(lastRollups) > 5*time.Minute {
			if _, err := a.RefreshRollups(ctx); err != nil && ctx.Err() == nil && log != nil {
				log(err)
			}
			lastRollups = a.now()
		}
		wait := interval
		if next, err := a.DB.NextTimer(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(a.now()); d < wait {
				wait = d
			}
		}
		if wait < 100*time.Millisecond {
			wait = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}
