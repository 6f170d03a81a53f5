package app

import (
	"context"
	"strings"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/store"
)

// Callers' personal data on a need-to-know basis: every incident an edge
// receives has passed through shield (or mask), which applies the one
// policy, fenliu.CallerAccessTo, and records each full read.

// Access is one read or reveal of a caller's name and phone.
type Access = store.Access

// AccessFilter selects access log entries.
type AccessFilter = store.AccessFilter

// Where a read came from, as the access log names it.
const (
	ViaIncident = "incident"     // the incident's record (page or API)
	ViaOrder    = "order"        // an order's page
	ViaList     = "list"         // a list of incidents (API)
	ViaIntake   = "intake_again" // the same call sent again
	ViaEarlier  = "earlier"      // earlier incidents of a caller or place
	ViaCallback = "callback"     // the callback queue
	ViaTransfer = "transfer"     // the one-click transfer of a known incident
)

// shield applies the personal-data policy to incidents the actor is about
// to be shown: what the actor may not see in full is masked in place, and
// each incident shown in full (with a name or phone) is recorded in the
// access log. It returns each incident's access level.
func (a *App) shield(ctx context.Context, actor *fenliu.User, via string, incs ...*fenliu.Incident) (map[int64]fenliu.CallerAccess, error) {
	out := make(map[int64]fenliu.CallerAccess, len(incs))
	var reads []*store.Access
	now := a.now()
	for _, inc := range incs {
		acc, err := a.callerAccess(ctx, actor, inc)
		if err != nil {
			return nil, err
		}
		out[inc.ID] = acc
		if acc != fenliu.CallerFull {
			fenliu.MaskCaller(inc)
			continue
		}
		if inc.CallerName != "" || inc.CallerPhone != "" {
			reads = append(reads, &store.Access{At: now, UserID: actor.ID, IncidentID: inc.ID, Kind: "read", Via: via})
		}
	}
	if len(reads) > 0 {
		if err := a.db.Tx(ctx, func(q *store.Q) error { return q.InsertAccess(ctx, reads...) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mask hides the caller of incidents on screens that do not show callers
// (queues, boards), whoever looks: nothing is read, nothing is recorded.
func mask(incs ...*fenliu.Incident) {
	for _, inc := range incs {
		fenliu.MaskCaller(inc)
	}
}

// callerAccess is fenliu.CallerAccessTo for an incident, reading its orders
// only when the role does not decide alone.
func (a *App) callerAccess(ctx context.Context, actor *fenliu.User, inc *fenliu.Incident) (fenliu.CallerAccess, error) {
	var orders []*fenliu.Order
	if actor != nil && (actor.Role == fenliu.RoleCallback || actor.Role == fenliu.RoleUnitStaff) && inc.RecordedBy != actor.ID {
		var err error
		if orders, err = a.db.OrdersOfIncident(ctx, inc.ID); err != nil {
			return fenliu.CallerHidden, err
		}
	}
	return fenliu.CallerAccessTo(actor, inc, orders), nil
}

// Caller is a caller's name and phone, shown on request.
type Caller struct {
	IncidentID int64  `json:"incident_id"`
	Name       string `json:"caller_name"`
	Phone      string `json:"caller_phone"`
}

// RevealCaller shows a masked caller in full to someone the policy lets
// reveal it (the unit handling an open order, to call the caller back),
// with a reason; the reveal is recorded (who, when, which incident, why).
func (a *App) RevealCaller(ctx context.Context, actor *fenliu.User, incidentID int64, reason string) (*Caller, error) {
	inc, err := a.db.Incident(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if err := a.canSeeIncident(ctx, actor, inc); err != nil {
		return nil, err
	}
	acc, err := a.callerAccess(ctx, actor, inc)
	if err != nil {
		return nil, err
	}
	if acc == fenliu.CallerHidden {
		return nil, &fenliu.Error{Code: fenliu.EForbidden, ZH: "无权查看该报警人的姓名和电话", EN: "you may not see this caller's name and phone"}
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, &fenliu.Error{Code: fenliu.EInvalid, Field: "reason", ZH: "查看报警人信息必须说明原因", EN: "a reason is required to reveal the caller"}
	}
	if err := fenliu.CheckText("reason", "原因", reason, fenliu.MaxShortRunes); err != nil {
		return nil, err
	}
	err = a.db.Tx(ctx, func(q *store.Q) error {
		return q.InsertAccess(ctx, &store.Access{At: a.now(), UserID: actor.ID, IncidentID: inc.ID, Kind: "reveal", Via: ViaIncident, Reason: reason})
	})
	if err != nil {
		return nil, err
	}
	return &Caller{IncidentID: inc.ID, Name: inc.CallerName, Phone: inc.CallerPhone}, nil
}

// AccessLog lists the reads and reveals of personal data, newest first
// (administrators).
func (a *App) AccessLog(ctx context.Context, actor *fenliu.User, f AccessFilter) ([]*Access, error) {
	if err := fenliu.CanReadAccessLog(actor); err != nil {
		return nil, err
	}
	return a.db.AccessLog(ctx, f)
}
