// Package fault is how Beian's services say what went wrong, without
// knowing who asked: a kind (the class of failure), a stable code
// (spec/api.md), a message in both languages and the rules that were
// broken. The doors decide what a kind looks like — the HTTP layer maps
// kinds to statuses in one table (httpx.Status), the HTML pages place
// violations beside their inputs. The shape follows pkgsite's derrors and
// GoToSocial's gtserror: kinds, not transport codes, leave the service.
package fault

import (
	"errors"
	"fmt"
	"slices"

	"beian/internal/filing"
	"beian/internal/words"
)

// Kind is the class of a failure: it decides the answer's status, never
// its wording.
type Kind uint8

// The kinds. Internal is the zero value: an error that carries no kind is
// a fault of ours.
const (
	Internal     Kind = iota // a fault of ours; details go to the log only
	BadRequest               // the request cannot be read (malformed JSON, form or upload)
	Invalid                  // the request was read and breaks rules; violations say which
	NotFound                 // no such object, or not the asker's
	Conflict                 // the state of other things forbids it (taken, in progress, changed meanwhile)
	Locked                   // the object's own state forbids it (a submitted application, a transition the workflow refuses)
	Unauthorized             // who is asking is unknown: log in
	Forbidden                // who is asking may not do this
	RateLimited              // too many attempts; RetryAfter says when to come back
	Unavailable              // a part Beian depends on is down; try again
	TooLarge                 // the body or file is over its limit
	Unsupported              // the body or file is of a type Beian does not take
)

var kindNames = [...]string{"internal", "bad request", "invalid", "not found", "conflict", "locked",
	"unauthorized", "forbidden", "rate limited", "unavailable", "too large", "unsupported"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Stable codes of api.md that name a kind rather than one rule.
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

// Error is a failure the doors can show: Kind decides the status, Code is
// stable for clients, Message is for people, Violations name the fields.
type Error struct {
	Kind       Kind
	Code       string
	Message    filing.Text
	Violations []filing.Violation
	// RetryAfter, in seconds, tells a rate-limited or unavailable client
	// when to come back; 0 says nothing.
	RetryAfter int
	// Extra holds further facts the error object carries (api.md: the SMS
	// check's attempts_left).
	Extra map[string]any
	// Err is the cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s %s: %v", e.Kind, e.Code, e.Err)
	}
	return fmt.Sprintf("%s %s: %s", e.Kind, e.Code, e.Message.EN)
}

func (e *Error) Unwrap() error { return e.Err }

// Ours reports whether the failure is Beian's own (internal, or a part it
// depends on is down) rather than the request's: the doors log it and show
// their error page instead of the form again.
func (e *Error) Ours() bool { return e.Kind == Internal || e.Kind == Unavailable }

// New builds an error of kind with a stable code and a message in both languages.
func New(kind Kind, code, zh, en string) *Error {
	return &Error{Kind: kind, Code: code, Message: filing.Text{ZH: zh, EN: en}}
}

// Words builds an error whose message is the catalogue's word key
// (package words: messages.<lang>.json), formatted with args.
func Words(kind Kind, code, key string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: words.Text(key, args...)}
}

// Violated is a broken rule of a field, its message the catalogue's
// rule.<rule> formatted with args.
func Violated(rule, field string, args ...any) filing.Violation {
	return Violation(rule, field, "rule."+rule, args...)
}

// Violation is a broken rule of a field whose message is the catalogue's
// key (where one rule has more than one way of being broken).
func Violation(rule, field, key string, args ...any) filing.Violation {
	return filing.Violation{Rule: rule, Field: field, Severity: filing.SeverityError, Message: words.Text(key, args...)}
}

// Wrap keeps err as the cause (for logs) and returns e.
func (e *Error) Wrap(err error) *Error {
	e.Err = err
	return e
}

// Retry sets RetryAfter (at least one second) and returns e.
func (e *Error) Retry(seconds int) *Error {
	e.RetryAfter = max(1, seconds)
	return e
}

// NewInvalid is the refusal of data that breaks rules: validation_failed
// with the violations.
func NewInvalid(vs []filing.Violation) *Error {
	return &Error{Kind: Invalid, Code: CodeValidationFailed,
		Message:    filing.Text{ZH: "提交的数据未通过校验", EN: "the data did not pass validation"},
		Violations: vs}
}

// NewViolation is the refusal of one field: Invalid with the rule as its
// only violation, its message the catalogue's (Violated).
func NewViolation(rule, field string, args ...any) *Error {
	return NewInvalid([]filing.Violation{Violated(rule, field, args...)})
}

// NewNotFound is the answer for a missing object and for another
// account's object alike, so ids cannot be probed.
func NewNotFound() *Error { return New(NotFound, CodeNotFound, "未找到", "not found") }

// NewUnauthorized asks the visitor to log in.
func NewUnauthorized() *Error {
	return New(Unauthorized, CodeUnauthorized, "请先登录", "authentication required")
}

// NewForbidden refuses an action the account may not take.
func NewForbidden() *Error {
	return New(Forbidden, CodeForbidden, "无权执行此操作", "forbidden")
}

// NewBadRequest refuses a request that cannot be read.
func NewBadRequest(zh, en string) *Error { return New(BadRequest, CodeBadRequest, zh, en) }

// As finds the *Error in err's chain; an error without one is an internal
// failure, kept as the cause.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: CodeInternal, Message: filing.Text{ZH: "服务器内部错误", EN: "internal error"}, Err: err}
}

// KindOf is the kind of err: Internal for an error that carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// InvalidMessages are the violations' messages in lang when err is an
// Invalid error (what a page shows above a refused form); ok is false for
// any other error, which the page does not handle.
func InvalidMessages(err error, lang string) (msgs []string, ok bool) {
	var e *Error
	if !errors.As(err, &e) || e.Kind != Invalid {
		return nil, false
	}
	for _, v := range e.Violations {
		msgs = append(msgs, v.Message.In(lang))
	}
	return msgs, true
}

// Is reports whether err carries kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// NewBounds refuses a filing document past its bounds (rules.md "Bounds"):
// TooLarge (payload_too_large) when a list is over its bound, else Invalid
// with the rule as code when one rule is broken (field.too_long).
func NewBounds(vs []filing.Violation) *Error {
	if filing.OverBound(vs) {
		e := New(TooLarge, CodePayloadTooLarge, "请求体过大", "request body too large")
		e.Violations = vs
		return e
	}
	e := NewInvalid(vs)
	if len(vs) > 0 && !slices.ContainsFunc(vs, func(v filing.Violation) bool { return v.Rule != vs[0].Rule }) {
		e.Code = vs[0].Rule
	}
	return e
}
