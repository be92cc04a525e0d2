package fault

import (
	"errors"
	"fmt"
	"testing"
)

// A kind survives wrapping; an error without one is internal and keeps
// its cause for the log.
func TestKindThroughWrapping(t *testing.T) {
	cause := errors.New("disk on fire")
	e := New(Conflict, "account.email_taken", "该邮箱已注册", "taken").Wrap(cause)
	wrapped := fmt.Errorf("register: %w", e)
	if KindOf(wrapped) != Conflict || As(wrapped).Code != "account.email_taken" || !Is(wrapped, Conflict) {
		t.Fatalf("kind lost: %v", wrapped)
	}
	if !errors.Is(wrapped, cause) {
		t.Fatal("the cause is not kept")
	}
	plain := fmt.Errorf("query: %w", cause)
	if got := As(plain); got.Kind != Internal || got.Code != CodeInternal || !got.Ours() || !errors.Is(got, cause) {
		t.Fatalf("an unknown error as %+v", got)
	}
	if Is(nil, Internal) || KindOf(nil) != Internal {
		t.Fatal("nil carries no kind to test for")
	}
	if NewNotFound().Ours() || !New(Unavailable, CodeUnavailable, "", "").Ours() {
		t.Fatal("Ours: only internal and unavailable are Beian's own")
	}
	if r := New(RateLimited, CodeRateLimited, "", "").Retry(0); r.RetryAfter != 1 {
		t.Fatalf("retry after %d, want at least 1", r.RetryAfter)
	}
	if v := NewViolation("r", "f", "中", "en"); v.Kind != Invalid || len(v.Violations) != 1 || v.Violations[0].Field != "f" {
		t.Fatalf("one violation: %+v", v)
	}
}
