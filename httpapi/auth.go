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

func (api *API) health(w http.ResponseWriter, r *http.Request) {
	if err := api.app.Ping(r.Context()); err != nil {
		api.log.Error("health", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (api *API) me(w http.ResponseWriter, r *http.Request, u *fenliu.User) {
	writeJSON(w, http.StatusOK, u)
}
