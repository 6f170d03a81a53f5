package httpapi

import (
	"net/http"

	"github.com/fenliu/fenliu"
)

func (api *API) listUnits(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	units, err := api.app.Units(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": units})
}

func (api *API) createUnit(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var unit fenliu.Unit
	if err := decode(w, r, api.maxBody, &unit); err != nil {
		api.fail(w, r, err)
		return
	}
	unit.ID = 0
	if err := api.app.CreateUnit(r.Context(), u, &unit); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"unit": unit})
}

func (api *API) listAreas(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	areas, err := api.app.Areas(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"areas": areas})
}

func (api *API) createArea(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var a fenliu.Area
	if err := decode(w, r, api.maxBody, &a); err != nil {
		api.fail(w, r, err)
		return
	}
	a.ID = 0
	if err := api.app.CreateArea(r.Context(), u, &a); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"area": a})
}

func (api *API) listUsers(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	users, err := api.app.Users(r.Context(), u)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// NewUser is the body of POST /api/v1/users.
type NewUser struct {
	Username    string      `json:"username"`
	DisplayName string      `json:"display_name"`
	Role        fenliu.Role `json:"role"`
	UnitID      int64       `json:"unit_id"`
	Password    string      `json:"password"`
}

func (api *API) createUser(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var nu NewUser
	if err := decode(w, r, api.maxBody, &nu); err != nil {
		api.fail(w, r, err)
		return
	}
	user := &fenliu.User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, UnitID: nu.UnitID}
	if err := api.app.CreateUser(r.Context(), u, user, nu.Password); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": user})
}

func (api *API) createToken(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if r.ContentLength != 0 {
		if err := decode(w, r, api.maxBody, &body); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	tok, err := api.app.CreateToken(r.Context(), u, id, body.Name)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "user_id": id})
}

// listTokens lists a user's live tokens (references, never secrets): the
// caller's own, or ?user_id= for admins.
func (api *API) listTokens(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	userID, err := queryInt(r, "user_id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if userID == 0 {
		userID = u.ID
	}
	list, err := api.app.Tokens(r.Context(), u, userID)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": list})
}

// revokeToken deletes a token by its reference: the caller's own, or
// ?user_id='s for admins. It stops working at once.
func (api *API) revokeToken(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	userID, err := queryInt(r, "user_id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if userID == 0 {
		userID = u.ID
	}
	if err := api.app.RevokeToken(r.Context(), u, userID, r.PathValue("ref")); err != nil {
		api.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// disableUser and enableUser switch an account off and on (admins).
func (api *API) disableUser(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	api.setDisabled(w, r, u, true)
}

func (api *API) enableUser(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	api.setDisabled(w, r, u, false)
}

func (api *API) setDisabled(w http.ResponseWriter, r *http.Request, u *fenliu.User, disabled bool) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if err := api.app.SetDisabled(r.Context(), u, id, disabled); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "disabled": disabled})
}
