package httpapi

import (
	"net/http"
	"strconv"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// mapFilter reads category, unit_type, disposition, from and to.
func mapFilter(r *http.Request) (app.MapFilter, error) {
	q := r.URL.Query()
	f := app.MapFilter{Category: q.Get("category"), UnitType: fenliu.UnitType(q.Get("unit_type")), Disposition: fenliu.Disposition(q.Get("disposition"))}
	var err error
	if f.From, err = queryTime(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(r, "to"); err != nil {
		return f, err
	}
	return f, nil
}

// hotspots answers GET /api/v1/hotspots?by=grid|address|radius&min=&days=&radius_m=&limit=
// and the map filters.
func (api *API) hotspots(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	f, err := mapFilter(r)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	hq := app.HotspotQuery{MapFilter: f, By: r.URL.Query().Get("by")}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"min", &hq.Min}, {"radius_m", &hq.RadiusM}, {"limit", &hq.Limit}} {
		v, err := queryInt(r, p.name)
		if err != nil {
			api.fail(w, r, err)
			return
		}
		*p.dst = int(v)
	}
	if s := r.URL.Query().Get("days"); s != "" {
		d, err := strconv.Atoi(s)
		if err != nil || d < 1 || d > 3660 {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "days", ZH: "参数「days」必须是 1 到 3660 的整数", EN: "query parameter days must be a whole number from 1 to 3660"})
			return
		}
		if hq.From.IsZero() {
			to := hq.To
			if to.IsZero() {
				to = api.app.Now()
				hq.To = to.Add(1)
			}
			hq.From = to.AddDate(0, 0, -d)
		}
	}
	hs, err := api.app.Hotspots(r.Context(), u, hq)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"hotspots": hs})
}

// mapView answers GET /api/v1/map with the map filters: the areas as
// GeoJSON with counts, the incidents' points and the hotspots.
func (api *API) mapView(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	f, err := mapFilter(r)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	v, err := api.app.Map(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// listWarnings answers GET /api/v1/warnings?from=&to=&limit= with the
// class-level warning slips the user may see, newest first.
func (api *API) listWarnings(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	from, err := queryTime(r, "from")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	to, err := queryTime(r, "to")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	limit, err := queryInt(r, "limit")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	ws, err := api.app.Warnings(r.Context(), u, from, to, int(limit))
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"warnings": ws})
}

func (api *API) getWarning(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	v, err := api.app.Warning(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"warning": v})
}

func (api *API) listScenarios(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	vs, err := api.app.Scenarios(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": vs})
}

func (api *API) openScenario(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var in app.ScenarioInput
	if err := decode(w, r, api.maxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	sc, err := api.app.OpenScenario(r.Context(), u, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"scenario": sc})
}

func (api *API) getScenario(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	v, err := api.app.Scenario(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenario": v})
}

func (api *API) addMeasure(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var m fenliu.Measure
	if err := decode(w, r, api.maxBody, &m); err != nil {
		api.fail(w, r, err)
		return
	}
	m.ID, m.DoneAt = 0, nil
	if err := api.app.AddMeasure(r.Context(), u, id, &m); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"measure": m})
}

func (api *API) reportProgress(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	mid, err := pathID(r, "mid")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var in struct {
		Text string `json:"text"`
		Done bool   `json:"done"`
	}
	if err := decode(w, r, api.maxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.ReportProgress(r.Context(), u, id, mid, in.Text, in.Done); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (api *API) closeScenario(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var in struct {
		Note string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, api.maxBody, &in); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	if err := api.app.CloseScenario(r.Context(), u, id, in.Note); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
