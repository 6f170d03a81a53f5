package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/fenliu/fenliu"
)

// ErrorBody is the JSON shape of every error response.
type ErrorBody struct {
	Error struct {
		Code      string `json:"code"`
		Field     string `json:"field,omitempty"`
		Message   string `json:"message"`
		MessageZH string `json:"message_zh"`
		MessageEN string `json:"message_en"`
	} `json:"error"`
}

// writeError answers an error with its status from the domain's one table
// (fenliu.StatusOf). Anything that is not a domain error, or maps to a 5xx,
// is logged with its cause; the client sees only the code and the message.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	status := fenliu.StatusOf(err)
	var e *fenliu.Error
	if !errors.As(err, &e) {
		e = &fenliu.Error{Code: fenliu.EInternal, ZH: "服务器内部错误，请稍后重试", EN: "internal server error; try again later"}
	}
	if status >= 500 {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	var body ErrorBody
	body.Error.Code, body.Error.Field = e.Code, e.Field
	body.Error.MessageZH, body.Error.MessageEN = e.ZH, e.EN
	body.Error.Message = e.ZH + " / " + e.EN
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fenliu"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}
