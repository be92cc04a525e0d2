package images

import (
	"errors"
	"fmt"

	"beian/internal/filing"
	"beian/internal/words"
)

// Stable error codes of api.md.
const (
	CodeNotJPEG  = "attachment.not_jpeg"
	CodeTooLarge = "attachment.too_large"
	CodeTooSmall = "attachment.too_small"
)

// Error is an upload refused for a reason the applicant can fix. Anything
// else Process returns is an internal failure.
type Error struct {
	Code    string
	Message filing.Text
	// Field names the part of a merge that failed ("front" or "back");
	// empty for Process.
	Field string
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message.EN
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		msg += fmt.Sprintf(" (%v)", e.Err)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns the code of an *Error inside err, or "".
func CodeOf(err error) string {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return ""
}

// newError is a refusal whose message is the catalogue's key (package
// words: messages.<lang>.json) formatted with args.
func newError(code, key string, cause error, args ...any) *Error {
	return &Error{Code: code, Message: words.Text(key, args...), Err: cause}
}

// errBroken is the answer for bytes that start like a JPEG but do not
// decode: truncated uploads, corrupted files, unsupported JPEG variants.
func errBroken(cause error) *Error { return newError(CodeNotJPEG, "image.broken", cause) }

func errTooManyBytes(max int64) *Error {
	return newError(CodeTooLarge, "image.too_many_bytes", nil, float64(max)/(1<<20))
}

// The pixel limits are counted in 万 (ten thousands) in Chinese and in
// millions in English: both are arguments, each language picks its own.
func errTooManyPixels(w, h, max int) *Error {
	return newError(CodeTooLarge, "image.too_many_pixels", nil, w, h, max/10000, max/1_000_000)
}

func errTooSmall(w, h, minW, minH int) *Error {
	return newError(CodeTooSmall, "image.too_small", nil, w, h, minW, minH)
}

func errTooManyProgressive(w, h, max int) *Error {
	return newError(CodeTooLarge, "image.too_many_pixels_progressive", nil, w, h, max/10000, max/1_000_000)
}
