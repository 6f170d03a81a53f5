package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
				log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
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
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost {
			api.idempotent(w, r, u, key, h)
			return
		}
		h(w, r, u)
	})
}

// idempotent runs a POST at most once per Idempotency-Key of the user: a
// repeated key with the same request gets the first answer again (marked
// Idempotent-Replayed: true); with another request, 422.
func (api *API) idempotent(w http.ResponseWriter, r *http.Request, u *fenliu.User, key string, h func(w http.ResponseWriter, r *http.Request, u *fenliu.User)) {
	body, err := io.ReadAll(io.LimitReader(r.Body, api.maxBody+1))
	if err != nil {
		api.fail(w, r, &fenliu.Error{Code: fenliu.EInvalid, ZH: "读取请求体失败", EN: "could not read the request body"})
		return
	}
	sum := sha256.Sum256(body)
	req := &fenliu.IdempotentAnswer{Key: key, Method: r.Method, Path: r.URL.Path, Fingerprint: hex.EncodeToString(sum[:])}
	old, err := api.app.BeginIdempotent(r.Context(), u, req)
	if err != nil {
		api.fail(w, r, err)
		return
	}
	if old != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(old.Status)
		w.Write(old.Body)
		return
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		req.Status, req.Body = rec.status, rec.body.Bytes()
		if v := recover(); v != nil {
			req.Status = http.StatusInternalServerError
			api.app.EndIdempotent(context.WithoutCancel(r.Context()), req)
			panic(v)
		}
		if err := api.app.EndIdempotent(context.WithoutCancel(r.Context()), req); err != nil {
			api.log.Error("idempotency key not kept", "key", key, "err", err)
		}
	}()
	h(rec, r, u)
}

// recorder keeps a copy of the answer.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) { r.status = status; r.ResponseWriter.WriteHeader(status) }

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
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
