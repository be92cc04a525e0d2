// Package bureau is Beian's door to the communications administration (管局)
// and the national filing registry (workflow.md "The bureau"): look up a
// certificate number, a domain or a number in the registry, submit an
// application, confirm the SMS codes the bureau texts to the leaders, and
// receive its results.
//
// The adapters never see a transaction of Beian's: the service hands an
// application over from a job ("bureau.submit", queued in the transaction
// that moves it to the bureau), and an adapter reports what the bureau
// decided through Outcomes.Report, which Beian records as a job of its own
// and applies in its transaction. Two adapters ship: the Simulator (a
// bureau run inside Beian, BEIAN_BUREAU_MODE auto or manual) and the Relay
// (the real bureau, worked by hand: staff file at its system and record
// here what it answered). A real interface to a bureau can replace either
// without touching the workflow.
package bureau

import (
	"context"
	"errors"
	"time"

	"beian/internal/filing"
)

// Modes (BEIAN_BUREAU_MODE).
const (
	ModeAuto   = "auto"   // the simulator decides when the province's review time has passed
	ModeManual = "manual" // the simulator waits for an admin's decision
	ModeRelay  = "relay"  // the real bureau: staff record its outcomes
)

// Registry is the national registry as Beian reads it.
type Registry interface {
	// LookupSubject finds an active subject by certificate type and number,
	// with its websites; nil, nil when it is not filed.
	LookupSubject(ctx context.Context, certType, certNumber string) (*Subject, error)
	// LookupDomain finds the filed website of a domain (active or without
	// access); nil, nil when it is not filed.
	LookupDomain(ctx context.Context, domain string) (*Website, error)
	// LookupNumber finds the subject holding a subject or website number,
	// whatever its status (numbers are never reused), without its websites
	// but with Website set for a website number; nil, nil when no subject
	// holds it.
	LookupNumber(ctx context.Context, number string) (*Subject, error)
}

// Bureau is what Beian needs from the bureau.
type Bureau interface {
	Registry
	// Submit hands an application to the bureau. Beian calls it from a job,
	// outside any transaction of its own, and again when the job is
	// retried: a second call with the same Submission.ID changes nothing.
	Submit(ctx context.Context, sub Submission) error
}

// SMSCheck is the bureau's SMS verification where Beian hosts the page the
// leaders confirm their codes on (the simulator). The real bureau has its
// own page; the relay has none.
type SMSCheck interface {
	// ConfirmSMS checks a code. A wrong code is not an error: the result
	// says so and the attempt counts. ErrNoPendingSMS when nothing awaits
	// a code.
	ConfirmSMS(ctx context.Context, appID string, in SMSInput) (*SMSResult, error)
	// SMSStatus is the state of the codes of the application's latest
	// submission (empty when it has none).
	SMSStatus(ctx context.Context, appID string) ([]SMSState, error)
}

// Console is where staff act for the bureau: the simulator's decisions in
// manual mode, the real bureau's outcomes in relay mode.
type Console interface {
	// Decide decides (simulator) or records (relay) the outcome of the
	// application's current submission. ErrNotUnderReview when it has none
	// awaiting one.
	Decide(ctx context.Context, appID string, d Decision) error
	// ListUnderReview lists the submissions awaiting an outcome, oldest first.
	ListUnderReview(ctx context.Context) ([]UnderReview, error)
}

// Outcome kinds.
const (
	OutcomeSMSConfirmed = "sms_confirmed" // every required code confirmed: bureau_review
	OutcomeSMSReturned  = "sms_returned"  // 24 hours passed, 5 wrong attempts, or (relay) the SMS lapsed: ready_for_bureau
	OutcomeApproved     = "approved"      // approved with numbers: the filing records are written
	OutcomeRejected     = "rejected"      // refused with a reason
)

// Outcome is one result of the bureau about one submission.
type Outcome struct {
	ApplicationID string      `json:"application_id"`
	SubmissionID  string      `json:"submission_id"`
	Kind          string      `json:"kind"`
	Reason        filing.Text `json:"reason,omitzero"`
	Numbers       Numbers     `json:"numbers,omitzero"`
}

// Key identifies an outcome: one of each kind per submission.
func (o Outcome) Key() string { return o.SubmissionID + ":" + o.Kind }

// Outcomes receives the bureau's results (the service implements it).
// Report is durable when it returns nil: Beian has recorded the outcome
// and applies it (at once, or from a job if that fails). Reporting the same
// outcome again changes nothing, so an adapter reports from a retried job
// without fear.
type Outcomes interface {
	Report(ctx context.Context, o Outcome) error
}

// Decision is staff's word on a submission under review.
type Decision struct {
	// Kind is approve, reject or sms_expired.
	Kind string
	// Reason is required to reject; shown to the applicant as written.
	Reason string
	// Numbers are the real bureau's numbers of an approval (relay mode; the
	// simulator issues its own). The service has checked them.
	Numbers Numbers
}

// Decision kinds.
const (
	DecisionApprove    = "approve"
	DecisionReject     = "reject"
	DecisionSMSExpired = "sms_expired"
)

// Subject is a filed subject with its websites (the registry's full record).
type Subject struct {
	Number   string
	Status   string // active | cancelled
	Subject  filing.Subject
	Websites []Website
	// Website is the website a LookupNumber of a website number found.
	Website *Website
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
	// ID is chosen by Beian, one per handing over: the adapter's key.
	ID            string
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
	// ErrNotUnderReview: a decision for an application the bureau is not
	// reviewing (or, for sms_expired, not awaiting codes).
	ErrNotUnderReview = errors.New("the bureau is not reviewing this application")
	// ErrChecksFailed: a manual approval that the registry cannot take
	// (a conflict or a blacklisted certificate); reject it instead.
	ErrChecksFailed = errors.New("the bureau's checks failed")
	// ErrNoOutcomes: the simulator was used before Outcomes was set.
	ErrNoOutcomes = errors.New("bureau: Outcomes not set")
)
