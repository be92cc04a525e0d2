package app

import (
	"context"
	"testing"

	"beian/internal/clock"
	"beian/internal/config"
)

// running is the system New builds for cfg, on a clock that starts at
// clock.TestNow and runs; it closes with the test.
func running(t testing.TB, cfg config.Config) *System {
	t.Helper()
	sys, err := New(context.Background(), cfg, WithClock(clock.Running(clock.TestNow())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	return sys
}
