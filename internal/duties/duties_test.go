package duties

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, ok := ParseDate(s)
	if !ok {
		panic(s)
	}
	return t
}

func TestLead(t *testing.T) {
	due := day("2030-06-30")
	for _, c := range []struct {
		today string
		lead  int
		ok    bool
	}{
		{"2030-01-01", 0, false},
		{"2030-03-31", 0, false}, // 91 days left
		{"2030-04-01", 90, true}, // 90 days left
		{"2030-04-02", 90, true}, // 89
		{"2030-05-31", 30, true}, // 30 days left
		{"2030-05-30", 90, true}, // 31 days left
		{"2030-06-23", 7, true},  // 7 days left
		{"2030-06-24", 7, true},
		{"2030-06-30", 7, true},  // the day itself
		{"2030-07-01", 0, false}, // past
	} {
		lead, ok := Lead(due, day(c.today))
		if lead != c.lead || ok != c.ok {
			t.Errorf("Lead(%s, %s) = %d %v, want %d %v (days left %d)", due.Format(time.DateOnly), c.today, lead, ok, c.lead, c.ok, DaysLeft(due, day(c.today)))
		}
	}
	if n := DaysLeft(due, day("2030-04-01")); n != 90 {
		t.Errorf("days left = %d, want 90", n)
	}
}

// A time late in the CST day is still that CST day, whatever zone it is in.
func TestDayIsCST(t *testing.T) {
	utc := time.Date(2030, 6, 29, 17, 0, 0, 0, time.UTC) // 2030-06-30 01:00 CST
	if got := DaysLeft(day("2030-06-30"), utc); got != 0 {
		t.Errorf("days left = %d, want 0", got)
	}
	if got := State(day("2030-06-30"), utc, false); got != StateDueSoon {
		t.Errorf("state = %s", got)
	}
	if got := State(time.Time{}, utc, false); got != StateUnknown {
		t.Errorf("state = %s", got)
	}
	if got := State(day("2030-06-29"), utc, true); got != StateDone {
		t.Errorf("state = %s", got)
	}
	if got := State(day("2030-06-29"), utc, false); got != StateOverdue {
		t.Errorf("state = %s", got)
	}
	if got := PSBDue(utc); !got.Equal(day("2030-07-30")) {
		t.Errorf("psb due = %s", got)
	}
}
