package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/fenliu/fenliu"
)

// statusOf maps each domain error code to its HTTP status: the one table.
var statusOf = map[string]int{
	fenliu.EInvalid:           http.StatusBadRequest,
	fenliu.EUnprocessable:     http.StatusUnprocessableEntity,
	fenliu.EInvalidTransition: http.StatusConflict,
	fenliu.EConflict:          http.StatusConflict,
	fenliu.ENotFound:          http.StatusNotFound,
	fenliu.EForbidden:         http.StatusForbidden,
	fenliu.EUnauthorized:      http.StatusUnauthorized,
	fenliu.ETooLarge:          http.StatusRequestEntityTooLarge,
	fenliu.EInternal:          http.StatusInternalServerError,
	"unsupported_media_type":  http.StatusUnsupportedMediaType,
	"method_not_allowed":      http.StatusMethodNotAllowed,
}

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

func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var e *fenliu.Error
	if !errors.As(err, &e) {
		log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = &fenliu.Error{Code: fenliu.EInternal, ZH: "服务器内部错误，请稍后重试", EN: "internal server error; try again later"}
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusBadRequest
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
