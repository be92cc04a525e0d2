package clock_test

import (
	"os"
	"testing"
	"time"

	"beian/internal/clock"
)

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }

func TestTestNow(t *testing.T) {
	t.Setenv(clock.TestNowEnv, "")
	if got := clock.TestNow(); !got.Equal(clock.DefaultTestNow) {
		t.Errorf("unset: %v, want %v", got, clock.DefaultTestNow)
	}
	t.Setenv(clock.TestNowEnv, "2035-06-04T10:00:00+08:00")
	if got := clock.TestNow(); !got.Equal(time.Date(2035, 6, 4, 2, 0, 0, 0, time.UTC)) {
		t.Errorf("set: %v", got)
	}
	t.Setenv(clock.TestNowEnv, "next tuesday")
	defer func() {
		if recover() == nil {
			t.Error("a malformed BEIAN_TEST_NOW did not panic")
		}
	}()
	clock.TestNow()
}

func TestRunningStartsAtStartAndMoves(t *testing.T) {
	start := time.Date(2021, 3, 1, 10, 0, 0, 0, time.UTC)
	c := clock.Running(start)
	a := c()
	if a.Before(start) || a.Sub(start) > time.Second {
		t.Fatalf("first reading %v, want about %v", a, start)
	}
	time.Sleep(5 * time.Millisecond)
	if b := c(); !b.After(a) {
		t.Errorf("clock did not move: %v then %v", a, b)
	}
	if f := clock.Fixed(start); !f().Equal(start) || !f().Equal(start) {
		t.Error("fixed clock moved")
	}
}
