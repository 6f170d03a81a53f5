package httpapi

import (
	"net/http"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
)

// revealCaller shows a masked caller in full, with a reason; the reveal is
// recorded (app.RevealCaller).
func (api *API) revealCaller(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	c, err := api.app.RevealCaller(r.Context(), u, id, body.Reason)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, c)
}

// accessLog lists the reads and reveals of callers' personal data
// (administrators): ?incident_id=&user_id=&kind=read|reveal&before=&limit=.
func (api *API) accessLog(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var f app.AccessFilter
	var page listPage
	if err := page.parse(r, map[string]*int64{"incident_id": &f.IncidentID, "user_id": &f.UserID}); err != nil {
		api.fail(w, r, err)
		return
	}
	f.Before, f.Limit = page.before, page.limit
	if k := r.URL.Query().Get("kind"); k != "" {
		if k != "read" && k != "reveal" {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "kind", ZH: "kind 只能是 read 或 reveal", EN: "kind must be read or reveal"})
			return
		}
		f.Kind = k
	}
	list, err := api.app.AccessLog(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var next int64
	if len(list) > 0 && len(list) == fenliu.PageLimit(f.Limit) {
		next = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"access": list, "next_before": next})
}
