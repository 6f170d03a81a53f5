package httpapi

import (
	"net/http"

	"github.com/fenliu/fenliu"
)

// Subscribers (administrators): who receives the outbox, their streams,
// their delivery log and dead letters; and the change feed.

func (api *API) listSubscribers(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	list, err := api.app.Subscribers(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscribers": list})
}

func (api *API) createSubscriber(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var in fenliu.SubscriberInput
	if err := decode(w, r, api.maxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	s, err := api.app.CreateSubscriber(r.Context(), u, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"subscriber": s})
}

func (api *API) getSubscriber(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	s, err := api.app.Subscriber(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscriber": s})
}

func (api *API) updateSubscriber(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var in fenliu.SubscriberInput
	if err := decode(w, r, api.maxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	s, err := api.app.UpdateSubscriber(r.Context(), u, id, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"subscriber": s})
}

func (api *API) deleteSubscriber(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.DeleteSubscriber(r.Context(), u, id); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true})
}

func (api *API) listDeliveries(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	n, err := queryInt(r, "limit")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, err := api.app.SubscriberDeliveries(r.Context(), u, id, r.URL.Query().Get("failed") == "true", int(n))
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deliveries": list})
}

func (api *API) listDeadLetters(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	n, err := queryInt(r, "limit")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, err := api.app.DeadLetters(r.Context(), u, id, int(n))
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letters": list})
}

func (api *API) getDeadLetter(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	d, e, err := api.app.DeadLetterEntry(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"dead_letter": d, "message": e})
}

func (api *API) replayDeadLetter(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	d, err := api.app.ReplayDeadLetter(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"dead_letter": d})
}

// changes is the change feed: GET /api/v1/changes?after=CURSOR&limit=N.
func (api *API) changes(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	after, err := queryInt(r, "after")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	n, err := queryInt(r, "limit")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, next, err := api.app.Changes(r.Context(), u, after, int(n))
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": list, "next": next})
}
