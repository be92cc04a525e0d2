// Package httpx holds what every HTTP door of Beian shares: handlers that
// return errors, the one table that turns an error's kind into a status,
// the renderer of the spec's error body, JSON decoding with the spec's
// 400/413/415 answers, and language negotiation.
package httpx

import (
	"net/http"

	"beian/internal/fault"
)

// statusOf is the HTTP status of each kind of failure: the only place a
// service's verdict becomes a number.
var statusOf = map[fault.Kind]int{
	fault.Internal:     http.StatusInternalServerError,
	fault.BadRequest:   http.StatusBadRequest,
	fault.Invalid:      http.StatusUnprocessableEntity,
	fault.NotFound:     http.StatusNotFound,
	fault.Conflict:     http.StatusConflict,
	fault.Locked:       http.StatusConflict, // api.md: "409 when locked"
	fault.Unauthorized: http.StatusUnauthorized,
	fault.Forbidden:    http.StatusForbidden,
	fault.RateLimited:  http.StatusTooManyRequests,
	fault.Unavailable:  http.StatusServiceUnavailable,
	fault.TooLarge:     http.StatusRequestEntityTooLarge,
	fault.Unsupported:  http.StatusUnsupportedMediaType,
}

// Status is the HTTP status of e.
func Status(e *fault.Error) int {
	if s, ok := statusOf[e.Kind]; ok {
		return s
	}
	return http.StatusInternalServerError
}
