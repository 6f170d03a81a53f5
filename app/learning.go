package app

import (
	"context"

	"github.com/fenliu/fenliu"
)

// maxLearning bounds how many decided incidents training reads.
const maxLearning = 5_000_000

// DecidedIncidents returns what people decided for every incident, for
// `fenliu triage-train --db` (an operator's command on the database; no
// signed-in actor).
func (a *App) DecidedIncidents(ctx context.Context) ([]*fenliu.DecidedIncident, error) {
	return a.db.DecidedIncidents(ctx, maxLearning)
}

// UnitTypes maps the directory's units — by code and by name — to their
// unit types, for history files that name the city's own departments.
func (a *App) UnitTypes(ctx context.Context) (map[string]fenliu.UnitType, error) {
	us, err := a.db.Units(ctx)
	if err != nil {
		return nil, err
	}
	m := map[string]fenliu.UnitType{}
	for _, u := range us {
		m[u.Code] = u.Type
		m[u.Name] = u.Type
	}
	return m, nil
}
