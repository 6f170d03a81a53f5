package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Intake records an incident (有警必录). The write is committed before it
// returns, so an acknowledged incident survives a crash. The same channel and
// reference sent again return the first incident with created false.
func (a *App) Intake(ctx context.Context, actor *fenliu.User, in fenliu.IncidentInput) (*fenliu.Incident, bool, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, false, err
	}
	return a.intake(ctx, actor, in)
}

func (a *App) intake(ctx context.Context, actor *fenliu.User, in fenliu.IncidentInput) (*fenliu.Incident, bool, error) {
	now := a.now()
	if err := in.Validate(now); err != nil {
		return nil, false, err
	}
	if in.ChannelRef == "" {
		var b [8]byte
		rand.Read(b[:])
		in.ChannelRef = "auto-" + hex.EncodeToString(b[:])
	}
	received := now
	if in.ReceivedAt != nil {
		received = in.ReceivedAt.UTC().Truncate(1e6)
	}
	inc := &fenliu.Incident{TrackingNo: newTrackingNo(now), Channel: in.Channel, ChannelRef: in.ChannelRef,
		ReceivedAt: received, CallerName: in.CallerName, CallerPhone: in.CallerPhone, Text: in.Text,
		Address: in.Address, AreaID: in.AreaID, Lat: in.Lat, Lng: in.Lng, Attachments: in.Attachments,
		RecordedBy: actor.ID, CreatedAt: now}
	// Triage and route at once, stored with the incident (研判建议).
	var t *Triage
	var route *Route
	if a.Classifier != nil {
		if tr := a.Classifier(in.Text); tr.Disposition != "" {
			t = &tr
		}
	}
	if t != nil {
		inc.Triage, inc.CatalogVersion = mustJSON(t), t.CatalogVersion
		inc.Category = t.Category // provisional until decided; lets repeats match by matter
		if a.Router != nil && t.Disposition == fenliu.DispDivert {
			if r, err := a.Router(ctx, t, in.AreaID, now); err == nil {
				route = r
				inc.Route = mustJSON(r)
			}
		}
	}
	var created bool
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		if in.AreaID != 0 {
			if err := areaExists(ctx, q, in.AreaID); err != nil {
				return err
			}
		}
		var err error
		inc, created, err = q.InsertIncident(ctx, inc)
		if err != nil || !created {
			return err
		}
		if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, At: now, ActorID: actor.ID, Kind: fenliu.EvIntake,
			Data: map[string]any{"channel": string(inc.Channel), "channel_ref": inc.ChannelRef}, Attachments: inc.Attachments}); err != nil {
			return err
		}
		// A repeat call (重复报警): same caller, or same place and matter, within the window.
		category := ""
		if t != nil {
			category = t.Category
		}
		if a.RepeatWindow > 0 {
			prev, err := q.RecentIncident(ctx, inc.CallerPhone, inc.AreaID, inc.Address, category, received.Add(-a.RepeatWindow), received.Add(time.Second), inc.ID)
			if err != nil {
				return err
			}
			if prev != nil {
				inc.RepeatOf = prev.ID
				if err := q.SetRepeat(ctx, inc.ID, prev.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if !created {
		return inc, false, nil
	}
	a.changed(inc.ID)
	// Auto-dispatch for categories the city switched it on for: no human step.
	if t != nil && t.AutoDispatch && t.Disposition == fenliu.DispDivert && route != nil && len(route.Assignments) > 0 {
		if err := a.autoDispatch(ctx, actor, inc, t, route); err != nil {
			return nil, false, err
		}
		if fresh, err := a.DB.Incident(ctx, inc.ID); err == nil {
			inc = fresh
		}
	}
	return inc, true, nil
}

// autoDispatch decides and dispatches as the engine suggested, recorded as
// automatic under the account that recorded the incident.
func (a *App) autoDispatch(ctx context.Context, actor *fenliu.User, inc *fenliu.Incident, t *Triage, r *Route) error {
	if _, err := a.decide(ctx, actor, inc.ID, fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: t.Category, Reason: "自动派单 / auto-dispatch"}, true); err != nil {
		return err
	}
	d := fenliu.DispatchInput{Note: "自动派单 / auto-dispatch"}
	for _, as := range r.Assignments {
		d.Orders = append(d.Orders, fenliu.OrderSpec{UnitID: as.UnitID, Role: as.Role})
	}
	_, err := a.dispatch(ctx, actor, inc.ID, d)
	return err
}

func areaExists(ctx context.Context, q *store.Q, id int64) error {
	areas, err := q.Areas(ctx)
	if err != nil {
		return err
	}
	for _, ar := range areas {
		if ar.ID == id {
			return nil
		}
	}
	return fenliu.Errorf(fenliu.EUnprocessable, "area_id", "区域 %d 不存在", "area %d does not exist", id)
}

// Decide sets or changes an incident's disposition. Each decision is an
// event; a change needs a reason.
func (a *App) Decide(ctx context.Context, actor *fenliu.User, id int64, d fenliu.DecisionInput) (*fenliu.Incident, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	return a.decide(ctx, actor, id, d, false)
}

func (a *App) decide(ctx context.Context, actor *fenliu.User, id int64, d fenliu.DecisionInput, auto bool) (*fenliu.Incident, error) {
	var inc *fenliu.Incident
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		var err error
		if inc, err = q.Incident(ctx, id); err != nil {
			return err
		}
		if d.Version != 0 && d.Version != inc.Version {
			return staleIncident()
		}
		if err := d.Validate(inc.Disposition); err != nil {
			return err
		}
		now := a.now()
		prev := inc.Disposition
		prevVersion := inc.Version
		inc.Disposition, inc.Category, inc.Hotline, inc.DecidedAt = d.Disposition, d.Category, d.Hotline, &now
		if err := q.UpdateDecision(ctx, inc, prevVersion); err != nil {
			return err
		}
		data := map[string]any{"disposition": string(d.Disposition)}
		if d.Category != "" {
			data["category"] = d.Category
		}
		if d.Hotline != "" {
			data["hotline"] = d.Hotline
		}
		if prev != "" {
			data["previous"] = string(prev)
		}
		if auto {
			data["auto"] = true
		}
		// How the decision compares with the engine's suggestion: this record
		// is how the triage engine is judged later.
		if len(inc.Triage) > 0 {
			var t Triage
			if json.Unmarshal(inc.Triage, &t) == nil {
				data["suggested_disposition"] = string(t.Disposition)
				data["suggested_category"] = t.Category
				data["accepted"] = t.Disposition == d.Disposition && (d.Category == "" || d.Category == t.Category)
			}
		}
		return q.InsertEvent(ctx, &fenliu.Event{IncidentID: id, At: now, ActorID: actor.ID, Kind: fenliu.EvDecide, Note: d.Reason, Data: data})
	})
	if err != nil {
		return nil, err
	}
	a.changed(id)
	return inc, nil
}

func staleIncident() error {
	return &fenliu.Error{Code: fenliu.EConflict, Field: "version", ZH: "警情已被他人修改，请刷新后重试", EN: "the incident was changed by someone else; reload and try again"}
}

// IncidentView is an incident with its orders and its whole record.
type IncidentView struct {
	Incident *fenliu.Incident `json:"incident"`
	Orders   []*fenliu.Order  `json:"orders"`
	Events   []*fenliu.Event  `json:"events"`
}

// Incident returns the incident with its orders and history. Unit staff see
// only incidents with an order of their unit, and only their unit's orders.
func (a *App) Incident(ctx context.Context, actor *fenliu.User, id int64) (*IncidentView, error) {
	inc, err := a.DB.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	orders, err := a.DB.OrdersOfIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	events, err := a.DB.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	if !fenliu.SeesAllUnits(actor) {
		mine := map[int64]bool{}
		var kept []*fenliu.Order
		for _, o := range orders {
			if fenliu.CanSeeOrder(actor, o) == nil {
				kept = append(kept, o)
				mine[o.ID] = true
			}
		}
		if len(kept) == 0 {
			return nil, fenliu.NotFound("警情", "incident", id)
		}
		var evs []*fenliu.Event
		for _, e := range events {
			if e.OrderID == 0 || mine[e.OrderID] {
				evs = append(evs, e)
			}
		}
		orders, events = kept, evs
	}
	return &IncidentView{Incident: inc, Orders: orders, Events: events}, nil
}

// Incidents lists incidents; unit staff see only those with their orders.
func (a *App) Incidents(ctx context.Context, actor *fenliu.User, f store.IncidentFilter) ([]*fenliu.Incident, error) {
	if !fenliu.SeesAllUnits(actor) {
		f.UnitID = actor.UnitID
	}
	return a.DB.Incidents(ctx, f)
}
