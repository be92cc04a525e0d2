package workflow

import (
	"time"

	"beian/internal/workdays"
)

// Provider SLAs in working days (workflow.md "Working days, SLAs and the ETA").
const (
	InitialReviewDays  = 2.0 // after submission
	MaterialReviewDays = 1.5 // after the materials arrived
	// DefaultBureauReviewDays is the legal maximum, used when the
	// province's review time is unknown.
	DefaultBureauReviewDays = 20
)

// SLADays is the working days the provider has for a state, or 0 when the
// state carries no reviewer deadline.
func SLADays(s State) float64 {
	switch s {
	case InitialReview:
		return InitialReviewDays
	case MaterialReview:
		return MaterialReviewDays
	}
	return 0
}

// DueAt is when the reviewer's task in state s, entered at since, is due;
// false when s is not a reviewer task with a deadline.
func DueAt(cal *workdays.Calendar, s State, since time.Time) (time.Time, bool) {
	d := SLADays(s)
	if d == 0 {
		return time.Time{}, false
	}
	return cal.AddWorkingDays(since, d), true
}

// Overdue reports whether a task due at due is overdue at now.
func Overdue(due, now time.Time) bool { return !due.IsZero() && now.After(due) }

// ETAInput is what the estimated approval date depends on.
type ETAInput struct {
	State State
	// Since is when the application entered State (the submission time for
	// initial_review, the receipt for material_review, the bureau's SMS
	// confirmation or submission for bureau_review).
	Since time.Time
	Now   time.Time
	// NeedsVerification: see NeedsVerification.
	NeedsVerification bool
	// BureauReviewDays is the province's bureau_review_working_days
	// (refdata Province.BureauReviewDays); ≤ 0 means DefaultBureauReviewDays.
	BureauReviewDays int
}

// ETA estimates the approval: the provider SLAs still ahead plus the
// province's bureau review time, counted in working days from now (or from
// the current step's deadline when that is still ahead). Time the applicant
// or the leaders take (fixing a rejection, mailing originals, answering the
// SMS) is not knowable and counts as none. False for approved and
// withdrawn applications, which have no ETA.
func ETA(cal *workdays.Calendar, in ETAInput) (time.Time, bool) {
	bureau := float64(in.BureauReviewDays)
	if bureau <= 0 {
		bureau = DefaultBureauReviewDays
	}
	material := 0.0
	if in.NeedsVerification {
		material = MaterialReviewDays
	}
	base, days := in.Now, 0.0
	// deadline is the later of now and the current step's due time.
	deadline := func(d float64) time.Time {
		due := cal.AddWorkingDays(in.Since, d)
		if due.Before(in.Now) {
			return in.Now
		}
		return due
	}
	switch in.State {
	case Draft, InitialRejected, BureauRejected:
		days = InitialReviewDays + material + bureau
	case InitialReview:
		base, days = deadline(InitialReviewDays), material+bureau
	case Verification:
		days = MaterialReviewDays + bureau
	case MaterialReview:
		base, days = deadline(MaterialReviewDays), bureau
	case ReadyForBureau, BureauSMS:
		days = bureau
	case BureauReview:
		base, days = deadline(bureau), 0
	default:
		return time.Time{}, false
	}
	return cal.AddWorkingDays(base, days), true
}
