package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fenliu/fenliu"
)

// Triage is the engine's answer for a text, as the service layer keeps it.
type Triage struct {
	Disposition    fenliu.Disposition `json:"disposition"`
	Category       string             `json:"category"`
	CategoryZH     string             `json:"category_zh,omitempty"`
	CategoryEN     string             `json:"category_en,omitempty"`
	Units          []fenliu.UnitType  `json:"units"`
	Hotline        string             `json:"hotline,omitempty"`
	Confidence     float64            `json:"confidence"`
	Words          []string           `json:"words,omitempty"` // the words of the text that decided it
	Cues           []string           `json:"cues,omitempty"`  // danger cues found
	ReasonZH       string             `json:"reason_zh,omitempty"`
	ReasonEN       string             `json:"reason_en,omitempty"`
	Script         string             `json:"script,omitempty"` // read to a redirected caller
	CatalogVersion string             `json:"catalog_version,omitempty"`
	AutoDispatch   bool               `json:"auto_dispatch,omitempty"`
}

// Assignment is one routed unit with the reason it was chosen.
type Assignment struct {
	UnitID    int64            `json:"unit_id"`
	UnitName  string           `json:"unit_name"`
	UnitType  fenliu.UnitType  `json:"unit_type"`
	Role      fenliu.OrderRole `json:"role"`
	Suggested bool             `json:"suggested,omitempty"` // desk/duty-room modes: the unit to pass it on to
	ReasonZH  string           `json:"reason_zh"`
	ReasonEN  string           `json:"reason_en"`
}

// Route is the routing decision recorded with an incident.
type Route struct {
	Mode        string       `json:"mode"`
	Assignments []Assignment `json:"assignments"`
}

// Suggestion is what the call-taker's desk shows while typing.
type Suggestion struct {
	Triage  *Triage            `json:"triage,omitempty"`
	Route   *Route             `json:"route,omitempty"`
	Earlier []*fenliu.Incident `json:"earlier"` // same caller or same address, newest first
}

// Classifier turns a text into a Triage; Router turns a triage, a place
// and a time into units. They are set when the server is wired (cmd/fenliu);
// a nil one means no suggestion.
type (
	Classifier func(text string) Triage
	Router     func(ctx context.Context, t *Triage, areaID int64, at time.Time) (*Route, error)
)

// Suggest classifies and routes a text being typed, and finds earlier
// incidents from the same caller or address. It writes nothing.
func (a *App) Suggest(ctx context.Context, actor *fenliu.User, text string, areaID int64, phone, address string) (*Suggestion, error) {
	if err := fenliu.CanIntake(actor); err != nil {
		return nil, err
	}
	in := fenliu.IncidentInput{Channel: fenliu.Channel110, Text: text, CallerPhone: phone, Address: address}
	out := &Suggestion{Earlier: []*fenliu.Incident{}}
	if err := in.Validate(a.now()); err != nil && fenliu.ErrorCode(err) != fenliu.EInvalid {
		return nil, err
	}
	if a.Classifier != nil && in.Text != "" {
		t := a.Classifier(in.Text)
		if t.Disposition == "" {
			return out, nil // no engine yet
		}
		out.Triage = &t
		if a.Router != nil && t.Disposition == fenliu.DispDivert {
			r, err := a.Router(ctx, &t, areaID, a.now())
			if err == nil {
				out.Route = r
			}
		}
	}
	var err error
	out.Earlier, err = a.earlier(ctx, in.CallerPhone, in.Address, 0)
	return out, err
}

// earlier lists recent incidents (90 days) from the same phone or address.
func (a *App) earlier(ctx context.Context, phone, address string, exclude int64) ([]*fenliu.Incident, error) {
	out := []*fenliu.Incident{}
	seen := map[int64]bool{exclude: true}
	since := a.now().Add(-90 * 24 * time.Hour)
	for _, by := range [][2]string{{"caller_phone", phone}, {"address", address}} {
		if by[1] == "" {
			continue
		}
		list, err := a.DB.IncidentsBy(ctx, by[0], by[1], since, 5)
		if err != nil {
			return nil, err
		}
		for _, in := range list {
			if !seen[in.ID] {
				seen[in.ID] = true
				out = append(out, in)
			}
		}
	}
	return out, nil
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
