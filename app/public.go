package app

import (
	"context"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// AddNote records a note on an incident (a three-way-call record, a
// dispatcher's remark). Unit staff may note only incidents of their unit;
// leaders only read.
func (a *App) AddNote(ctx context.Context, actor *fenliu.User, incidentID int64, note string) error {
	if err := a.canSeeIncidentID(ctx, actor, incidentID); err != nil {
		return err
	}
	if err := fenliu.CanNote(actor); err != nil {
		return err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "note", ZH: "备注不能为空", EN: "note is required"}
	}
	in := fenliu.ActionInput{Note: note}
	if err := in.Validate(fenliu.ActSign); err != nil {
		return err
	}
	err := a.db.Tx(ctx, func(q *store.Q) error {
		return q.InsertEvent(ctx, &fenliu.Event{IncidentID: incidentID, At: a.now(), ActorID: actor.ID, Kind: fenliu.EvNote, Note: note})
	})
	if err == nil {
		a.changed(incidentID)
	}
	return err
}

// portalUsername names the system account of citizens' reports.
const portalUsername = "public-portal"

// portalUser is the system account citizens' reports are recorded under. It
// is disabled, so nobody can sign in or hold a token as it.
func (a *App) portalUser(ctx context.Context) (*fenliu.User, error) {
	u, _, err := a.db.UserByUsername(ctx, portalUsername)
	if err == nil {
		return u, nil
	}
	if fenliu.ErrorCode(err) != fenliu.ENotFound {
		return nil, err
	}
	u = &fenliu.User{Username: portalUsername, DisplayName: "群众自报平台", Role: fenliu.RoleCallTaker, Disabled: true}
	if err := a.createUser(ctx, u, ""); err != nil && fenliu.ErrorCode(err) == fenliu.EConflict {
		u, _, err = a.db.UserByUsername(ctx, portalUsername)
		return u, err
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// PublicIntake records a citizen's own report from the public page. A phone
// number is required so the matter can be followed up.
func (a *App) PublicIntake(ctx context.Context, in fenliu.IncidentInput) (*fenliu.Incident, error) {
	in.Channel = fenliu.ChannelCitizen
	if strings.TrimSpace(in.CallerPhone) == "" {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "caller_phone", ZH: "请留下联系电话，以便处理和回访", EN: "a phone number is required so we can follow up"}
	}
	u, err := a.portalUser(ctx)
	if err != nil {
		return nil, err
	}
	inc, _, err := a.intake(ctx, u, in)
	return inc, err
}

// PublicView is what anyone holding a tracking number may see: no names, no
// phone numbers, no free text written by staff.
type PublicView struct {
	TrackingNo  string
	ReceivedAt  time.Time
	Disposition fenliu.Disposition
	Category    string
	Hotline     string
	Steps       []PublicStep
}

// PublicStep is one step of the public progress view.
type PublicStep struct {
	At    time.Time
	Kind  fenliu.EventKind
	Unit  string
	State fenliu.OrderState
}

// Track returns the public progress of the incident with the tracking number.
func (a *App) Track(ctx context.Context, no string) (*PublicView, error) {
	no = strings.ToUpper(strings.TrimSpace(no))
	if no == "" || len(no) > 40 {
		return nil, fenliu.NotFound("查询编号", "tracking number", "")
	}
	inc, err := a.db.IncidentByTracking(ctx, no)
	if err != nil {
		return nil, err
	}
	events, err := a.db.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	orders, err := a.db.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	names, err := a.nameMaps(ctx, false)
	if err != nil {
		return nil, err
	}
	orderUnit := map[int64]int64{}
	for _, o := range orders {
		orderUnit[o.ID] = o.UnitID
	}
	v := &PublicView{TrackingNo: inc.TrackingNo, ReceivedAt: inc.ReceivedAt, Disposition: inc.Disposition, Category: inc.Category, Hotline: inc.Hotline}
	for _, e := range events {
		if !fenliu.PublicEvent(e.Kind) {
			continue
		}
		v.Steps = append(v.Steps, PublicStep{At: e.At, Kind: e.Kind, Unit: names.Units[orderUnit[e.OrderID]], State: e.ToState})
	}
	return v, nil
}
