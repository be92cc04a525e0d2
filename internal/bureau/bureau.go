// Package bureau is Beian's door to the communications administration (管局)
// and the national filing registry (workflow.md "The bureau"): look up a
// certificate number or a domain, submit an application, confirm the SMS
// codes the bureau texts to the leaders, and receive its results. The
// shipped implementation is a Simulator; a real adapter to a bureau's
// interface can replace it without touching the workflow.
//
// Results flow back through Outcomes, which the service layer implements:
// the bureau calls it inside a storage transaction, so its own records,
// the application's state change and the job that carried the result
// commit together.
package bureau

import (
	"context"
	"errors"
	"time"

	"beian/internal/filing"
	"beian/internal/storage"
)

// Bureau is what Beian needs from the bureau.
type Bureau interface {
	// LookupSubject finds an active subject by certificate type and number
	// in the national registry; nil, nil when it is not filed.
	LookupSubject(ctx context.Context, certType, certNumber string) (*Subject, error)
	// LookupDomain finds the filed website of a domain (active or without
	// access); nil, nil when it is not filed.
	LookupDomain(ctx context.Context, domain string) (*Website, error)
	// Submit hands an application to the bureau inside tx, the transaction
	// that moves it to bureau_sms or bureau_review, and returns the
	// submission id. It queues the SMS codes (or the review) as jobs in tx.
	Submit(ctx context.Context, tx *storage.Tx, sub Submission) (string, error)
	// ConfirmSMS checks a code inside tx. A wrong code is not an error: the
	// result says so and counts the attempt, and the caller must commit tx
	// (then answer 422) so the count sticks. When the last code is
	// confirmed, or the fifth wrong attempt returns the application, the
	// bureau calls Outcomes in tx. ErrNoPendingSMS when nothing awaits a code.
	ConfirmSMS(ctx context.Context, tx *storage.Tx, appID string, in SMSInput) (*SMSResult, error)
	// SMSStatus is the state of the codes of the application's latest
	// submission (empty when it has none).
	SMSStatus(ctx context.Context, appID string) ([]SMSState, error)
}

// Outcomes receives the bureau's results. Every call runs inside tx; an
// error rolls the bureau's side back too (and the job carrying it retries).
type Outcomes interface {
	// SMSConfirmed: every required code is confirmed; the application goes
	// to bureau_review.
	SMSConfirmed(ctx context.Context, tx *storage.Tx, appID string) error
	// SMSReturned: 24 hours passed or 5 wrong attempts; the application
	// goes back to ready_for_bureau.
	SMSReturned(ctx context.Context, tx *storage.Tx, appID string, reason filing.Text) error
	// Approved: the bureau approved and issued numbers; the application is
	// approved and the filing records are written.
	Approved(ctx context.Context, tx *storage.Tx, appID string, n Numbers) error
	// Rejected: the bureau refused, with a reason for the applicant.
	Rejected(ctx context.Context, tx *storage.Tx, appID string, reason filing.Text) error
}

// Subject is a filed subject with its websites (the registry's full record).
type Subject struct {
	Number   string
	Status   string // active | cancelled
	Subject  filing.Subject
	Websites []Website
}

// Website is a filed website, with the subject it belongs to.
type Website struct {
	Number            string
	Status            string // active | no_access | cancelled
	SubjectNumber     string
	SubjectCertType   string
	SubjectCertNumber string
	Website           filing.Website // without access
	Providers         []string       // names of the providers hosting it
}

// Numbers are the numbers of an approved application: the subject's and
// one per website of the document, in document order. Changes and
// cancellations return the numbers they concern, unchanged.
type Numbers struct {
	Subject  string   `json:"subject"`
	Websites []string `json:"websites"`
}

// Submission is what Beian sends the bureau.
type Submission struct {
	ApplicationID string
	Flow          string
	Document      filing.Document
	// SubjectNumber is the filed subject's number for every flow but
	// first_filing; empty means "find it by the subject's certificate".
	SubjectNumber string
	// WebsiteNumbers holds, per document website, the filed number
	// (new_access, change_website, change_access, cancel_website,
	// cancel_access), or "" for a new website / "find it by its domain".
	WebsiteNumbers []string
	// Provider is this provider's name, recorded as hosting the websites.
	Provider string
}

// SMSInput is what a leader types to confirm a code.
type SMSInput struct {
	Mobile    string
	CertLast6 string // the last 6 characters of the leader's certificate number
	Code      string
}

// SMSState is one code's state, for the application view.
type SMSState struct {
	Role         string // subject_leader | website_leader
	Website      int    // index of the website for a website leader, -1 for the subject leader
	Mobile       string // masked
	Status       string // pending | confirmed | expired
	AttemptsLeft int
	Deadline     time.Time // when the codes of this submission lapse
}

// SMSResult answers a confirmation attempt.
type SMSResult struct {
	Correct      bool // this attempt confirmed a code
	AllConfirmed bool // no code is pending any more: the application went to bureau_review
	Returned     bool // this attempt used up the last try: the application was returned
	AttemptsLeft int
	SMS          []SMSState
}

// SMS code statuses.
const (
	SMSPending   = "pending"
	SMSConfirmed = "confirmed"
	SMSExpired   = "expired"
)

// Limits of the SMS step (workflow.md).
const (
	SMSMaxWrongAttempts = 5
	SMSValidHours       = 24
)

// Errors.
var (
	// ErrNoPendingSMS: the application has no submission waiting for codes.
	ErrNoPendingSMS = errors.New("no SMS verification pending")
	// ErrNotUnderReview: a manual decision for an application the bureau is
	// not reviewing.
	ErrNotUnderReview = errors.New("the bureau is not reviewing this application")
	// ErrChecksFailed: a manual approval that the registry cannot take
	// (a conflict or a blacklisted certificate); reject it instead.
	ErrChecksFailed = errors.New("the bureau's checks failed")
	// ErrNoOutcomes: the simulator was used before Outcomes was set.
	ErrNoOutcomes = errors.New("bureau: Outcomes not set")
)
