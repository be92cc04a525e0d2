package httpx

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestWriteJSONWhole: an answer goes out with its length, large or small,
// and a value that cannot be encoded writes nothing (the caller's error
// renderer answers instead).
func TestWriteJSONWhole(t *testing.T) {
	for _, n := range []int{0, 10, 100_000} {
		rec := httptest.NewRecorder()
		if err := WriteJSON(rec, 201, map[string]string{"s": strings.Repeat("数", n)}); err != nil {
			t.Fatal(err)
		}
		body := rec.Body.String()
		if rec.Code != 201 || rec.Header().Get("Content-Length") != strconv.Itoa(len(body)) ||
			!strings.HasSuffix(body, "}\n") || len(body) < 3*n {
			t.Fatalf("n=%d: %d, length %q of %d bytes", n, rec.Code, rec.Header().Get("Content-Length"), len(body))
		}
	}
	rec := httptest.NewRecorder()
	if err := WriteJSON(rec, 200, map[string]any{"c": make(chan int)}); err == nil {
		t.Fatal("a channel encoded")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "" {
		t.Fatalf("a failed answer wrote %q", rec.Body.String())
	}
}
