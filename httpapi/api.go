// Package httpapi is Fenliu's JSON API over HTTP: a route table over the
// service layer, token authentication, strict request decoding, and one
// mapping of domain errors to HTTP statuses. It holds no rules.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/fenliu/fenliu/store"
)

// API serves /api/v1/.
type API struct {
	App     *app.App
	Log     *slog.Logger
	MaxBody int64
}

// New returns the API over a.
func New(a *app.App, log *slog.Logger) *API {
	return &API{App: a, Log: log, MaxBody: DefaultMaxBody}
}

// Routes registers the API's routes on mux.
func (api *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/health", api.health)
	mux.Handle("GET /api/v1/me", api.auth(api.me))

	mux.Handle("POST /api/v1/incidents", api.auth(api.createIncident))
	mux.Handle("GET /api/v1/incidents", api.auth(api.listIncidents))
	mux.Handle("GET /api/v1/incidents/{id}", api.auth(api.getIncident))
	mux.Handle("POST /api/v1/incidents/{id}/decision", api.auth(api.decide))
	mux.Handle("POST /api/v1/incidents/{id}/orders", api.auth(api.dispatch))

	mux.Handle("GET /api/v1/orders", api.auth(api.listOrders))
	mux.Handle("GET /api/v1/orders/{id}", api.auth(api.getOrder))
	mux.Handle("POST /api/v1/orders/{id}/{action}", api.auth(api.act))

	mux.Handle("GET /api/v1/units", api.auth(api.listUnits))
	mux.Handle("POST /api/v1/units", api.auth(api.createUnit))
	mux.Handle("GET /api/v1/areas", api.auth(api.listAreas))
	mux.Handle("POST /api/v1/areas", api.auth(api.createArea))
	mux.Handle("GET /api/v1/users", api.auth(api.listUsers))
	mux.Handle("POST /api/v1/users", api.auth(api.createUser))
	mux.Handle("POST /api/v1/users/{id}/tokens", api.auth(api.createToken))

	api.configRoutes(mux)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		api.fail(w, r, &fenliu.Error{Code: fenliu.ENotFound, ZH: "没有这个接口：" + r.Method + " " + safe(r.URL.Path), EN: "no such endpoint: " + r.Method + " " + safe(r.URL.Path)})
	})
}

// Handler returns the API alone with panic recovery, for tests and embedding.
func (api *API) Handler() http.Handler {
	mux := http.NewServeMux()
	api.Routes(mux)
	return Recover(api.Log, mux)
}

// Recover turns a panic in a handler into a logged 500, never a dropped
// connection. Nothing a client sends should reach it.
func Recover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				writeError(w, r, log, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type userKey struct{}

// auth resolves the Bearer token to a user and passes it to h.
func (api *API) auth(h func(w http.ResponseWriter, r *http.Request, u *fenliu.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			api.fail(w, r, &fenliu.Error{Code: fenliu.EUnauthorized, ZH: "缺少访问令牌（Authorization: Bearer …）", EN: "missing API token (Authorization: Bearer …)"})
			return
		}
		u, err := api.App.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			api.fail(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
	})
}

func (api *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, api.Log, err)
}

func (api *API) health(w http.ResponseWriter, r *http.Request) {
	if err := api.App.DB.Ping(r.Context()); err != nil {
		api.Log.Error("health", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (api *API) me(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	writeJSON(w, http.StatusOK, u)
}

// IncidentResponse answers an intake: the incident and whether it is new.
type IncidentResponse struct {
	Incident *fenliu.Incident `json:"incident"`
	Created  bool             `json:"created"`
}

func (api *API) createIncident(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var in fenliu.IncidentInput
	if err := decode(w, r, api.MaxBody, &in); err != nil {
		api.fail(w, r, err)
		return
	}
	inc, created, err := api.App.Intake(r.Context(), u, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", fmt.Sprintf("/api/v1/incidents/%d", inc.ID))
	}
	writeJSON(w, status, IncidentResponse{Incident: inc, Created: created})
}

func (api *API) listIncidents(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	q := r.URL.Query()
	f := store.IncidentFilter{Disposition: fenliu.Disposition(q.Get("disposition")), Channel: fenliu.Channel(q.Get("channel")),
		Phone: q.Get("phone"), Category: q.Get("category")}
	if f.Disposition != "" && !f.Disposition.Valid() {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "disposition", ZH: "未知的处置方式", EN: "unknown disposition"})
		return
	}
	if f.Channel != "" && !f.Channel.Valid() {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, Field: "channel", ZH: "未知的渠道", EN: "unknown channel"})
		return
	}
	var page listPage
	err := page.parse(r, map[string]*int64{"area_id": &f.AreaID, "unit_id": &f.UnitID})
	f.Before, f.Limit, f.From, f.To = page.before, page.limit, page.from, page.to
	if err != nil {
		api.fail(w, r, err)
		return
	}
	list, err := api.App.Incidents(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var next int64
	if len(list) > 0 && len(list) == effLimit(f.Limit) {
		next = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"incidents": list, "next_before": next})
}

// listPage is a list's paging and time window, with its id filters.
type listPage struct {
	before   int64
	limit    int
	from, to time.Time
}

// parse reads before, limit, from and to, and the named integer filters.
func (p *listPage) parse(r *http.Request, ids map[string]*int64) error {
	for name, dst := range ids {
		v, err := queryInt(r, name)
		if err != nil {
			return err
		}
		*dst = v
	}
	var err error
	if p.before, err = queryInt(r, "before"); err != nil {
		return err
	}
	lim, err := queryInt(r, "limit")
	if err != nil {
		return err
	}
	p.limit = int(lim)
	if p.from, err = queryTime(r, "from"); err != nil {
		return err
	}
	p.to, err = queryTime(r, "to")
	return err
}

func effLimit(n int) int {
	if n <= 0 || n > 500 {
		return 50
	}
	return n
}

func (api *API) getIncident(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	v, err := api.App.Incident(r.Context(), u, id)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (api *API) decide(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var d fenliu.DecisionInput
	if err := decode(w, r, api.MaxBody, &d); err != nil {
		api.fail(w, r, err)
		return
	}
	inc, err := api.App.Decide(r.Context(), u, id, d)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"incident": inc})
}

func (api *API) dispatch(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var d fenliu.DispatchInput
	if err := decode(w, r, api.MaxBody, &d); err != nil {
		api.fail(w, r, err)
		return
	}
	orders, err := api.App.Dispatch(r.Context(), u, id, d)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"orders": orders})
}

func (api *API) listOrders(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	q := r.URL.Query()
	var f store.OrderFilter
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
	list, err := api.App.Orders(r.Context(), u, f)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	var next int64
	if len(list) > 0 && len(list) == effLimit(f.Limit) {
		next = list[len(list)-1].ID
	}
	writeJSON(w, http.StatusOK, map[string]any{"orders": list, "next_before": next})
}

func (api *API) getOrder(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	id, err := pathID(r, "id")
	if err != nil {
		api.fail(w, r, err)
		return
	}
	o, err := api.App.Order(r.Context(), u, id)
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
		if err := decode(w, r, api.MaxBody, &in); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	o, err := api.App.Act(r.Context(), u, id, action, in)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"order": o})
}

func (api *API) listUnits(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	units, err := api.App.DB.Units(r.Context())
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"units": units})
}

func (api *API) createUnit(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var unit fenliu.Unit
	if err := decode(w, r, api.MaxBody, &unit); err != nil {
		api.fail(w, r, err)
		return
	}
	unit.ID = 0
	if err := api.App.CreateUnit(r.Context(), u, &unit); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"unit": unit})
}

func (api *API) listAreas(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	areas, err := api.App.DB.Areas(r.Context())
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"areas": areas})
}

func (api *API) createArea(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	var a fenliu.Area
	if err := decode(w, r, api.MaxBody, &a); err != nil {
		api.fail(w, r, err)
		return
	}
	a.ID = 0
	if err := api.App.CreateArea(r.Context(), u, &a); err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"area": a})
}

func (api *API) listUsers(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	if err := fenliu.CanAdminister(u); err != nil {
		api.fail(w, r, err)
		return
	}
	users, err := api.App.DB.Users(r.Context())
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
	if err := decode(w, r, api.MaxBody, &nu); err != nil {
		api.fail(w, r, err)
		return
	}
	user := &fenliu.User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, UnitID: nu.UnitID}
	if err := api.App.CreateUser(r.Context(), u, user, nu.Password); err != nil {
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
		if err := decode(w, r, api.MaxBody, &body); err != nil {
			api.fail(w, r, err)
			return
		}
	}
	tok, err := api.App.CreateToken(r.Context(), u, id, body.Name)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": tok, "user_id": id})
}
