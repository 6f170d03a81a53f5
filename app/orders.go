package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
	"github.com/fenliu/fenliu/store"
)

func addTo(t *time.Time, d time.Duration) *time.Time {
	if t == nil {
		return nil
	}
	v := t.Add(d)
	return &v
}

// Dispatch creates work orders for a decided incident, one per unit. Police
// and joint incidents may get orders too (police first, work orders after);
// an undecided or redirected incident may not.
func (a *App) Dispatch(ctx context.Context, actor *fenliu.User, incidentID int64, d fenliu.DispatchInput) ([]*fenliu.Order, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	return a.dispatch(ctx, actor, incidentID, d)
}

func (a *App) dispatch(ctx context.Context, actor *fenliu.User, incidentID int64, d fenliu.DispatchInput) ([]*fenliu.Order, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var out []*fenliu.Order
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		inc, err := q.Incident(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := fenliu.CanDispatch(inc); err != nil {
			return err
		}
		existing, err := q.OrdersOfIncident(ctx, incidentID)
		if err != nil {
			return err
		}
		if err := fenliu.CheckNewOrders(existing, d.Orders); err != nil {
			return err
		}
		now := a.now()
		var (
			limits  catalog.Limits
			working bool
		)
		if cat := a.Catalog(); cat != nil {
			if c := cat.Category(inc.Category); c != nil {
				limits, working = c.Limits, c.WorkingTime
			}
		}
		add := time.Time.Add
		if working {
			cal, err := a.calendar(ctx, q)
			if err != nil {
				return err
			}
			add = cal.AddWorking
		}
		for _, spec := range d.Orders {
			unit, err := q.Unit(ctx, spec.UnitID)
			if err != nil {
				if fenliu.ErrorCode(err) == fenliu.ENotFound {
					return fenliu.Errorf(fenliu.EUnprocessable, "orders.unit_id", "单位 %d 不存在", "unit %d does not exist", spec.UnitID)
				}
				return err
			}
			o := &fenliu.Order{IncidentID: incidentID, UnitID: spec.UnitID, Role: spec.Role, State: fenliu.StateDispatched,
				DispatchedAt: now, UpdatedAt: now}
			l, err := a.limitsFor(ctx, q, limits, unit.Type)
			if err != nil {
				return err
			}
			o.SignDue, o.ArriveDue, o.FeedbackDue, o.CloseDue = l.Due(now, add)
			if err := q.InsertOrder(ctx, o); err != nil {
				return err
			}
			if err := q.ArmTimers(ctx, o.ID, fenliu.Timers(o)); err != nil {
				return err
			}
			if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: incidentID, OrderID: o.ID, At: now, ActorID: actor.ID,
				Kind: fenliu.EvDispatch, ToState: fenliu.StateDispatched, Note: d.Note,
				Data: map[string]any{"unit_id": spec.UnitID, "role": string(spec.Role)}}); err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.changed(incidentID)
	return out, nil
}

// Act performs an action on a work order. If in.Version is set and the order
// has changed since, the action is refused as a conflict; otherwise the state
// machine decides. A reroute ends the order and dispatches a new one to the
// unit named, with the same role.
func (a *App) Act(ctx context.Context, actor *fenliu.User, orderID int64, action fenliu.Action, in fenliu.ActionInput) (*fenliu.Order, error) {
	if !action.Valid() {
		return nil, fenliu.Errorf(fenliu.EInvalid, "action", "未知的操作：%s", "unknown action: %s", action)
	}
	if err := in.Validate(action); err != nil {
		return nil, err
	}
	var (
		o       *fenliu.Order
		notices []*store.Notice
	)
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		var err error
		if o, err = q.Order(ctx, orderID); err != nil {
			return err
		}
		if err := fenliu.CanSeeOrder(actor, o); err != nil {
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
			if in.UnitID == o.UnitID {
				return &fenliu.Error{Code: fenliu.EUnprocessable, Field: "unit_id", ZH: "改派的单位不能是原单位", EN: "reroute to a different unit"}
			}
			if _, err := q.Unit(ctx, in.UnitID); err != nil {
				if fenliu.ErrorCode(err) == fenliu.ENotFound {
					return fenliu.Errorf(fenliu.EUnprocessable, "unit_id", "单位 %d 不存在", "unit %d does not exist", in.UnitID)
				}
				return err
			}
		}
		prevVersion := o.Version
		now := a.now()
		ev, err := fenliu.Apply(o, action, in, now)
		if err != nil {
			return err
		}
		if err := q.UpdateOrder(ctx, o, prevVersion); err != nil {
			return err
		}
		ev.ActorID = actor.ID
		var next *fenliu.Order
		if action == fenliu.ActReroute {
			next = &fenliu.Order{IncidentID: o.IncidentID, UnitID: in.UnitID, Role: o.Role, State: fenliu.StateDispatched,
				FromOrder: o.ID, DispatchedAt: now, UpdatedAt: now}
			// The new unit gets the full time limits from now.
			if o.SignDue != nil || o.FeedbackDue != nil || o.CloseDue != nil {
				shift := now.Sub(o.DispatchedAt)
				next.SignDue, next.ArriveDue, next.FeedbackDue, next.CloseDue = addTo(o.SignDue, shift), addTo(o.ArriveDue, shift), addTo(o.FeedbackDue, shift), addTo(o.CloseDue, shift)
			}
			if err := q.InsertOrder(ctx, next); err != nil {
				return err
			}
			ev.Data["new_order"] = next.ID
		}
		if err := q.InsertEvent(ctx, ev); err != nil {
			return err
		}
		ns, err := a.armAndEscalate(ctx, q, o, now)
		if err != nil {
			return err
		}
		notices = append(notices, ns...)
		if next != nil {
			if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: o.IncidentID, OrderID: next.ID, At: now, ActorID: actor.ID,
				Kind: fenliu.EvDispatch, ToState: fenliu.StateDispatched, Note: in.Note,
				Data: map[string]any{"unit_id": in.UnitID, "role": string(next.Role), "from_order": o.ID}}); err != nil {
				return err
			}
			ns, err := a.armAndEscalate(ctx, q, next, now)
			if err != nil {
				return err
			}
			notices = append(notices, ns...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		a.notify(n)
	}
	a.changed(o.IncidentID)
	return o, nil
}

// Order returns a work order the actor may see.
func (a *App) Order(ctx context.Context, actor *fenliu.User, id int64) (*fenliu.Order, error) {
	o, err := a.DB.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := fenliu.CanSeeOrder(actor, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Orders lists work orders; unit staff see only their own unit's.
func (a *App) Orders(ctx context.Context, actor *fenliu.User, f store.OrderFilter) ([]*fenliu.Order, error) {
	if !fenliu.SeesAllUnits(actor) {
		if f.UnitID != 0 && f.UnitID != actor.UnitID {
			return []*fenliu.Order{}, nil
		}
		f.UnitID = actor.UnitID
	}
	return a.DB.Orders(ctx, f)
}
