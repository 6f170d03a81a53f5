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
	return a.dispatchOrders(ctx, q, actor, inc, existing, specs, note)
}

// dispatchOrders is dispatchTx for a caller that has read the incident's
// orders in the transaction already (none, for an incident recorded in it).
func (a *App) dispatchOrders(ctx context.Context, q *store.Q, actor *fenliu.User, inc *fenliu.Incident, existing []*fenliu.Order, specs []fenliu.OrderSpec, note string) ([]*fenliu.Order, error) {
	if err := fenliu.CheckNewOrders(existing, specs); err != nil {
		return nil, err
	}
	s, err := settingsOf(ctx, q)
	if err != nil {
		return nil, err
	}
	specs = append(append([]fenliu.OrderSpec{}, specs...), a.partnerSpecs(ctx, q, inc, s, existing, specs)...)
	now := a.now()
	out := make([]*fenliu.Order, 0, len(specs))
	for _, spec := range specs {
		unitType, err := q.UnitType(ctx, spec.UnitID)
		if err != nil {
			if fenliu.ErrorCode(err) == fenliu.ENotFound {
				return nil, fenliu.Errorf(fenliu.EUnprocessable, "orders.unit_id", "单位 %d 不存在", "unit %d does not exist", spec.UnitID)
			}
			return nil, err
		}
		o := &fenliu.Order{IncidentID: inc.ID, UnitID: spec.UnitID, Role: spec.Role, State: fenliu.StateDispatched,
			DispatchedAt: now, UpdatedAt: now, Partner: spec.Partner}
		l, working := a.limitsFor(s, inc.Category, unitType)
		fenliu.SetDeadlines(o, l, s.calendar(), working, now)
		if err := q.InsertOrder(ctx, o); err != nil {
			return nil, err
		}
		if err := q.ArmNewTimers(ctx, o.ID, fenliu.Timers(o)); err != nil {
			return nil, err
		}
		if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, OrderID: o.ID, At: now, ActorID: actor.ID,
			Kind: fenliu.EvDispatch, ToState: fenliu.StateDispatched, Note: note,
			Data: dispatchData(spec, inc, o)}); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func dispatchData(spec fenliu.OrderSpec, inc *fenliu.Incident, o *fenliu.Order) map[string]any {
	d := map[string]any{"unit_id": spec.UnitID, "role": string(spec.Role)}
	if spec.Partner {
		d["partner"] = inc.GreenChannel
	}
	return withDues(d, o)
}

// withDues adds an order's deadlines to an event's data (unix ms), so the
// record says which limits were set (全程留痕).
func withDues(d map[string]any, o *fenliu.Order) map[string]any {
	if d == nil {
		d = map[string]any{}
	}
	for k, t := range map[string]*time.Time{"sign_due": o.SignDue, "arrive_due": o.ArriveDue, "feedback_due": o.FeedbackDue, "close_due": o.CloseDue} {
		if t != nil {
			d[k] = t.UnixMilli()
		}
	}
	return d
}

// partnerSpecs returns the assisting orders the incident's green channel
// brings in: for each of its partner types, the partner unit serving the
// place (routed directly), unless it has an order already or is asked for.
// A city without such a partner team gets none, and the log says so.
func (a *App) partnerSpecs(ctx context.Context, q *store.Q, inc *fenliu.Incident, s settingValues, existing []*fenliu.Order, specs []fenliu.OrderSpec) []fenliu.OrderSpec {
	if inc.GreenChannel == "" {
		return nil
	}
	var g *fenliu.GreenChannel
	for _, c := range s.greenChannels() {
		if c.Code == inc.GreenChannel {
			g = &c
			break
		}
	}
	if g == nil {
		return nil
	}
	have := map[int64]bool{}
	for _, o := range existing {
		if !o.State.Final() {
			have[o.UnitID] = true
		}
	}
	for _, sp := range specs {
		have[sp.UnitID] = true
	}
	// A partner routing already found, whose order the desk or duty room
	// holds to pass on, is not given a second one.
	for _, sp := range fenliu.SuggestedOrders(routeOf(inc)) {
		have[sp.UnitID] = true
	}
	r := a.route(ctx, RouteRequest{Category: inc.Category, Units: g.Partners, AreaID: inc.AreaID, At: a.now(), Direct: true})
	if r == nil {
		return nil
	}
	var out []fenliu.OrderSpec
	for _, as := range r.Assignments {
		u, err := q.Unit(ctx, as.UnitID)
		if err != nil || u.Type != as.UnitType {
			a.log.Info("green channel: no partner unit of this type serves the place", "channel", g.Code, "type", as.UnitType, "incident", inc.ID)
			continue
		}
		if have[u.ID] {
			continue
		}
		have[u.ID] = true
		out = append(out, fenliu.OrderSpec{UnitID: u.ID, Role: fenliu.OrderAssist, Partner: true})
	}
	return out
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
	if err := checkFiles(in.Files); err != nil {
		return nil, err
	}
	if len(in.Files) > 0 && (action == fenliu.ActReroute || action == fenliu.ActHandDown) {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "photo", ZH: "改派或下派不能附照片", EN: "a reroute or hand-down carries no photos"}
	}
	if len(in.Attachments)+len(in.Files) > fenliu.MaxAttachments {
		return nil, fenliu.Errorf(fenliu.EInvalid, "attachments", "附件最多 %d 个", "at most %d attachments", fenliu.MaxAttachments)
	}
	var (
		o       *fenliu.Order
		notices []*fenliu.Notice
	)
	err := a.db.TxShared(ctx, func(q *store.Q) error {
		var err error
		notices = nil
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
		if action == fenliu.ActReroute || action == fenliu.ActHandDown {
			_, notices, err = a.rerouteTx(ctx, q, actor, o, action, in.UnitID, in.Note)
			return err
		}
		prevVersion := o.Version
		now := a.now()
		ev, err := fenliu.Apply(o, action, in, now)
		if err != nil {
			return err
		}
		s, err := settingsOf(ctx, q)
		if err != nil {
			return err
		}
		switch {
		case o.State == fenliu.StateReopened:
			// 重办: the unit gets fresh limits to arrive, feed back and close.
			if err := a.retime(ctx, q, o, s, now, false); err != nil {
				return err
			}
		case action == fenliu.ActReject:
			// The return is refused: the same unit, its full limits from now.
			if err := a.retime(ctx, q, o, s, now, true); err != nil {
				return err
			}
		case action == fenliu.ActVerify:
			if err := a.callbackDue(ctx, q, o, s, now); err != nil {
				return err
			}
		}
		if err := q.UpdateOrder(ctx, o, prevVersion); err != nil {
			return err
		}
		ev.ActorID = actor.ID
		if o.State == fenliu.StateReopened || action == fenliu.ActReject {
			ev.Data = withDues(ev.Data, o) // the fresh limits
		}
		// The photos, now that the permission and the state allow the
		// action: stored with its event, or not at all.
		ups, atts := a.uploads(actor.ID, in.Addr, in.Files)
		if err := a.storeUploads(ctx, q, o.IncidentID, o.ID, ups); err != nil {
			return err
		}
		ev.Attachments = append(ev.Attachments, atts...)
		if err := q.InsertEvent(ctx, ev); err != nil {
			return err
		}
		if notices, err = a.armAndEscalate(ctx, q, o, now); err != nil {
			return err
		}
		if action == fenliu.ActCallback && s.get(SettingCallbackOrder) != "true" {
			// One call per incident: its outcome goes on the other closed orders.
			ns, err := a.callbackAll(ctx, q, actor, o, in, ev, s, now)
			notices = append(notices, ns...)
			return err
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
	a.wakeScheduler()
	return o, nil
}

// retime gives an order fresh limits from now: a reopened one its arrival,
// feedback and close limits (fenliu.ReopenDeadlines); one whose return was
// refused all of them (fenliu.SetDeadlines).
func (a *App) retime(ctx context.Context, q *store.Q, o *fenliu.Order, s settingValues, now time.Time, all bool) error {
	inc, err := q.Incident(ctx, o.IncidentID)
	if err != nil {
		return err
	}
	unit, err := q.Unit(ctx, o.UnitID)
	if err != nil {
		return err
	}
	l, working := a.limitsFor(s, inc.Category, unit.Type)
	if all {
		fenliu.SetDeadlines(o, l, s.calendar(), working, now)
	} else {
		fenliu.ReopenDeadlines(o, l, s.calendar(), working, now)
	}
	return nil
}

// callbackDue starts the callback's limit once an incident's work is done
// (fenliu.CallbackOrders), from now: on o (being closed now, written by the
// caller) or on the incident's order that the call is made on.
func (a *App) callbackDue(ctx context.Context, q *store.Q, o *fenliu.Order, s settingValues, now time.Time) error {
	orders, err := q.OrdersOfIncident(ctx, o.IncidentID)
	if err != nil {
		return err
	}
	for i := range orders {
		if orders[i].ID == o.ID {
			orders[i] = o
		}
	}
	limit := s.duration(SettingCallbackLimit)
	for _, rep := range fenliu.CallbackOrders(orders, s.get(SettingCallbackOrder) == "true") {
		if rep.CallbackDue != nil || rep.ClosedAt == nil {
			continue
		}
		due := now.Add(limit)
		rep.CallbackDue, rep.LimitsFrom = &due, now // the callback's limit runs from now
		if rep == o {
			continue // written with the action
		}
		prev := rep.Version
		if err := q.UpdateOrder(ctx, rep, prev); err != nil {
			return err
		}
		if _, err := q.ArmTimers(ctx, rep.ID, fenliu.Timers(rep)); err != nil {
			return err
		}
	}
	return nil
}

// callbackAll records one callback's outcome on the incident's other closed
// orders (a lead and its assisting orders are one call to the citizen).
func (a *App) callbackAll(ctx context.Context, q *store.Q, actor *fenliu.User, called *fenliu.Order, in fenliu.ActionInput, ev *fenliu.Event, s settingValues, now time.Time) ([]*fenliu.Notice, error) {
	if in.Unreachable && called.State == fenliu.StateClosed {
		return nil, nil // not reached yet: the call is tried again
	}
	orders, err := q.OrdersOfIncident(ctx, called.IncidentID)
	if err != nil {
		return nil, err
	}
	var out []*fenliu.Notice
	for _, o := range orders {
		if o.ID == called.ID || o.State != fenliu.StateClosed {
			continue
		}
		prev := o.Version
		var e *fenliu.Event
		if in.Unreachable {
			// The caller could not be reached in the tries allowed: done without a rating.
			e = &fenliu.Event{IncidentID: o.IncidentID, OrderID: o.ID, At: now, Kind: fenliu.EventKind(fenliu.ActCallback),
				FromState: o.State, ToState: fenliu.StateVisited, Attachments: []fenliu.Attachment{}}
			o.State, o.CallbackAt, o.UpdatedAt = fenliu.StateVisited, &now, now
		} else if e, err = fenliu.Apply(o, fenliu.ActCallback, in, now); err != nil {
			return nil, err
		}
		if e.Data == nil {
			e.Data = map[string]any{}
		}
		for k, v := range ev.Data {
			e.Data[k] = v
		}
		e.Data["via_order"] = called.ID
		e.ActorID, e.Note = actor.ID, in.Note
		if o.State == fenliu.StateReopened {
			if err := a.retime(ctx, q, o, s, now, false); err != nil {
				return nil, err
			}
			e.Data = withDues(e.Data, o)
		}
		if err := q.UpdateOrder(ctx, o, prev); err != nil {
			return nil, err
		}
		if err := q.InsertEvent(ctx, e); err != nil {
			return nil, err
		}
		ns, err := a.armAndEscalate(ctx, q, o, now)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	return out, nil
}

// rerouteTx ends order o — re-routed by a dispatcher (改派), or handed down
// by its unit to a unit below it (下派) — and dispatches its task to unitID
// with the same role and the new unit's full limits, counted by the
// calendar. It returns the new order and the notices made (to send after
// the commit).
func (a *App) rerouteTx(ctx context.Context, q *store.Q, actor *fenliu.User, o *fenliu.Order, action fenliu.Action, unitID int64, note string) (*fenliu.Order, []*fenliu.Notice, error) {
	if unitID == o.UnitID {
		return nil, nil, &fenliu.Error{Code: fenliu.EUnprocessable, Field: "unit_id", ZH: "改派的单位不能是原单位（退单可驳回）", EN: "reroute to a different unit (a return can be rejected instead)"}
	}
	unit, err := q.Unit(ctx, unitID)
	if err != nil {
		if fenliu.ErrorCode(err) == fenliu.ENotFound {
			return nil, nil, fenliu.Errorf(fenliu.EUnprocessable, "unit_id", "单位 %d 不存在", "unit %d does not exist", unitID)
		}
		return nil, nil, err
	}
	if action == fenliu.ActHandDown && unit.ParentID != o.UnitID {
		return nil, nil, fenliu.Errorf(fenliu.EUnprocessable, "unit_id", "只能下派给本单位的下级单位，%s 不是", "an order is handed down only to a unit below its own; %s is not", unit.Name)
	}
	inc, err := q.Incident(ctx, o.IncidentID)
	if err != nil {
		return nil, nil, err
	}
	now := a.now()
	prevVersion := o.Version
	ev, err := fenliu.Apply(o, action, fenliu.ActionInput{Note: note, UnitID: unitID}, now)
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
		Data: withDues(map[string]any{"unit_id": unitID, "role": string(next.Role), "from_order": o.ID}, next)}); err != nil {
		return nil, nil, err
	}
	ns, err := a.armAndEscalate(ctx, q, next, now)
	if err != nil {
		return nil, nil, err
	}
	return next, ns, nil
}
