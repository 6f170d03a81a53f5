package fenliu

// Triage is the triage engine's answer for a text (研判建议): shown to the
// call-taker while typing, recorded with the incident at intake and judged
// later against what people decided. The engine (package triage) returns it.
type Triage struct {
	Disposition Disposition `json:"disposition"`
	Category    string      `json:"category"`
	CategoryZH  string      `json:"category_zh,omitempty"`
	CategoryEN  string      `json:"category_en,omitempty"`
	// Units are ranked, lead first; police-side answers include police and
	// the other emergency units the matter needs.
	Units []UnitType `json:"units"`
	// Candidates are the lead units of the next likeliest categories, for
	// the call-taker to pick instead; they are not routed.
	Candidates []UnitType `json:"candidates,omitempty"`
	Hotline    string     `json:"hotline,omitempty"`
	Confidence float64    `json:"confidence"` // 0..1
	// Review is set when the engine is in its doubt band about danger: the
	// answer is on the police side, and the call-taker must verify with the
	// caller (可能涉警，请核实) — AskZH/AskEN say what to ask. Nothing in the
	// doubt band is dispatched automatically.
	Review bool   `json:"review,omitempty"`
	AskZH  string `json:"ask_zh,omitempty"`
	AskEN  string `json:"ask_en,omitempty"`
	// DangerProb is the danger model's probability that a person is in danger
	// or a crime is under way (0..1), whatever the category.
	DangerProb float64 `json:"danger_prob,omitempty"`

	Words    []string `json:"words,omitempty"`  // the words of the text that decided it, as typed
	Cues     []string `json:"cues,omitempty"`   // danger cues that count, as typed
	Denied   []string `json:"denied,omitempty"` // cues the caller denied or only feared
	Danger   []string `json:"danger,omitempty"` // kinds of danger found
	Rule     string   `json:"rule,omitempty"`   // what decided: model, danger_cue, police_side_doubt, …
	ReasonZH string   `json:"reason_zh,omitempty"`
	ReasonEN string   `json:"reason_en,omitempty"`
	Script   string   `json:"script,omitempty"` // read to a redirected caller

	Alternatives   []TriageAlternative `json:"alternatives,omitempty"`
	CatalogVersion string              `json:"catalog_version,omitempty"`
	ModelVersion   string              `json:"model_version,omitempty"`
	AutoDispatch   bool                `json:"auto_dispatch,omitempty"`
}

// TriageAlternative is a next-best category with its probability.
type TriageAlternative struct {
	Category    string      `json:"category"`
	NameZH      string      `json:"name_zh"`
	Disposition Disposition `json:"disposition"`
	Score       float64     `json:"score"`
}

// RankedUnits are the answer's units followed by the candidates not already
// among them (the order `fenliu classify` reports).
func (t *Triage) RankedUnits() []UnitType {
	out := append([]UnitType{}, t.Units...)
	for _, c := range t.Candidates {
		dup := false
		for _, u := range out {
			if u == c {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// Assignment is one routed unit with the reason it was chosen.
type Assignment struct {
	UnitID   int64     `json:"unit_id"`
	UnitName string    `json:"unit_name"`
	UnitType UnitType  `json:"unit_type"`
	Role     OrderRole `json:"role"`
	// Suggested: in desk_first and duty_room modes, the unit the desk (or
	// duty room) is to pass the matter on to; it gets no order at once.
	Suggested bool   `json:"suggested,omitempty"`
	ReasonZH  string `json:"reason_zh"`
	ReasonEN  string `json:"reason_en"`
}

// Route is the routing decision recorded with an incident.
type Route struct {
	Mode        string       `json:"mode"`
	Assignments []Assignment `json:"assignments"`
}

// Suggestion is what the call-taker's desk shows while typing.
type Suggestion struct {
	Triage  *Triage     `json:"triage,omitempty"`
	Route   *Route      `json:"route,omitempty"`
	Earlier []*Incident `json:"earlier"` // same caller or same address, newest first
}

// OrdersFor turns a routing decision into the work orders to dispatch at
// once, as docs/routing.md says for each mode: every assignment that is not
// a suggestion — in desk_first and duty_room modes only the desk or duty
// room (the units found stay suggestions it dispatches on); in direct the
// units found; in both the units and the desk as assisting. One lead at
// most: the first lead stays lead, any later one assists.
func OrdersFor(r *Route) []OrderSpec {
	if r == nil {
		return nil
	}
	return specs(r.Assignments, func(a Assignment) bool { return !a.Suggested }, true)
}

// SuggestedOrders are the orders the desk dispatches with one click: on a
// desk_first or duty_room route the suggested units, lead first; on a
// direct one the off-duty units whose orders the desk or duty room holds,
// in the role each would have had.
func SuggestedOrders(r *Route) []OrderSpec {
	if r == nil {
		return nil
	}
	return specs(r.Assignments, func(a Assignment) bool { return a.Suggested }, false)
}

func specs(as []Assignment, keep func(Assignment) bool, needLead bool) []OrderSpec {
	var out []OrderSpec
	seen := map[int64]bool{}
	lead := false
	for _, a := range as {
		if !keep(a) || a.UnitID <= 0 || seen[a.UnitID] {
			continue
		}
		seen[a.UnitID] = true
		role := a.Role
		if role == OrderLead && lead || !role.Valid() {
			role = OrderAssist
		}
		if role == OrderLead {
			lead = true
		}
		out = append(out, OrderSpec{UnitID: a.UnitID, Role: role})
	}
	if needLead && !lead && len(out) > 0 {
		out[0].Role = OrderLead
	}
	return out
}

// PassOn is what the desk's one click ("dispatch as suggested") does with
// an incident's suggestions: each open order the desk or duty room holds
// is handed to the suggested unit of its role, and suggested units left
// over get new orders — but only while a hub still holds an order, and
// never for a unit that already has an open order on the incident.
type PassOn struct {
	Hand []Handover
	New  []OrderSpec
}

// Handover is one hub order handed on to a suggested unit.
type Handover struct {
	Order *Order
	To    OrderSpec
}

// Empty: nothing to pass on.
func (p PassOn) Empty() bool { return len(p.Hand) == 0 && len(p.New) == 0 }

// PlanPassOn plans the pass-on of a route's suggestions, given the
// incident's orders and the hub units (the linkage desk, the duty room).
func PlanPassOn(r *Route, orders []*Order, hubs ...int64) PassOn {
	var p PassOn
	isHub := map[int64]bool{}
	for _, h := range hubs {
		if h != 0 {
			isHub[h] = true
		}
	}
	open := map[int64]bool{} // units with an open order
	var held []*Order        // hub orders still waiting to be signed for
	for _, o := range orders {
		if !o.State.Open() {
			continue
		}
		open[o.UnitID] = true
		if isHub[o.UnitID] && o.State.In(StatesAwaitingSign) {
			held = append(held, o)
		}
	}
	if len(held) == 0 {
		return p
	}
	used := map[int64]bool{}
	for _, sp := range SuggestedOrders(r) {
		if open[sp.UnitID] {
			continue
		}
		handed := false
		for _, o := range held {
			if !used[o.ID] && o.Role == sp.Role {
				used[o.ID], handed = true, true
				p.Hand = append(p.Hand, Handover{o, sp})
				break
			}
		}
		if !handed {
			p.New = append(p.New, sp)
		}
	}
	return p
}

// DecidedIncident is what people decided for an incident, for the triage
// engine to learn from (fenliu triage-train --db): the text, the final
// disposition and category, the unit type of the lead order, and the
// engine's suggestion when the incident was recorded.
type DecidedIncident struct {
	ID          int64
	Text        string
	Disposition Disposition
	Category    string
	LeadUnit    UnitType // "" when no order was dispatched
	Suggested   *Triage  // nil when the incident was never triaged
}

// Corrected reports whether people changed the engine's suggestion: another
// category, or the other side of the police line. Corrections teach the
// engine most.
func (d *DecidedIncident) Corrected() bool {
	if d.Suggested == nil || d.Suggested.Category == "" {
		return false
	}
	return d.Suggested.Category != d.Category || d.Suggested.Disposition.PoliceSide() != d.Disposition.PoliceSide()
}
