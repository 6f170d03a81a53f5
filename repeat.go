package fenliu

import "time"

// Repeat calls (重复报警): an incident repeats an earlier one received within
// the repeat window from the same caller, or about the same place and the
// same matter. RepeatKeys is the one statement of that rule; storage runs
// one indexed lookup per key and the newest match wins.

// DefaultRepeatWindow is how far back a call counts as a repeat.
const DefaultRepeatWindow = 72 * time.Hour

// RepeatKey is one way of matching an earlier incident: every non-zero
// field must be equal.
type RepeatKey struct {
	Phone    string
	AreaID   int64
	Address  string
	Category string
}

// RepeatKeys returns the ways inc may repeat an earlier incident: the same
// caller's phone; the same area and category; the same address and
// category. category is the incident's matter (its provisional category
// from triage at intake).
func RepeatKeys(inc *Incident, category string) []RepeatKey {
	var out []RepeatKey
	if inc.CallerPhone != "" {
		out = append(out, RepeatKey{Phone: inc.CallerPhone})
	}
	if category != "" && inc.AreaID != 0 {
		out = append(out, RepeatKey{AreaID: inc.AreaID, Category: category})
	}
	if category != "" && inc.Address != "" {
		out = append(out, RepeatKey{Address: inc.Address, Category: category})
	}
	return out
}
