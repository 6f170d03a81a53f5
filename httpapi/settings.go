package httpapi

import (
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
)

func (api *API) listRules(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	rules, mode, err := api.app.RoutingRules(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"rules": rules, "mode": mode})
}

func (api *API) createRule(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var rule fenliu.RoutingRule
	if err := decode(w, r, api.maxBody, &rule); err != nil {
		api.fail(w, r, err)
		return
	}
	rule.ID = 0
	if err := api.app.AddRoutingRule(r.Context(), u, &rule); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rule": rule})
}

func (api *API) deleteRule(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.DeleteRoutingRule(r.Context(), u, id); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (api *API) setRouting(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var body struct {
		Mode           string `json:"mode"`
		DeskUnitID     int64  `json:"desk_unit_id"`
		DutyRoomUnitID int64  `json:"duty_room_unit_id"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetRouting(r.Context(), u, body.Mode, body.DeskUnitID, body.DutyRoomUnitID); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (api *API) setCalendar(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	// Who may, before the body is read: no parsing for those who may not.
	if err := fenliu.CanAdminister(u); err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		DayStart string   `json:"day_start"` // "08:30"
		DayEnd   string   `json:"day_end"`   // "17:30"
		Holidays []string `json:"holidays"`
		Workdays []string `json:"workdays"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	clock := func(field, v string) (time.Duration, error) {
		t, err := time.Parse("15:04", v)
		if err != nil {
			return 0, &fenliu.Error{Code: fenliu.EInvalid, Field: field, ZH: "时间格式应为 HH:MM", EN: field + " must be HH:MM"}
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	start, err := clock("day_start", body.DayStart)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	end, err := clock("day_end", body.DayEnd)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetCalendar(r.Context(), u, &fenliu.Calendar{DayStart: start, DayEnd: end, Holidays: body.Holidays, Workdays: body.Workdays}); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// setLimits sets a unit type's time limits ({"sign":"15m",...}); an empty
// body object clears the override.
func (api *API) setLimits(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var l fenliu.Limits
	if err := decode(w, r, api.maxBody, &l); err != nil {
		api.fail(w, r, err)
		return
	}
	var lp *fenliu.Limits
	if !l.IsZero() {
		lp = &l
	}
	if err := api.app.SetLimitOverride(r.Context(), u, fenliu.UnitType(r.PathValue("unit_type")), lp); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unit_type": r.PathValue("unit_type"), "limits": lp})
}

func (api *API) setWeights(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var weights map[string]float64
	if err := decode(w, r, api.maxBody, &weights); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetWeights(r.Context(), u, weights); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, weights)
}

// listSettings lists every setting with its type, default and value.
func (api *API) listSettings(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	vs, err := api.app.SettingValues(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": vs})
}

// putSettings changes settings ({"key": "value", ...}; "" resets one): all
// are validated, alone and together, before any is written.
func (api *API) putSettings(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var changes map[string]string
	if err := decode(w, r, api.maxBody, &changes); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetSettings(r.Context(), u, changes); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": changes})
}
