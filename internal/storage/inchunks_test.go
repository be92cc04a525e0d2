package storage

import (
	"fmt"
	"strings"
	"testing"
)

// TestInChunks: a long key list is queried in chunks of at most 500, each
// with as many placeholders as arguments, every key once and in order.
func TestInChunks(t *testing.T) {
	var keys []string
	for i := range 1201 {
		keys = append(keys, fmt.Sprint("k", i))
	}
	var sizes []int
	var seen []string
	err := inChunks(keys, func(m string, args []any) error {
		if strings.Count(m, "?") != len(args) {
			t.Errorf("%d placeholders for %d arguments", strings.Count(m, "?"), len(args))
		}
		sizes = append(sizes, len(args))
		for _, a := range args {
			seen = append(seen, a.(string))
		}
		return nil
	})
	if err != nil || fmt.Sprint(sizes) != "[500 500 201]" || strings.Join(seen, ",") != strings.Join(keys, ",") {
		t.Errorf("chunks %v, err %v", sizes, err)
	}
	if marks(1) != "?" || marks(3) != "?, ?, ?" {
		t.Errorf("marks: %q %q", marks(1), marks(3))
	}
	calls := 0
	if err := inChunks(nil, func(string, []any) error { calls++; return nil }); err != nil || calls != 0 {
		t.Errorf("no keys: %d calls", calls)
	}
}
