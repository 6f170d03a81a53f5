package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
)

// Suggest classifies and routes a text being typed, and finds earlier
// incidents from the same caller or address that the actor may see. It
// writes nothing.
func (a *App) Suggest(ctx context.Context, actor *fenliu.User, text string, areaID int64, phone, address string) (*fenliu.Suggestion, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	in := fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text, CallerPhone: phone, Address: address}
	out := &fenliu.Suggestion{Earlier: []*fenliu.Incident{}}
	if err := in.Validate(a.now()); err != nil && fenliu.ErrorCode(err) != fenliu.EInvalid {
		return nil, err
	}
	if in.Text != "" {
		t := a.classify(ctx, in.Text)
		if t.Disposition == "" {
			return out, nil // no engine yet
		}
		out.Triage = &t
		if t.Disposition == fenliu.DispDivert {
			out.Route = a.route(ctx, routeRequest(&t, areaID, a.now()))
		}
	}
	var err error
	out.Earlier, err = a.earlier(ctx, actor, in.CallerPhone, in.Address, 0)
	return out, err
}

// earlier lists recent incidents (90 days) from the same phone or address
// that the actor may see.
func (a *App) earlier(ctx context.Context, actor *fenliu.User, phone, address string, exclude int64) ([]*fenliu.Incident, error) {
	out := []*fenliu.Incident{}
	seen := map[int64]bool{exclude: true}
	since := a.now().Add(-90 * 24 * time.Hour)
	for _, by := range [][2]string{{"caller_phone", phone}, {"address", address}} {
		if by[1] == "" {
			continue
		}
		list, err := a.db.IncidentsBy(ctx, by[0], by[1], since, 5)
		if err != nil {
			return nil, err
		}
		for _, in := range list {
			if seen[in.ID] {
				continue
			}
			seen[in.ID] = true
			if a.canSeeIncident(ctx, actor, in) == nil {
				out = append(out, in)
			}
		}
	}
	return out, nil
}
