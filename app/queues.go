package app

import (
	"context"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// AddNote records a note on an incident (a three-way-call record, a
// dispatcher's remark). Unit staff may note only incidents of their unit.
func (a *App) AddNote(ctx context.Context, actor *fenliu.User, incidentID int64, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return &fenliu.Error{Code: fenliu.EInvalid, Field: "note", ZH: "备注不能为空", EN: "note is required"}
	}
	in := fenliu.ActionInput{Note: note}
	if err := in.Validate(fenliu.ActSign); err != nil {
		return err
	}
	if _, err := a.Incident(ctx, actor, incidentID); err != nil {
		return err
	}
	if actor.Role == fenliu.RoleLeader {
		return &fenliu.Error{Code: fenliu.EForbidden, ZH: "领导账号为只读", EN: "leader accounts are read-only"}
	}
	err := a.DB.Tx(ctx, func(q *store.Q) error {
		return q.InsertEvent(ctx, &fenliu.Event{IncidentID: incidentID, At: a.now(), ActorID: actor.ID, Kind: fenliu.EvNote, Note: note})
	})
	if err == nil {
		a.changed(incidentID)
	}
	return err
}

// portalUser is the system account citizens' reports are recorded under. It
// is disabled, so nobody can sign in or hold a token as it.
func (a *App) portalUser(ctx context.Context) (*fenliu.User, error) {
	u, _, err := a.DB.UserByUsername(ctx, "public-portal")
	if err == nil {
		return u, nil
	}
	if fenliu.ErrorCode(err) != fenliu.ENotFound {
		return nil, err
	}
	u = &fenliu.User{Username: "public-portal", DisplayName: "群众自报平台", Role: fenliu.RoleCallTaker, Disabled: true}
	if err := a.createUser(ctx, u, ""); err != nil && fenliu.ErrorCode(err) == fenliu.EConflict {
		u, _, err = a.DB.UserByUsername(ctx, "public-portal")
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
	inc, err := a.DB.IncidentByTracking(ctx, no)
	if err != nil {
		return nil, err
	}
	events, err := a.DB.Events(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	orders, err := a.DB.OrdersOfIncident(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	units, err := a.DB.Units(ctx)
	if err != nil {
		return nil, err
	}
	unitName := map[int64]string{}
	for _, u := range units {
		unitName[u.ID] = u.Name
	}
	orderUnit := map[int64]int64{}
	for _, o := range orders {
		orderUnit[o.ID] = o.UnitID
	}
	v := &PublicView{TrackingNo: inc.TrackingNo, ReceivedAt: inc.ReceivedAt, Disposition: inc.Disposition, Category: inc.Category, Hotline: inc.Hotline}
	for _, e := range events {
		if e.Kind == fenliu.EvNote || e.Kind == fenliu.EvTriage {
			continue
		}
		v.Steps = append(v.Steps, PublicStep{At: e.At, Kind: e.Kind, Unit: unitName[orderUnit[e.OrderID]], State: e.ToState})
	}
	return v, nil
}

// DeskQueue is the linkage desk's work: incidents to decide or dispatch, and
// orders returned by units waiting to be re-routed.
type DeskQueue struct {
	Undecided    []*fenliu.Incident
	Undispatched []*fenliu.Incident
	Returned     []*fenliu.Order
}

// Queue returns the linkage desk's queue.
func (a *App) Queue(ctx context.Context, actor *fenliu.User) (*DeskQueue, error) {
	if err := fenliu.CanDecide(actor); err != nil {
		return nil, err
	}
	var q DeskQueue
	var err error
	if q.Undecided, err = a.DB.IncidentsWaiting(ctx, false, 100); err != nil {
		return nil, err
	}
	if q.Undispatched, err = a.DB.IncidentsWaiting(ctx, true, 100); err != nil {
		return nil, err
	}
	if q.Returned, err = a.DB.Orders(ctx, store.OrderFilter{States: []fenliu.OrderState{fenliu.StateReturned}, Limit: 100}); err != nil {
		return nil, err
	}
	return &q, nil
}
