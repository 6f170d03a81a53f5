package app

import (
	"context"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/catalog"
)

// Suggest classifies and routes a text being typed, and finds earlier
// incidents from the same caller or address that the actor may see. It
// writes nothing.
func (a *App) Suggest(ctx context.Context, actor *fenliu.User, text string, areaID int64, phone, address string) (*fenliu.Suggestion, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	if areaID == 0 {
		areaID = a.areaForAddress(ctx, address) // as intake will
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
	if fenliu.CanSearchByPhone(actor) != nil {
		in.CallerPhone = "" // a look-up by phone is for those who see callers in full
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
	if _, err := a.shield(ctx, actor, ViaEarlier, out...); err != nil {
		return nil, err
	}
	return out, nil
}

// DeskInput is what the call-taker has typed so far.
type DeskInput struct {
	Text, Phone, Address string
	AreaID               int64 // the grid chosen
	// Category is the call-taker's correction of the engine's category
	// ("" follows the engine): the units are routed for it instead.
	Category string
}

// DeskSuggestion is a suggestion as the desk shows it: the engine's answer,
// and the category corrected by the call-taker with its route.
type DeskSuggestion struct {
	*fenliu.Suggestion
	Corrected *catalog.Category // the corrected category (nil: none)
	// AreaFound is the area the address chose when no grid was picked
	// (nil: a grid was picked, or the address names none).
	AreaFound *fenliu.Area
}

// DeskSuggest is Suggest for the desk, with the call-taker's corrections:
// a category named (by code) is routed in place of the engine's. It writes
// nothing.
func (a *App) DeskSuggest(ctx context.Context, actor *fenliu.User, in DeskInput) (*DeskSuggestion, error) {
	sug, err := a.Suggest(ctx, actor, in.Text, in.AreaID, in.Phone, in.Address)
	if err != nil {
		return nil, err
	}
	out := &DeskSuggestion{Suggestion: sug}
	if in.AreaID == 0 {
		if id := a.areaForAddress(ctx, in.Address); id != 0 {
			out.AreaFound, _ = a.db.Area(ctx, id)
			in.AreaID = id
		}
	}
	if in.Category == "" || (sug.Triage != nil && in.Category == sug.Triage.Category) {
		return out, nil
	}
	cat := a.Catalog()
	var c *catalog.Category
	if cat != nil {
		c = cat.Category(in.Category)
	}
	if c == nil {
		return nil, fenliu.Errorf(fenliu.EUnprocessable, "category", "事项清单中没有「%s」", "the catalogue has no category %q", in.Category)
	}
	out.Corrected, out.Route = c, nil
	if c.Disposition == fenliu.DispDivert {
		d := fenliu.DecisionInput{Disposition: c.Disposition, Category: c.Code}
		out.Route = a.route(ctx, routeRequest(a.triageFor(d, sug.Triage), in.AreaID, a.now()))
	}
	return out, nil
}

// areaForAddress is the id of the area a typed address lies in, by the
// directory's names (fenliu.AreaForAddress); 0 if none.
func (a *App) areaForAddress(ctx context.Context, address string) int64 {
	if address == "" {
		return 0
	}
	areas, err := a.db.Areas(ctx)
	if err != nil {
		return 0
	}
	if ar := fenliu.AreaForAddress(areas, address); ar != nil {
		return ar.ID
	}
	return 0
}
