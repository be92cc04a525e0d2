// Package duties is what an owner must keep up after approval and when to
// remind them (issue 16 item 2): the leaders' ID documents and the
// business licence must stay valid, the domains registered, and each new
// website filed with the public security bureau (公安备案) within 30 days
// of its approval. It is pure: dates in, decisions out; the service reads
// the records and sends the reminders.
package duties

import (
	"time"

	"beian/internal/workdays"
)

// Kinds of duty.
const (
	LeaderID        = "leader_id"        // a leader's ID document expires
	BusinessLicence = "business_licence" // the subject's business licence expires
	Domain          = "domain"           // a domain's registration expires
	PSBFiling       = "psb_filing"       // the 公安备案 of a newly approved website is due
)

// Kinds lists every kind, in the order pages show them.
var Kinds = []string{PSBFiling, LeaderID, BusinessLicence, Domain}

// Leads are the days before a deadline a reminder goes out, longest first.
var Leads = []int{90, 30, 7}

// PSBDays is how long after a website's approval its 公安备案 is due
// (《计算机信息网络国际联网安全保护管理办法》: within 30 days of opening).
const PSBDays = 30

// States of a duty.
const (
	StateOK      = "ok"      // the deadline is more than the longest lead away
	StateDueSoon = "due"     // within a lead time: reminded
	StateOverdue = "overdue" // the deadline passed
	StateDone    = "done"    // the owner recorded it done (公安备案)
	StateUnknown = "unknown" // no date to judge by (the licence's validity not recorded)
)

// Day is the CST calendar date of t, at midnight CST.
func Day(t time.Time) time.Time {
	y, m, d := t.In(workdays.CST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, workdays.CST)
}

// ParseDate reads a YYYY-MM-DD date as a CST day.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, workdays.CST)
	return t, err == nil
}

// DaysLeft counts the calendar days from today to due (negative once due passed).
func DaysLeft(due, today time.Time) int {
	// Both at CST midnight: a whole number of 24-hour days (no DST in China).
	return int(Day(due).Sub(Day(today)).Hours() / 24)
}

// Lead is the reminder due today for a deadline on due: the shortest lead
// time not yet shorter than the days left. A deadline first seen 20 days
// ahead gets the 30-day reminder, never the 90-day one late; the 7-day
// one follows. ok is false when no reminder is due: more than the longest
// lead away, or past the deadline.
func Lead(due, today time.Time) (lead int, ok bool) {
	left := DaysLeft(due, today)
	if left < 0 {
		return 0, false
	}
	for i := len(Leads) - 1; i >= 0; i-- {
		if left <= Leads[i] {
			return Leads[i], true
		}
	}
	return 0, false
}

// State judges a deadline on due today; done wins.
func State(due, today time.Time, done bool) string {
	switch {
	case done:
		return StateDone
	case due.IsZero():
		return StateUnknown
	case DaysLeft(due, today) < 0:
		return StateOverdue
	case DaysLeft(due, today) <= Leads[0]:
		return StateDueSoon
	}
	return StateOK
}

// PSBDue is when the 公安备案 of a website approved on approvedOn is due.
func PSBDue(approvedOn time.Time) time.Time { return Day(approvedOn).AddDate(0, 0, PSBDays) }
