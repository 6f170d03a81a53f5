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
// reference sent again return the first incident with created false (only
// to someone who may see it). Categories the city switched auto-dispatch on
// for are decided and dispatched in the same transaction, as routing
// says; if that fails, the incident is recorded all the same and waits for
// the linkage desk.
func (a *App) Intake(ctx context.Context, actor *fenliu.User, in fenliu.IncidentInput) (*fenliu.Incident, bool, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, false, err
	}
	return a.intake(ctx, actor, in)
}

// suggested is what the engine and routing say about a new call.
type suggested struct {
	triage *fenliu.Triage
	route  *fenliu.Route
	// ups are the photos sent with the call, checked, stored with the
	// incident if it is new (their attachments are on the incident).
	ups []*fenliu.Upload
}

// newIncident validates the input and makes the incident to record, with the
// engine's suggestion and route (研判建议), computed outside any transaction.
func (a *App) newIncident(ctx context.Context, actor *fenliu.User, in fenliu.IncidentInput) (*fenliu.Incident, suggested, error) {
	now := a.now()
	if err := in.Validate(now); err != nil {
		return nil, suggested{}, err
	}
	if err := checkFiles(in.Files); err != nil {
		return nil, suggested{}, err
	}
	if len(in.Attachments)+len(in.Files) > fenliu.MaxAttachments {
		return nil, suggested{}, fenliu.Errorf(fenliu.EInvalid, "attachments", "附件最多 %d 个", "at most %d attachments", fenliu.MaxAttachments)
	}
	if in.AreaID != 0 {
		if err := a.checkArea(ctx, in.AreaID, now); err != nil {
			return nil, suggested{}, err
		}
	}
	if in.ChannelRef == "" {
		var b [8]byte
		rand.Read(b[:])
		in.ChannelRef = "auto-" + hex.EncodeToString(b[:])
	}
	// Placement: a report without an area is placed by its coordinates
	// (point-in-polygon) or its address (the address directory).
	areaID, placed, err := a.Place(ctx, in.AreaID, in.Lat, in.Lng, in.Address)
	if err != nil {
		return nil, suggested{}, err
	}
	in.AreaID = areaID
	if in.AreaID == 0 {
		in.AreaID = a.areaForAddress(ctx, in.Address) // the road and place names an area lists
	}
	received := now
	if in.ReceivedAt != nil {
		received = in.ReceivedAt.UTC().Truncate(time.Millisecond)
	}
	inc := &fenliu.Incident{TrackingNo: newTrackingNo(now), Channel: in.Channel, ChannelRef: in.ChannelRef,
		ReceivedAt: received, CallerName: in.CallerName, CallerPhone: in.CallerPhone, Text: in.Text,
		Address: in.Address, AreaID: in.AreaID, Placed: placed, Lat: in.Lat, Lng: in.Lng, Attachments: in.Attachments,
		RecordedBy: actor.ID, CreatedAt: now}
	var sg suggested
	uploader := actor.ID
	if actor.Username == portalUsername {
		uploader = 0 // a citizen's: counted against the address
	}
	var atts []fenliu.Attachment
	sg.ups, atts = a.uploads(uploader, in.Addr, in.Files)
	inc.Attachments = append(append([]fenliu.Attachment{}, in.Attachments...), atts...)
	if t := a.classify(ctx, in.Text); t.Disposition != "" {
		sg.triage = &t
		inc.Triage, inc.CatalogVersion = mustJSON(t), t.CatalogVersion
		inc.Category = t.Category // provisional until decided; lets repeats match by matter
		// Diverted matters are routed at once (the desk shows where they
		// go); police-side ones when they are decided.
		if t.Disposition == fenliu.DispDivert {
			if sg.route = a.route(ctx, routeRequest(&t, in.AreaID, now)); sg.route != nil {
				inc.Route = mustJSON(sg.route)
			}
		}
	}
	return inc, sg, nil
}

func (a *App) intake(ctx context.Context, actor *fenliu.User, in fenliu.IncidentInput) (*fenliu.Incident, bool, error) {
	inc, sg, err := a.newIncident(ctx, actor, in)
	if err != nil {
		return nil, false, err
	}
	auto := sg.triage != nil && sg.triage.AutoDispatch && !sg.triage.Review && sg.triage.Disposition == fenliu.DispDivert && len(fenliu.OrdersFor(sg.route)) > 0
	var created bool
	fresh := *inc // each attempt records the incident as it came in
	record := func(withAuto bool) error {
		// Shared with other intakes arriving together (group commit); the
		// function may run again, so each attempt starts from fresh.
		return a.db.TxShared(ctx, func(q *store.Q) error {
			var err error
			attempt := fresh
			if inc, created, err = a.recordTx(ctx, q, actor, &attempt, sg.ups); err != nil || !created || !withAuto {
				return err
			}
			// Auto-dispatch: decided and dispatched as the engine and routing
			// suggested, recorded as automatic under the recording account.
			d := fenliu.DecisionInput{Disposition: fenliu.DispDivert, Category: sg.triage.Category, Reason: "自动派单 / auto-dispatch"}
			if err := a.decideTx(ctx, q, actor, inc, d, true); err != nil {
				return err
			}
			_, err = a.dispatchOrders(ctx, q, actor, inc, nil, fenliu.OrdersFor(sg.route), "自动派单 / auto-dispatch")
			return err
		})
	}
	err = record(auto)
	if err != nil && auto && fenliu.ErrorCode(err) != fenliu.EInternal {
		a.log.Warn("auto-dispatch failed; the incident is recorded for the linkage desk", "channel", in.Channel, "ref", inc.ChannelRef, "err", err)
		err = record(false)
	}
	if err != nil {
		return nil, false, err
	}
	if !created {
		// The same call sent again: answered only to someone who may see it.
		if err := a.canSeeIncident(ctx, actor, inc); err != nil {
			return nil, false, err
		}
		if _, err := a.shield(ctx, actor, ViaIntake, inc); err != nil {
			return nil, false, err
		}
		return inc, false, nil
	}
	a.changed(inc.ID)
	a.wakeScheduler()
	if a.opts.OnIntake != nil {
		a.opts.OnIntake(inc.Channel)
	}
	return inc, true, nil
}

// recordTx stores a new incident with its intake event and links it to the
// call it repeats. created is false when the channel sent this reference
// before (the first incident is returned).
// The photos sent with it (ups) are stored with a new incident only.
func (a *App) recordTx(ctx context.Context, q *store.Q, actor *fenliu.User, inc *fenliu.Incident, ups []*fenliu.Upload) (*fenliu.Incident, bool, error) {
	// A repeat call (重复报警): the domain's criteria, within the window;
	// looked up first so the link is written with the incident.
	inc.RepeatOf = 0
	if a.opts.RepeatWindow > 0 {
		prev, err := q.RecentIncident(ctx, fenliu.RepeatKeys(inc, inc.Category), inc.ReceivedAt.Add(-a.opts.RepeatWindow), inc.ReceivedAt.Add(time.Second), 0)
		if err != nil {
			return nil, false, err
		}
		inc.RepeatOf = prev
	}
	stored, created, err := q.InsertIncident(ctx, inc)
	if err != nil || !created {
		return stored, created, err
	}
	stored.Placed = inc.Placed
	inc = stored
	if err := a.storeUploads(ctx, q, inc.ID, 0, ups); err != nil {
		return nil, false, err
	}
	data := map[string]any{"channel": string(inc.Channel), "channel_ref": inc.ChannelRef, "received_at": inc.ReceivedAt.UnixMilli()}
	if inc.RepeatOf != 0 {
		data["repeat_of"] = inc.RepeatOf
	}
	if inc.Placed != fenliu.PlacedNone {
		data["placed"] = string(inc.Placed)
	}
	if err := q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, At: inc.CreatedAt, ActorID: actor.ID, Kind: fenliu.EvIntake,
		Data: data, Attachments: inc.Attachments}); err != nil {
		return nil, false, err
	}
	return inc, true, nil
}

// checkArea refuses an area the directory does not hold. It reads the
// routing cache outside any transaction (the writer is not held for it);
// the foreign key on incidents.area_id still refuses an area removed since.
func (a *App) checkArea(ctx context.Context, id int64, now time.Time) error {
	c, err := a.city(ctx, now)
	if err != nil {
		return err
	}
	for _, ar := range c.Areas {
		if ar.ID == id {
			return nil
		}
	}
	return unknownArea(id)
}

func unknownArea(id int64) error {
	return fenliu.Errorf(fenliu.EUnprocessable, "area_id", "区域 %d 不存在", "area %d does not exist", id)
}

// Decide sets or changes an incident's disposition. Each decision is an
// event; a change needs a reason. A decision changed after dispatch carries
// the open orders over to what the new decision routes to — re-timed,
// re-routed, cancelled or added (fenliu.PlanRedecision) — in the same
// transaction.
func (a *App) Decide(ctx context.Context, actor *fenliu.User, id int64, d fenliu.DecisionInput) (*fenliu.Incident, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	var (
		inc     *fenliu.Incident
		notices []*fenliu.Notice
	)
	err := a.db.Tx(ctx, func(q *store.Q) error {
		var err error
		if inc, err = q.Incident(ctx, id); err != nil {
			return err
		}
		before := *inc
		if err := a.decideTx(ctx, q, actor, inc, d, false); err != nil {
			return err
		}
		if before.Disposition == "" || (before.Disposition == inc.Disposition && before.Category == inc.Category) {
			return nil
		}
		notices, err = a.redecide(ctx, q, actor, inc, d.Reason)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, n := range notices {
		a.notify(n)
	}
	a.changed(id)
	a.wakeScheduler()
	return inc, nil
}

// decideTx writes a decision on inc (updated in place) and its event.
func (a *App) decideTx(ctx context.Context, q *store.Q, actor *fenliu.User, inc *fenliu.Incident, d fenliu.DecisionInput, auto bool) error {
	if d.Version != 0 && d.Version != inc.Version {
		return staleIncident()
	}
	if err := d.Validate(inc.Disposition); err != nil {
		return err
	}
	if d.Category != "" {
		if cat := a.Catalog(); cat != nil && cat.Category(d.Category) == nil {
			return fenliu.Errorf(fenliu.EUnprocessable, "category", "事项类别「%s」不在当前事项清单中", "category %q is not in the active catalogue", d.Category)
		}
	}
	s, err := settingsOf(ctx, q)
	if err != nil {
		return err
	}
	now := a.now()
	prev := inc.Disposition
	prevVersion := inc.Version
	inc.Disposition, inc.Category, inc.Hotline, inc.DecidedAt = d.Disposition, d.Category, d.Hotline, &now
	// A green channel (绿色通道) by the decided matter, or the danger found.
	inc.GreenChannel, inc.Priority = "", fenliu.PriorityNormal
	var danger []string
	if t := triageOf(inc); t != nil {
		danger = t.Danger
	}
	if d.Disposition != fenliu.DispRedirect {
		if g := fenliu.MatchGreenChannel(s.greenChannels(), d.Category, danger); g != nil {
			inc.GreenChannel, inc.Priority = g.Code, g.Priority
		}
	}
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
	if inc.GreenChannel != "" {
		data["green_channel"] = inc.GreenChannel
	}
	// How the decision compares with the engine's suggestion: this record
	// is how the triage engine is judged, and learns, later.
	if t := triageOf(inc); t != nil {
		data["suggested_disposition"] = string(t.Disposition)
		data["suggested_category"] = t.Category
		data["accepted"] = t.Disposition == d.Disposition && (d.Category == "" || d.Category == t.Category)
	}
	return q.InsertEvent(ctx, &fenliu.Event{IncidentID: inc.ID, At: now, ActorID: actor.ID, Kind: fenliu.EvDecide, Note: d.Reason, Data: data})
}

// triageOf reads the suggestion recorded with an incident (nil if none).
func triageOf(inc *fenliu.Incident) *fenliu.Triage {
	if len(inc.Triage) == 0 {
		return nil
	}
	var t fenliu.Triage
	if json.Unmarshal(inc.Triage, &t) != nil {
		return nil
	}
	return &t
}

// routeOf reads the route recorded with an incident (nil if none).
func routeOf(inc *fenliu.Incident) *fenliu.Route {
	if len(inc.Route) == 0 {
		return nil
	}
	var r fenliu.Route
	if json.Unmarshal(inc.Route, &r) != nil {
		return nil
	}
	return &r
}

func staleIncident() error {
	return &fenliu.Error{Code: fenliu.EConflict, Field: "version", ZH: "警情已被他人修改，请刷新后重试", EN: "the incident was changed by someone else; reload and try again"}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
