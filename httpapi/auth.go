package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/fenliu/fenliu"
)

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
		u, err := api.app.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			api.fail(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
	})
}

func (api *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, api.log, err)
}

// health answers whether the server is ready (as /readyz), for monitors
// of the API.
func (api *API) health(w http.ResponseWriter, r *http.Request) {
	rd := api.app.Ready(r.Context())
	status, code := "ok", http.StatusOK
	if !rd.Ready {
		status, code = "unavailable", http.StatusServiceUnavailable
		api.log.Warn("not ready", "checks", rd.Checks)
	}
	writeJSON(w, code, map[string]any{"status": status, "checks": rd.Checks})
}

// healthz answers that the process is alive (nothing else is checked).
func (api *API) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

// readyz answers whether the server can take work: the database answers
// and accepts a write, the disk has room, the scheduler is running; with
// the reason of each failed check, the uploads' size and the free disk.
func (api *API) readyz(w http.ResponseWriter, r *http.Request) {
	rd := api.app.Ready(r.Context())
	code := http.StatusOK
	if !rd.Ready {
		code = http.StatusServiceUnavailable
		api.log.Warn("not ready", "checks", rd.Checks)
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, code, rd)
}

func (api *API) me(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	writeJSON(w, http.StatusOK, u)
}
