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
// re-arms the order's deadline timers for its new state (each (order, kind,
// time) fires once, however often it is re-armed) and escalates it to the
// parent unit when its history calls for it. It returns notices made.
func (a *App) armAndEscalate(ctx context.Context, q *store.Q, o *fenliu.Order, now time.Time) ([]*fenliu.Notice, error) {
	if _, err := q.ArmTimers(ctx, o.ID, fenliu.Timers(o)); err != nil {
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

// escalate marks the order escalated and hands it to the level above its
// unit (fenliu.EscalationTarget), which from now on sees it in its inbox,
// may act on it, and gets the escalation notice.
func (a *App) escalate(ctx context.Context, q *store.Q, o *fenliu.Order, text string, now time.Time) ([]*fenliu.Notice, error) {
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return nil, err
	}
	prev := o.Version
	o.Escalated, o.UpdatedAt = true, now
	if to := fenliu.EscalationTarget(unit); to != unit.ID {
		o.EscalatedTo = to
	}
	if err := q.UpdateOrder(ctx, o, prev); err != nil {
		return nil, err
	}
	var out []*fenliu.Notice
	for _, to := range fenliu.NoticeRecipients(fenliu.NoticeEscalation, "", o, unit) {
		n := &fenliu.Notice{Kind: fenliu.NoticeEscalation, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: to.UnitID, ToRole: to.Role, Text: text, CreatedAt: now}
		if err := q.CreateNotice(ctx, n); err != nil {
			return nil, err
		}
		if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now,
			Kind: fenliu.EventKind(fenliu.NoticeEscalation), Note: text, Data: map[string]any{"notice": n.ID, "to_unit": to.UnitID}}); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// FireDue fires every timer due at now, each exactly once even with several
// servers on one database: the timer is claimed in the same transaction that
// writes its notices, and the order is re-read there, so a timer whose order
// has moved on does nothing. It returns how many timers fired.
func (a *App) FireDue(ctx context.Context, now time.Time) (int, error) {
	fired := 0
	for {
		due, err := a.db.DueTimers(ctx, now, 100)
		if err != nil || len(due) == 0 {
			return fired, err
		}
		for _, t := range due {
			var notices []*fenliu.Notice
			var incident int64
			err := a.db.Tx(ctx, func(q *store.Q) error {
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

// fire writes a timer's effects: its notices (fenliu.NoticesFor, to
// fenliu.NoticeRecipients) and an event on the record.
func (a *App) fire(ctx context.Context, q *store.Q, o *fenliu.Order, t store.DueTimer, now time.Time) ([]*fenliu.Notice, error) {
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return nil, err
	}
	if t.Kind == fenliu.TimerEscalate {
		if o.Escalated {
			return nil, nil
		}
		return a.escalate(ctx, q, o, fmt.Sprintf("工单 #%d 超时后仍未处理，提级盯办 / order #%d still overdue: escalated", o.ID, o.ID), now)
	}
	stage := t.Kind.StageOf()
	var out []*fenliu.Notice
	for _, kind := range fenliu.NoticesFor(t.Kind) {
		var due *time.Time
		if kind == fenliu.NoticeSupervision {
			d := now.Add(fenliu.SupervisionReplyLimit)
			due = &d
		}
		for _, to := range fenliu.NoticeRecipients(kind, stage, o, unit) {
			n := &fenliu.Notice{Kind: kind, Stage: stage, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: to.UnitID, ToRole: to.Role, CreatedAt: now, DueAt: due,
				Text: fenliu.Bilingual(fmt.Sprintf("工单 #%d %s：%s", o.ID, kind.ZH(), stage.ZH()), fmt.Sprintf("order #%d %s: %s", o.ID, kind.EN(), stage.EN()))}
			if err := q.CreateNotice(ctx, n); err != nil {
				return nil, err
			}
			out = append(out, n)
		}
	}
	return out, q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now, Kind: fenliu.EventKind(t.Kind),
		Note: stage.ZH() + " " + string(stage), Data: map[string]any{"timer": t.ID, "due": t.At.UnixMilli(), "stage": string(stage)}})
}

// SendNotice issues a manual supervision notice or a rectification request
// to an order's unit; it needs a reply by due.
func (a *App) SendNotice(ctx context.Context, actor *fenliu.User, orderID int64, kind fenliu.NoticeKind, text string, due time.Time) (*fenliu.Notice, error) {
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
	var n *fenliu.Notice
	err := a.db.Tx(ctx, func(q *store.Q) error {
		o, err := q.Order(ctx, orderID)
		if err != nil {
			return err
		}
		n = &fenliu.Notice{Kind: kind, OrderID: o.ID, IncidentID: o.IncidentID, UnitID: o.UnitID, Text: text, CreatedBy: actor.ID, CreatedAt: now, DueAt: &due}
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
	var incident int64
	err := a.db.Tx(ctx, func(q *store.Q) error {
		n, err := q.Notice(ctx, id)
		if err != nil {
			return err
		}
		if err := fenliu.CanReplyNotice(actor, n); err != nil {
			return err
		}
		if reply == "" {
			return &fenliu.Error{Code: fenliu.EInvalid, Field: "reply", ZH: "回复内容不能为空", EN: "reply is required"}
		}
		if err := (&fenliu.ActionInput{Note: reply}).Validate(fenliu.ActSign); err != nil {
			return err
		}
		now := a.now()
		if err := q.ReplyNotice(ctx, id, actor.ID, reply, now); err != nil {
			return err
		}
		incident = n.IncidentID
		if n.IncidentID != 0 {
			return q.InsertEvent(ctx, &fenliu.Event{IncidentID: n.IncidentID, OrderID: n.OrderID, At: now, ActorID: actor.ID,
				Kind: fenliu.EvReply, Note: reply, Data: map[string]any{"notice": id}})
		}
		return nil
	})
	if err == nil && incident != 0 {
		a.changed(incident)
	}
	return err
}

// Notices lists notices; unit staff see their own unit's.
func (a *App) Notices(ctx context.Context, actor *fenliu.User, f fenliu.NoticeFilter) ([]*fenliu.Notice, error) {
	if !fenliu.SeesAllUnits(actor) {
		f.UnitID = actor.UnitID
	}
	return a.db.Notices(ctx, f)
}

// wakeScheduler tells the scheduler that timers were armed: one already
// due fires at once instead of at the next tick.
func (a *App) wakeScheduler() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// RunScheduler fires due timers until ctx ends: at the next due time, at
// once when a write armed a timer, and at least every interval (so timers
// armed by another server are seen). It also makes the bulletins of the
// city's days and refreshes the report rollups.
func (a *App) RunScheduler(ctx context.Context, interval time.Duration) {
	lastBulletins, lastRollups, lastWarnings := time.Time{}, time.Time{}, time.Time{}
	for {
		a.lastPass.Store(time.Now().UnixMilli())
		fired, err := a.FireDue(ctx, a.now())
		if err != nil && ctx.Err() == nil {
			a.log.Error("scheduler: firing timers", "err", err)
		}
		if a.now().Sub(lastBulletins) > 10*time.Minute {
			if _, err := a.GenerateBulletins(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("scheduler: bulletins", "err", err)
			}
			lastBulletins = a.now()
		}
		if a.now().Sub(lastWarnings) > WarningInterval {
			if _, err := a.DetectWarnings(ctx, a.now()); err != nil && ctx.Err() == nil {
				a.log.Error("scheduler: class-level warnings", "err", err)
			}
			lastWarnings = a.now()
		}
		if a.now().Sub(lastRollups) > 5*time.Minute {
			if _, err := a.RefreshRollups(ctx); err != nil && ctx.Err() == nil {
				a.log.Error("scheduler: report rollups", "err", err)
			}
			lastRollups = a.now()
		}
		wait := interval
		if next, err := a.db.NextTimer(ctx); err == nil && !next.IsZero() {
			if d := next.Sub(a.now()); d < wait {
				wait = d
			}
		} else if err != nil && ctx.Err() == nil {
			a.log.Error("scheduler: next timer", "err", err)
		}
		if wait < 10*time.Millisecond {
			wait = 10 * time.Millisecond
		}
		if a.opts.OnSchedule != nil {
			a.opts.OnSchedule(fired, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-a.wake:
		case <-t.C:
		}
		t.Stop()
	}
}
