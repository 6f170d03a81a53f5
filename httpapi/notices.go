package httpapi

import (
	"net/http"
	"time"

	"github.com/fenliu/fenliu"
)

func (api *API) listNotices(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var f fenliu.NoticeFilter
	var err error
	if f.UnitID, err = queryInt(r, "unit_id"); err != nil {
		api.fail(w, r, err)
		return
	}
	if f.OrderID, err = queryInt(r, "order_id"); err != nil {
		api.fail(w, r, err)
		return
	}
	f.Open = r.URL.Query().Get("open") == "true"
	ns, err := api.app.Notices(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": ns})
}

func (api *API) sendNotice(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Kind  fenliu.NoticeKind `json:"kind"`
		Text  string            `json:"text"`
		DueAt time.Time         `json:"due_at"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	n, err := api.app.SendNotice(r.Context(), u, id, body.Kind, body.Text, body.DueAt)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": n})
}

func (api *API) replyNotice(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Reply string `json:"reply"`
	}
	if err := decode(w, r, api.maxBody, &body); err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.ReplyNotice(r.Context(), u, id, body.Reply); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"replied": true})
}
