package httpapi

import (
	"net/http"

	"github.com/fenliu/fenliu"
)

func (api *API) listShifts(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
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
	shifts, err := api.app.Shifts(r.Context(), u, from, to)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"shifts": shifts})
}

func (api *API) createShift(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var s fenliu.Shift
	if err := decode(w, r, api.maxBody, &s); err != nil {
		api.fail(w, r, err)
		return
	}
	s.ID = 0
	if err := api.app.AddShift(r.Context(), u, &s); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"shift": s})
}
