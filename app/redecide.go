package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// redecide carries an incident's open orders over to its new decision
// (fenliu.PlanRedecision): same units re-timed to the new category's
// limits, others re-routed or cancelled, new units dispatched.
func (a *App) redecide(ctx context.Context, q *store.Q, actor *fenliu.User, inc *fenliu.Incident, reason string) ([]*fenliu.Notice, error) {
	orders, err := q.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	open := false
	for _, o := range orders {
		open = open || o.Changeable()
	}
	if !open {
		return nil, nil
	}
	var want []fenliu.OrderSpec
	if inc.Disposition != fenliu.DispRedirect {
		r := a.route(ctx, routeRequest(a.triageFor(fenliu.DecisionInput{Disposition: inc.Disposition, Category: inc.Category}, triageOf(inc)), inc.AreaID, a.now()))
		want = fenliu.OrdersFor(r)
		if len(want) == 0 {
			return nil, &fenliu.Error{Code: fenliu.EUnprocessable, Field: "category", ZH: "新的处置无法派到任何单位，已派的工单不能转交", EN: "the new decision routes to no unit; the orders dispatched cannot be carried over"}
		}
	}
	plan := fenliu.PlanRedecision(orders, want)
	s, err := settingsOf(ctx, q)
	if err != nil {
		return nil, err
	}
	now := a.now()
	note := "改判 / decision changed: " + reason
	var out []*fenliu.Notice
	for _, o := range plan.Retime {
		prev := o.Version
		old := map[string]any{"sign_due": msOf(o.SignDue), "feedback_due": msOf(o.FeedbackDue), "close_due": msOf(o.CloseDue)}
		if err := a.retime(ctx, q, o, s, now, true); err != nil {
			return nil, err
		}
		o.UpdatedAt = now
		if err := q.UpdateOrder(ctx, o, prev); err != nil {
			return nil, err
		}
		data := withDues(map[string]any{"category": inc.Category, "previous": old}, o)
		if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, OrderID: o.ID, At: now, ActorID: actor.ID, Kind: fenliu.EvRetime,
			FromState: o.State, ToState: o.State, Note: note, Data: data}); err != nil {
			return nil, err
		}
		ns, err := a.armAndEscalate(ctx, q, o, now)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	for _, ra := range plan.Reroute {
		_, ns, err := a.rerouteTx(ctx, q, actor, ra.Order, fenliu.ActReroute, ra.To, note)
		if err != nil {
			return nil, err
		}
		out = append(out, ns...)
	}
	for _, o := range plan.Cancel {
		prev := o.Version
		ev, err := fenliu.Apply(o, fenliu.ActCancel, fenliu.ActionInput{Note: note}, now)
		if err != nil {
			return nil, err
		}
		if err := q.UpdateOrder(ctx, o, prev); err != nil {
			return nil, err
		}
		ev.ActorID = actor.ID
		if err := q.InsertEvent(ctx, ev); err != nil {
			return nil, err
		}
		if _, err := a.armAndEscalate(ctx, q, o, now); err != nil {
			return nil, err
		}
	}
	if len(plan.Add) > 0 {
		if _, err := a.dispatchTx(ctx, q, actor, inc, plan.Add, note); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func msOf(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}
