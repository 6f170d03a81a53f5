package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Dispatch creates work orders for a decided incident, one per unit. Police
// and joint incidents may get orders too; an undecided or redirected
// incident may not.
func (a *App) Dispatch(ctx context.Context, actor *fenliu.User, incidentID int64, d fenliu.DispatchInput) ([]*fenliu.Order, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var out []*fenliu.Order
	err := a.db.Tx(ctx, func(q *store.Q) error {
		inc, err := q.Incident(ctx, incidentID)
		if err != nil {
			return err
		}
		out, err = a.dispatchTx(ctx, q, actor, inc, d.Orders, d.Note)
		return err
	})
	if err != nil {
		return nil, err
	}
	a.changed(incidentID)
	a.wakeScheduler()
	return out, nil
}

// dispatchTx is the one place work orders are made: it checks the incident
// may get them, gives each the deadlines of the incident's category and
// the unit's type (fenliu.SetDeadlines), arms their timers and records the
// dispatch.
func (a *App) dispatchTx(ctx context.Context, q *store.Q, actor *fenliu.User, inc *fenliu.Incident, specs []fenliu.OrderSpec, note string) ([]*fenliu.Order, error) {
	if err := fenliu.CanDispatch(inc); err != nil {
		return nil, err
	}
	if err := (&fenliu.DispatchInput{Orders: specs, Note: note}).Validate(); err != nil {
		return nil, err
	}
	existing, err := q.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	if err := fenliu.CheckNewOrders(existing, specs); err != nil {
		return nil, err
	}
	s, err := settingsOf(ctx, q)
	if err != nil {
		return nil, err
	}
	now := a.now()
	out := make([]*fenliu.Order, 0, len(specs))
	for _, spec := range specs {
		unit, err := q.Unit(ctx, spec.UnitID)
		if err != nil {
			if fenliu.ErrorCode(err) == fenliu.ENotFound {
				return nil, fenliu.Errorf(fenliu.EUnprocessable, "orders.unit_id", "单位 %d 不存在", "unit %d does not exist", spec.UnitID)
			}
			return nil, err
		}
		o := &fenliu.Order{IncidentID: inc.ID, UnitID: spec.UnitID, Role: spec.Role, State: fenliu.StateDispatched,
			DispatchedAt: now, UpdatedAt: now}
		l, working := a.limitsFor(s, inc.Category, unit.Type)
		fenliu.SetDeadlines(o, l, s.calendar(), working, now)
		if err := q.InsertOrder(ctx, o); err != nil {
			return nil, err
		}
		if _, err := q.ArmTimers(ctx, o.ID, fenliu.Timers(o)); err != nil {
			return nil, err
		}
		if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, OrderID: o.ID, At: now, ActorID: actor.ID,
			Kind: fenliu.EvDispatch, ToState: fenliu.StateDispatched, Note: note,
			Data: map[string]any{"unit_id": spec.UnitID, "role": string(spec.Role)}}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// limitsFor returns the limits an order to a unit of type t gets for an
// incident of category (the catalogue's, or the unit type's override), and
// whether they count working time.
func (a *App) limitsFor(s settingValues, category string, t fenliu.UnitType) (fenliu.Limits, bool) {
	var (
		l       fenliu.Limits
		working bool
	)
	if cat := a.Catalog(); cat != nil {
		if c := cat.Category(category); c != nil {
			l, working = c.Limits, c.WorkingTime
		}
	}
	return fenliu.LimitsFor(l, s.limitOverride(t)), working
}

// Act performs an action on a work order. If in.Version is set and the order
// has changed since, the action is refused as a conflict; otherwise the state
// machine decides. A reroute ends the order and dispatches a new one to the
// unit named, with the same role and the new unit's full limits; a reopen
// gives the order fresh limits.
func (a *App) Act(ctx context.Context, actor *fenliu.User, orderID int64, action fenliu.Action, in fenliu.ActionInput) (*fenliu.Order, error) {
	if !action.Valid() {
		return nil, fenliu.Errorf(fenliu.EInvalid, "action", "未知的操作：%s", "unknown action: %s", action)
	}
	if err := in.Validate(action); err != nil {
		return nil, err
	}
	var (
		o       *fenliu.Order
		notices []*fenliu.Notice
	)
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		if o, err = q.Order(ctx, orderID); err != nil {
			return err
		}
		if err := a.canSeeOrder(ctx, q, actor, o); err != nil {
			return err
		}
		if err := fenliu.CanAct(actor, action, o); err != nil {
			return err
		}
		if in.Version != 0 && in.Version != o.Version {
			return &fenliu.Error{Code: fenliu.EConflict, Field: "version",
				ZH: "工单已被他人处理（当前状态「" + o.State.ZH() + "」），请刷新后重试",
				EN: "the order was changed by someone else (now " + string(o.State) + "); reload and try again"}
		}
		if action == fenliu.ActReroute {
			_, notices, err = a.rerouteTx(ctx, q, actor, o, in.UnitID, in.Note)
			return err
		}
		prevVersion := o.Version
		now := a.now()
		ev, err := fenliu.Apply(o, action, in, now)
		if err != nil {
			return err
		}
		if o.State == fenliu.StateReopened {
			// 重办: the unit gets fresh limits to arrive, feed back and close.
			if err := a.retime(ctx, q, o, now); err != nil {
				return err
			}
		}
		if err := q.UpdateOrder(ctx, o, prevVersion); err != nil {
			return err
		}
		ev.ActorID = actor.ID
		if err := q.InsertEvent(ctx, ev); err != nil {
			return err
		}
		notices, err = a.armAndEscalate(ctx, q, o, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		a.notify(n)
	}
	a.changed(o.IncidentID)
	a.wakeScheduler()
	return o, nil
}

// retime gives a reopened order fresh limits (fenliu.ReopenDeadlines).
func (a *App) retime(ctx context.Context, q *store.Q, o *fenliu.Order, now time.Time) error {
	inc, err := q.Incident(ctx, o.IncidentID)
	if err != nil {
		return err
	}
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return err
	}
	s, err := settingsOf(ctx, q)
	if err != nil {
		return err
	}
	l, working := a.limitsFor(s, inc.Category, unit.Type)
	fenliu.ReopenDeadlines(o, l, s.calendar(), working, now)
	return nil
}

// rerouteTx ends order o (改派) and dispatches its task to unitID with the
// same role and the new unit's full limits, counted by the calendar. It
// returns the new order and the notices made (to send after the commit).
func (a *App) rerouteTx(ctx context.Context, q *store.Q, actor *fenliu.User, o *fenliu.Order, unitID int64, note string) (*fenliu.Order, []*fenliu.Notice, error) {
	if unitID == o.UnitID {
		return nil, nil, &fenliu.Error{Code: fenliu.EUnprocessable, Field: "unit_id", ZH: "改派的单位不能是原单位", EN: "reroute to a different unit"}
	}
	unit, err := q.Unit(ctx, unitID)
	if err != nil {
		if fenliu.ErrorCode(err) == fenliu.ENotFound {
			return nil, nil, fenliu.Errorf(fenliu.EUnprocessable, "unit_id", "单位 %d 不存在", "unit %d does not exist", unitID)
		}
		return nil, nil, err
	}
	inc, err := q.Incident(ctx, o.IncidentID)
	if err != nil {
		return nil, nil, err
	}
	now := a.now()
	prevVersion := o.Version
	ev, err := fenliu.Apply(o, fenliu.ActReroute, fenliu.ActionInput{Note: note, UnitID: unitID}, now)
	if err != nil {
		return nil, nil, err
	}
	if err := q.UpdateOrder(ctx, o, prevVersion); err != nil {
		return nil, nil, err
	}
	s, err := settingsOf(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	next := &fenliu.Order{IncidentID: o.IncidentID, UnitID: unitID, Role: o.Role, State: fenliu.StateDispatched,
		FromOrder: o.ID, DispatchedAt: now, UpdatedAt: now}
	l, working := a.limitsFor(s, inc.Category, unit.Type)
	fenliu.SetDeadlines(next, l, s.calendar(), working, now)
	if err := q.InsertOrder(ctx, next); err != nil {
		return nil, nil, err
	}
	ev.ActorID = actor.ID
	ev.Data["new_order"] = next.ID
	if err := q.InsertEvent(ctx, ev); err != nil {
		return nil, nil, err
	}
	if _, err := a.armAndEscalate(ctx, q, o, now); err != nil { // ended: its timers are dropped
		return nil, nil, err
	}
	if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: next.ID, At: now, ActorID: actor.ID,
		Kind: fenliu.EvDispatch, ToState: fenliu.StateDispatched, Note: note,
		Data: map[string]any{"unit_id": unitID, "role": string(next.Role), "from_order": o.ID}}); err != nil {
		return nil, nil, err
	}
	ns, err := a.armAndEscalate(ctx, q, next, now)
	if err != nil {
		return nil, nil, err
	}
	return next, ns, nil
}
