// Package clock is where business time comes from. The wiring picks one
// clock (the wall clock in production, a pinned one in tests) and passes it
// to storage and every service; no package that stamps or compares business
// time reads the wall clock itself, so a test's clock is the only clock.
package clock

import (
	"fmt"
	"os"
	"time"
)

// Clock returns the current business time.
type Clock = func() time.Time

// Wall is the real clock, for the wiring of a running server and for
// measuring durations (caches, latency), never for business time in tests.
func Wall() time.Time { return time.Now() }

// Fixed is a clock that always answers t.
func Fixed(t time.Time) Clock { return func() time.Time { return t } }

// TestNowEnv names the variable that moves every test's clock: CI runs the
// suite again with it far in the past and far in the future, so a stamp
// that still comes from the wall clock fails the day it is written.
const TestNowEnv = "BEIAN_TEST_NOW"

// DefaultTestNow is the tests' date when BEIAN_TEST_NOW is unset: a Monday
// at 10:00 China Standard Time, inside working hours.
var DefaultTestNow = time.Date(2026, 11, 30, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestNow is the instant tests pin their clock to: BEIAN_TEST_NOW (RFC 3339)
// when set, DefaultTestNow otherwise. A malformed value panics, so a typo
// cannot silently fall back to the default.
func TestNow() time.Time {
	v := os.Getenv(TestNowEnv)
	if v == "" {
		return DefaultTestNow
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		panic(fmt.Sprintf("%s=%q: want RFC 3339, e.g. 2021-03-01T10:00:00+08:00: %v", TestNowEnv, v, err))
	}
	return t
}

// Running is a clock that reads start at the moment it is made and then
// advances with real time: tests that need leases and timeouts to expire
// get a moving clock that still begins on the tests' date.
func Running(start time.Time) Clock {
	origin := time.Now()
	return func() time.Time { return start.Add(time.Since(origin)) }
}
