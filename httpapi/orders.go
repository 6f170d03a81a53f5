package httpapi

import (
	"net/http"
	"strings"

	"github.com/fenliu/fenliu"
)

func (api *API) listOrders(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	q := r.URL.Query()
	var f fenliu.OrderFilter
	for _, s := range q["state"] {
		for _, part := range strings.Split(s, ",") {
			st := fenliu.OrderState(strings.TrimSpace(part))
			if !st.Valid() {
				api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "state", ZH: "未知的工单状态「" + safe(string(st)) + "」", EN: "unknown order state " + safe(string(st))})
				return
			}
			f.States = append(f.States, st)
		}
	}
	var page listPage
	err := page.parse(r, map[string]*int64{"unit_id": &f.UnitID, "incident_id": &f.IncidentID})
	f.Before, f.Limit, f.From, f.To = page.before, page.limit, page.from, page.to
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, err := api.app.Orders(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": list, "next_before": nextBefore(list, f.Limit)})
}

func (api *API) getOrder(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	o, err := api.app.Order(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": o})
}

func (api *API) act(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	action := fenliu.Action(r.PathValue("action"))
	if !action.Valid() {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ENotFound, Field: "action", ZH: "未知的工单操作「" + safe(string(action)) + "」", EN: "unknown order action " + safe(string(action))})
		return
	}
	var in fenliu.ActionInput
	if r.ContentLength != 0 {
		if err := decode(w, r, api.maxBody, &in); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	o, err := api.app.Act(r.Context(), u, id, action, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": o})
}
