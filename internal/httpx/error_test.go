package httpx

import (
	"net/http"
	"testing"

	"beian/internal/fault"
)

// Every kind has its status in the one table, and the API's codes of
// api.md come out with the statuses the spec gives them.
func TestStatusOfEveryKind(t *testing.T) {
	for k := fault.Internal; k <= fault.Unsupported; k++ {
		if _, ok := statusOf[k]; !ok {
			t.Errorf("kind %s has no status", k)
		}
	}
	cases := []struct {
		err  *fault.Error
		want int
	}{
		{fault.NewNotFound(), http.StatusNotFound},
		{fault.NewUnauthorized(), http.StatusUnauthorized},
		{fault.NewForbidden(), http.StatusForbidden},
		{fault.NewInvalid(nil), http.StatusUnprocessableEntity},
		{fault.New(fault.Locked, "application.locked", "", ""), http.StatusConflict},
		{fault.New(fault.RateLimited, fault.CodeRateLimited, "", ""), http.StatusTooManyRequests},
		{TooLarge(), http.StatusRequestEntityTooLarge},
		{fault.As(http.ErrBodyNotAllowed), http.StatusInternalServerError},
		{&fault.Error{Kind: 200}, http.StatusInternalServerError},
	}
	for _, c := range cases {
		if got := Status(c.err); got != c.want {
			t.Errorf("%v: status %d, want %d", c.err, got, c.want)
		}
	}
}
