package tracegraph

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies a domain error. Codes are part of the public contract: they
// become GraphQL extensions.code and decide the HTTP status.
type Code string

// The error codes.
const (
	CodeNotFound        Code = "NOT_FOUND"
	CodeInvalid         Code = "INVALID"
	CodeConflict        Code = "CONFLICT"
	CodeOnHold          Code = "ON_HOLD"
	CodeForbidden       Code = "FORBIDDEN"
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeLimit           Code = "LIMIT"
	// CodeWrongPart refuses loading a lot whose part number is not the one
	// the active setup gives the slot (setup verification).
	CodeWrongPart Code = "WRONG_PART"
	// CodeExpired refuses material past its expiry, or moisture-sensitive
	// material past its floor life (J-STD-033).
	CodeExpired Code = "EXPIRED"
	// CodeRoute refuses packing or shipping a unit whose route is not
	// complete: a required test is missing or its latest result failed.
	CodeRoute Code = "ROUTE"
	// CodeNotAllocated refuses a unit whose serial its part number's strict
	// serial-number scheme did not allocate.
	CodeNotAllocated Code = "NOT_ALLOCATED"
	// CodeUnsupportedMediaType refuses a body of a type the endpoint does
	// not take (a write must be JSON).
	CodeUnsupportedMediaType Code = "UNSUPPORTED_MEDIA_TYPE"
	// CodeRateLimited refuses a client that asks too often (the public
	// routes); the answer says when to try again.
	CodeRateLimited Code = "RATE_LIMITED"
	CodeInternal    Code = "INTERNAL"
)

// Error is a domain error: a code, the field it concerns (a JSON path such as
// "data.serial", empty when it concerns no one field) and a message for people.
type Error struct {
	Code    Code   `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" && !containsWord(e.Message, e.Field) {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w {
			return true
		}
	}
	return false
}

// Errorf returns an *Error with the code, field and formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, CodeInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the *Error in err's chain, or an INTERNAL one that does not
// reveal err's text (it may hold internals such as file paths).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "internal error"}
}

// IsNotFound reports whether err has the code NOT_FOUND.
func IsNotFound(err error) bool { return ErrorCode(err) == CodeNotFound }

// withField returns a copy of e whose field is prefixed by prefix.
func (e *Error) withField(prefix string) *Error {
	c := *e
	switch {
	case c.Field == "":
		c.Field = prefix
	case prefix != "":
		c.Field = prefix + "." + c.Field
	}
	return &c
}

// Clip shortens s to at most n bytes, on a character boundary, and marks
// the cut with an ellipsis: what an answer echoes of a client's text.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
