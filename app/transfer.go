package app

import (
	"context"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// TransferResult is what a transfer did: the incident as decided, the
// orders dispatched, and — in desk_first and duty_room modes — the units
// kept as suggestions for the desk or duty room.
type TransferResult struct {
	Incident  *fenliu.Incident    `json:"incident"`
	Created   bool                `json:"created"` // the call was recorded now
	Orders    []*fenliu.Order     `json:"orders"`
	Suggested []fenliu.Assignment `json:"suggested"`
	// Again: the incident had been transferred before (a resend); nothing
	// was done again.
	Again bool `json:"again,omitempty"`
}

// Transfer is the call-taker's one click (一键转接): it records the call
// (or takes the incident already recorded), decides it and dispatches it,
// all in one transaction. What the caller leaves empty follows the engine
// and routing: the suggested disposition and category, the units routing
// finds for that category in the incident's place — turned into orders per
// routing mode by fenliu.OrdersFor. A redirect gets no orders. Sent again
// for an incident already transferred, it changes nothing and answers what
// is there.
func (a *App) Transfer(ctx context.Context, actor *fenliu.User, in fenliu.TransferInput) (*TransferResult, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var (
		fresh *fenliu.Incident
		sg    suggested
	)
	if in.Incident != nil {
		var err error
		if fresh, sg, err = a.newIncident(ctx, actor, *in.Incident); err != nil {
			return nil, err
		}
	}
	res := &TransferResult{}
	fromTriage := sg
	// One transaction, shared with other calls arriving together (group
	// commit); the function may run again, so it starts afresh each time.
	err := a.db.TxShared(ctx, func(q *store.Q) error {
		*res = TransferResult{Orders: []*fenliu.Order{}, Suggested: []fenliu.Assignment{}}
		sg = fromTriage
		var inc *fenliu.Incident
		if fresh != nil {
			var err error
			attempt := *fresh
			if inc, res.Created, err = a.recordTx(ctx, q, actor, &attempt, sg.ups); err != nil {
				return err
			}
			if !res.Created {
				sg = suggested{triage: triageOf(inc), route: routeOf(inc)}
			}
		} else {
			var err error
			if inc, err = q.Incident(ctx, in.IncidentID); err != nil {
				return err
			}
			sg = suggested{triage: triageOf(inc), route: routeOf(inc)}
		}
		res.Incident = inc
		var existing []*fenliu.Order // an incident recorded just now has none
		if !res.Created {
			var err error
			if existing, err = q.OrdersOfIncident(ctx, inc.ID); err != nil {
				return err
			}
		}
		if inc.Disposition != "" && (len(existing) > 0 || inc.Disposition == fenliu.DispRedirect) {
			// Transferred before: a resend does nothing twice.
			res.Again, res.Orders = true, existing
			return nil
		}
		d := in.Decision
		if in.Police {
			d.Disposition = fenliu.DispPolice
			if sg.triage != nil && sg.triage.Disposition.PoliceSide() {
				d.Disposition, d.Category = sg.triage.Disposition, sg.triage.Category
			}
		}
		if d.Disposition == "" {
			if sg.triage == nil {
				return &fenliu.Error{Code: fenliu.EInvalid, Field: "decision.disposition", ZH: "没有研判建议，请选择处置方式", EN: "there is no suggestion; choose a disposition"}
			}
			d.Disposition, d.Hotline = sg.triage.Disposition, sg.triage.Hotline
			if d.Category == "" {
				d.Category = sg.triage.Category
			}
		}
		if d.Disposition == fenliu.DispRedirect && d.Hotline == "" && sg.triage != nil {
			d.Hotline = sg.triage.Hotline
		}
		if d.Category == "" && sg.triage != nil && d.Disposition.PoliceSide() == sg.triage.Disposition.PoliceSide() {
			d.Category = sg.triage.Category
		}
		if err := a.decideTx(ctx, q, actor, inc, d, false); err != nil {
			return err
		}
		if d.Disposition == fenliu.DispRedirect {
			return nil
		}
		specs := in.Orders
		if len(specs) == 0 {
			r := sg.route
			if r == nil || sg.triage == nil || d.Category != sg.triage.Category || d.Disposition.PoliceSide() != sg.triage.Disposition.PoliceSide() {
				// The decision is not what was routed: route what was decided.
				r = a.route(ctx, routeRequest(a.triageFor(d, sg.triage), inc.AreaID, a.now()))
			}
			specs = fenliu.OrdersFor(r)
			if in.Lead != 0 {
				// The call-taker's lead first; the routed units assist.
				lead := []fenliu.OrderSpec{{UnitID: in.Lead, Role: fenliu.OrderLead}}
				for _, sp := range specs {
					if sp.UnitID != in.Lead {
						lead = append(lead, fenliu.OrderSpec{UnitID: sp.UnitID, Role: fenliu.OrderAssist})
					}
				}
				specs = lead
			}
			if r != nil {
				for _, as := range r.Assignments {
					if as.Suggested {
						res.Suggested = append(res.Suggested, as)
					}
				}
			}
		}
		if len(specs) == 0 {
			return nil // nothing routable: the linkage desk sees it undispatched
		}
		note := in.Note
		if note == "" {
			note = "一键转接 / one-click transfer"
		}
		var err error
		res.Orders, err = a.dispatchOrders(ctx, q, actor, inc, existing, specs, note)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !res.Created {
		// A known incident (sent again, or recorded before): its caller as
		// the policy shows it.
		if _, err := a.shield(ctx, actor, ViaTransfer, res.Incident); err != nil {
			return nil, err
		}
	}
	a.changed(res.Incident.ID)
	a.wakeScheduler()
	return res, nil
}

// triageFor is the routing input for a decision: its category's unit types
// from the catalogue, or the engine's units when the category is unknown.
func (a *App) triageFor(d fenliu.DecisionInput, t *fenliu.Triage) *fenliu.Triage {
	out := &fenliu.Triage{Disposition: d.Disposition, Category: d.Category}
	if cat := a.Catalog(); cat != nil {
		if c := cat.Category(d.Category); c != nil {
			out.Units = c.Units
			return out
		}
	}
	if t != nil {
		out.Units = t.Units
	}
	return out
}

// DispatchSuggested passes an incident that routing sent to the linkage
// desk or the duty room (desk_first, duty_room) on to the units it
// suggested, with one click: the hub's open order is re-routed to the
// suggested lead, and the other suggested units get assisting orders.
func (a *App) DispatchSuggested(ctx context.Context, actor *fenliu.User, incidentID int64, note string) ([]*fenliu.Order, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	var (
		out     []*fenliu.Order
		notices []*fenliu.Notice
	)
	err := a.db.Tx(ctx, func(q *store.Q) error {
		inc, err := q.Incident(ctx, incidentID)
		if err != nil {
			return err
		}
		specs := fenliu.SuggestedOrders(routeOf(inc))
		if len(specs) == 0 {
			return &fenliu.Error{Code: fenliu.EUnprocessable, ZH: "该警情没有建议的承办单位", EN: "the incident has no suggested units"}
		}
		orders, err := q.OrdersOfIncident(ctx, incidentID)
		if err != nil {
			return err
		}
		if note == "" {
			note = "按建议派单 / dispatched as suggested"
		}
		st, err := settingsOf(ctx, q)
		if err != nil {
			return err
		}
		plan := fenliu.PlanPassOn(routeOf(inc), orders, st.int(SettingDeskUnit), st.int(SettingDutyRoomUnit))
		if plan.Empty() {
			return &fenliu.Error{Code: fenliu.EConflict, ZH: "该警情已按建议派出，没有待转派的工单", EN: "the incident's suggestions are all dispatched already; nothing to pass on"}
		}
		for _, h := range plan.Hand {
			next, ns, err := a.rerouteTx(ctx, q, actor, h.Order, fenliu.ActReroute, h.To.UnitID, note)
			if err != nil {
				return err
			}
			notices = append(notices, ns...)
			out = append(out, next)
		}
		if len(plan.New) == 0 {
			return nil
		}
		more, err := a.dispatchTx(ctx, q, actor, inc, plan.New, note)
		out = append(out, more...)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		a.notify(n)
	}
	a.changed(incidentID)
	a.wakeScheduler()
	return out, nil
}
