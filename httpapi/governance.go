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
