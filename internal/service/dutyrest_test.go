package service

import (
	"testing"
	"time"
)

// TestDutyRest: the reminders' walk gives way to a busy server.
func TestDutyRest(t *testing.T) {
	page := 40 * time.Millisecond
	idle, busy := dutyRest(page, 0), dutyRest(page, busyRequests+1)
	if idle != dutyPace*page || busy != busyPace*page || busy <= idle {
		t.Errorf("rest idle %s, busy %s", idle, busy)
	}
}
