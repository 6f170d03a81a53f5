package fenliu

import (
	"errors"
	"fmt"
)

// Error codes. The HTTP edge maps each to one status in one table.
const (
	EInvalid           = "invalid"            // malformed input (400)
	EUnprocessable     = "unprocessable"      // well-formed but breaks a rule (422)
	EInvalidTransition = "invalid_transition" // action not allowed in the order's state (409)
	EConflict          = "conflict"           // someone else changed it first (409)
	ENotFound          = "not_found"          // 404
	EForbidden         = "forbidden"          // 403
	EUnauthorized      = "unauthorized"       // 401
	ETooLarge          = "too_large"          // 413
	EInternal          = "internal"           // 500: never for anything a client sent
)

// Error is a domain error with a machine-readable code, the field it concerns
// (if any) and a message in Chinese and in English.
type Error struct {
	Code  string
	Field string
	ZH    string
	EN    string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Code + ": " + e.Field + ": " + e.EN
	}
	return e.Code + ": " + e.EN
}

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
