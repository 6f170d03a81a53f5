package fenliu

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in StatusOf, the one table the
// JSON API and the console share.
const (
	EInvalid           = "invalid"                // malformed input (400)
	EUnprocessable     = "unprocessable"          // well-formed but breaks a rule (422)
	EInvalidTransition = "invalid_transition"     // action not allowed in the order's state (409)
	EConflict          = "conflict"               // someone else changed it first (409)
	ENotFound          = "not_found"              // 404
	EForbidden         = "forbidden"              // 403
	EUnauthorized      = "unauthorized"           // 401
	ETooLarge          = "too_large"              // 413
	EUnsupportedMedia  = "unsupported_media_type" // 415
	EMethodNotAllowed  = "method_not_allowed"     // 405
	ETooMany           = "too_many_requests"      // 429: slow down
	EUnavailable       = "unavailable"            // 503: a dependency (the database, the disk) is down
	EInternal          = "internal"               // 500: never for anything a client sent
)

// statusOf is the code → HTTP status table.
var statusOf = map[string]int{
	EInvalid:           400,
	EUnprocessable:     422,
	EInvalidTransition: 409,
	EConflict:          409,
	ENotFound:          404,
	EForbidden:         403,
	EUnauthorized:      401,
	ETooLarge:          413,
	EUnsupportedMedia:  415,
	EMethodNotAllowed:  405,
	ETooMany:           429,
	EUnavailable:       503,
	EInternal:          500,
}

// StatusOf returns the HTTP status of an error: its code's status for a
// domain error, 500 for anything else (an internal error, logged by the
// edge). An unknown code is a programming error and also answers 500.
func StatusOf(err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return 500
	}
	if s, ok := statusOf[e.Code]; ok {
		return s
	}
	return 500
}

// Codes lists every error code, for tests and the API description.
func Codes() []string {
	out := make([]string, 0, len(statusOf))
	for c := range statusOf {
		out = append(out, c)
	}
	return out
}

// Error is a domain error with a machine-readable code, the field it concerns
// (if any), a message in Chinese and in English, and the cause it was made
// from (a driver error with its constraint name, say), kept for logs.
type Error struct {
	Code  string
	Field string
	ZH    string
	EN    string
	Err   error // the cause; never shown to clients
}

func (e *Error) Error() string {
	s := e.Code + ": "
	if e.Field != "" {
		s += e.Field + ": "
	}
	s += e.EN
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error; zh and en are format strings sharing args.
func Errorf(code, field, zh, en string, args ...any) *Error {
	return &Error{Code: code, Field: field, ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// ErrorCode returns the code of a domain error, or EInternal for any other.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// NotFound is the error for a missing thing; what names it in both languages.
func NotFound(whatZH, whatEN string, id any) *Error {
	return &Error{Code: ENotFound, ZH: fmt.Sprintf("%s %v 不存在", whatZH, id), EN: fmt.Sprintf("%s %v not found", whatEN, id)}
}
