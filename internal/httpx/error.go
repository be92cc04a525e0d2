// Package httpx holds what every HTTP door of Beian shares: handlers that
// return errors, the one renderer that turns errors into the spec's error
// body, JSON decoding with the spec's 400/413/415 answers, and language
// negotiation.
package httpx

import (
	"errors"
	"fmt"
	"net/http"

	"beian/internal/filing"
)

// Stable error codes of api.md.
const (
	CodeBadRequest        = "bad_request"
	CodeUnauthorized      = "unauthorized"
	CodeForbidden         = "forbidden"
	CodeNotFound          = "not_found"
	CodeConflict          = "conflict"
	CodeValidationFailed  = "validation_failed"
	CodePayloadTooLarge   = "payload_too_large"
	CodeUnsupportedMedia  = "unsupported_media_type"
	CodeRateLimited       = "rate_limited"
	CodeInvalidTransition = "invalid_transition"
	CodeInternal          = "internal"
	CodeUnavailable       = "unavailable"
)

// Error is an error that knows its HTTP answer.
type Error struct {
	Status     int
	Code       string
	Message    filing.Text
	Violations []filing.Violation
	// RetryAfter, in seconds, is sent as Retry-After when positive.
	RetryAfter int
	// Extra fields merged into the error object (e.g. attempts_left).
	Extra map[string]any
	Err   error // the cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Code, e.Err)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message.EN)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a bilingual message.
func Errorf(status int, code, zh, en string) *Error {
	return &Error{Status: status, Code: code, Message: filing.Text{ZH: zh, EN: en}}
}

// Common errors.
var (
	ErrUnauthorized = Errorf(http.StatusUnauthorized, CodeUnauthorized, "请先登录", "authentication required")
	ErrNotFound     = Errorf(http.StatusNotFound, CodeNotFound, "未找到", "not found")
	ErrForbidden    = Errorf(http.StatusForbidden, CodeForbidden, "无权执行此操作", "forbidden")
)

// Invalid is a 422 carrying violations.
func Invalid(vs []filing.Violation) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: CodeValidationFailed,
		Message:    filing.Text{ZH: "提交的数据未通过校验", EN: "the data did not pass validation"},
		Violations: vs}
}

// AsError finds the *Error in err's chain, or wraps an unknown error as 500.
func AsError(err error) *Error {
	var he *Error
	if errors.As(err, &he) {
		return he
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal,
		Message: filing.Text{ZH: "服务器内部错误", EN: "internal error"}, Err: err}
}
