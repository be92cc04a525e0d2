// Package workflow is the state machine of an application (spec/workflow.md):
// its states, the events that move it, who may cause each event, and which
// flows skip verification or the bureau's SMS check. It is pure: no storage,
// no clock but the one passed in. The service layer calls Apply before it
// writes a state change, and records the transition it returns.
package workflow

import (
	"errors"
	"fmt"
	"slices"

	"beian/internal/filing"
)

// State is where an application stands.
type State string

// The states of workflow.md "States".
const (
	Draft           State = "draft"
	InitialReview   State = "initial_review"
	InitialRejected State = "initial_rejected"
	Verification    State = "verification"
	MaterialReview  State = "material_review"
	ReadyForBureau  State = "ready_for_bureau"
	BureauSMS       State = "bureau_sms"
	BureauReview    State = "bureau_review"
	BureauRejected  State = "bureau_rejected"
	Approved        State = "approved"
	Withdrawn       State = "withdrawn"
)

// States lists every state in workflow order.
var States = []State{
	Draft, InitialReview, InitialRejected, Verification, MaterialReview,
	ReadyForBureau, BureauSMS, BureauReview, BureauRejected, Approved, Withdrawn,
}

// Event is something that happens to an application.
type Event string

// The events of workflow.md's transition table.
const (
	Submit            Event = "submit"             // applicant, from draft
	Resubmit          Event = "resubmit"           // applicant, after a rejection
	Approve           Event = "approve"            // reviewer: initial or material review passed
	Reject            Event = "reject"             // reviewer: data rejected with reasons
	RejectMaterials   Event = "reject_materials"   // reviewer: photo or paper rejected, back to verification
	MaterialsReceived Event = "materials_received" // reviewer: originals arrived or signing done
	SubmitToBureau    Event = "submit_to_bureau"   // reviewer or the automatic submitter
	SMSConfirmed      Event = "sms_confirmed"      // bureau: every required code confirmed
	SMSReturned       Event = "sms_returned"       // bureau: 24 hours passed or 5 wrong attempts
	BureauApprove     Event = "bureau_approve"     // bureau: numbers issued
	BureauReject      Event = "bureau_reject"      // bureau: refused with a reason
	Withdraw          Event = "withdraw"           // applicant gives up
)

// Events lists every event.
var Events = []Event{
	Submit, Resubmit, Approve, Reject, RejectMaterials, MaterialsReceived,
	SubmitToBureau, SMSConfirmed, SMSReturned, BureauApprove, BureauReject, Withdraw,
}

// Actor is who causes an event.
type Actor string

// Actors. Admins may do everything reviewers may (api.md "Review (reviewer
// and admin)"); the bureau's decisions in manual mode are still the
// bureau's: the admin acts through the simulator, which reports as Bureau.
const (
	Applicant Actor = "applicant"
	Reviewer  Actor = "reviewer"
	Admin     Actor = "admin"
	Bureau    Actor = "bureau"
	Scheduler Actor = "scheduler"
)

// Actors lists every actor.
var Actors = []Actor{Applicant, Reviewer, Admin, Bureau, Scheduler}

// ErrInvalidTransition is returned for any (state, event, actor) the table
// does not allow; the HTTP layer answers 409 invalid_transition.
var ErrInvalidTransition = errors.New("invalid_transition")

// ErrUnknownFlow is returned for a flow that is not one of filing.Flows.
var ErrUnknownFlow = errors.New("unknown flow")

// Options are the facts about one application that choose between the
// branches of a transition. The zero value uses the flow's defaults.
type options struct {
	verification *bool
	sms          *bool
}

// Option sets a fact for Apply.
type Option func(*options)

// WithVerification says whether this application needs the verification
// step (compute it with NeedsVerification). Without it, Apply uses the
// flow's default: needed for first_filing, new_website and new_access, not
// needed for change_* and cancel_*.
func WithVerification(needed bool) Option { return func(o *options) { o.verification = &needed } }

// WithSMS says whether the bureau's SMS check applies (len(SMSRecipients) > 0).
// Without it, Apply uses the flow's default: len(SMSRoles(flow)) > 0.
func WithSMS(needed bool) Option { return func(o *options) { o.sms = &needed } }

type key struct {
	from State
	ev   Event
}

// rule is one row of the transition table: the actors allowed and the
// target; branch picks the target when it depends on the application.
type rule struct {
	actors []Actor
	to     State
	branch func(flow string, o options) State
}

var staff = []Actor{Reviewer, Admin}

// table is workflow.md's transition table, row for row.
var table = map[key]rule{
	{Draft, Submit}:                   {actors: []Actor{Applicant}, to: InitialReview},
	{InitialReview, Approve}:          {actors: staff, branch: afterInitialReview},
	{InitialReview, Reject}:           {actors: staff, to: InitialRejected},
	{InitialRejected, Resubmit}:       {actors: []Actor{Applicant}, to: InitialReview},
	{Verification, MaterialsReceived}: {actors: staff, to: MaterialReview},
	{MaterialReview, Approve}:         {actors: staff, to: ReadyForBureau},
	{MaterialReview, RejectMaterials}: {actors: staff, to: Verification},
	{MaterialReview, Reject}:          {actors: staff, to: InitialRejected},
	{ReadyForBureau, SubmitToBureau}:  {actors: []Actor{Reviewer, Admin, Scheduler}, branch: afterBureauSubmission},
	{BureauSMS, SMSConfirmed}:         {actors: []Actor{Bureau}, to: BureauReview},
	{BureauSMS, SMSReturned}:          {actors: []Actor{Bureau}, to: ReadyForBureau},
	// Relay mode: the real bureau's SMS check runs while Beian sees
	// bureau_review; its lapse returns the application as well.
	{BureauReview, SMSReturned}:   {actors: []Actor{Bureau}, to: ReadyForBureau},
	{BureauReview, BureauApprove}: {actors: []Actor{Bureau}, to: Approved},
	{BureauReview, BureauReject}:  {actors: []Actor{Bureau}, to: BureauRejected},
	{BureauRejected, Resubmit}:    {actors: []Actor{Applicant}, to: InitialReview},
	{Draft, Withdraw}:             {actors: []Actor{Applicant, Scheduler}, to: Withdrawn}, // scheduler: untouched for 30 days
	{InitialReview, Withdraw}:     {actors: []Actor{Applicant}, to: Withdrawn},
	{InitialRejected, Withdraw}:   {actors: []Actor{Applicant}, to: Withdrawn},
	{Verification, Withdraw}:      {actors: []Actor{Applicant}, to: Withdrawn},
	{MaterialReview, Withdraw}:    {actors: []Actor{Applicant}, to: Withdrawn},
	{ReadyForBureau, Withdraw}:    {actors: []Actor{Applicant}, to: Withdrawn},
	{BureauRejected, Withdraw}:    {actors: []Actor{Applicant}, to: Withdrawn},
}

func afterInitialReview(flow string, o options) State {
	need := flowNeedsVerification(flow)
	if o.verification != nil {
		need = *o.verification
	}
	if need {
		return Verification
	}
	return ReadyForBureau
}

func afterBureauSubmission(flow string, o options) State {
	need := len(SMSRoles(flow)) > 0
	if o.sms != nil {
		need = *o.sms
	}
	if need {
		return BureauSMS
	}
	return BureauReview
}

// Apply returns the state an application of flow reaches when actor causes
// ev in state from, or ErrInvalidTransition (wrapped, with the details) when
// the transition table does not allow it. Guards on the application's
// content (no error violations at submission, at least one reason for a
// rejection: see RequiresReasons) are the caller's, checked after Apply
// accepted the transition so the caller answers 409 before 422.
func Apply(flow string, from State, ev Event, actor Actor, opts ...Option) (State, error) {
	if !slices.Contains(filing.Flows, flow) {
		return "", fmt.Errorf("%w: %q", ErrUnknownFlow, flow)
	}
	r, ok := table[key{from, ev}]
	if !ok || !slices.Contains(r.actors, actor) {
		return "", fmt.Errorf("%w: %s cannot %s an application in state %s", ErrInvalidTransition, actor, ev, from)
	}
	if r.branch == nil {
		return r.to, nil
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return r.branch(flow, o), nil
}

// Allowed lists the events actor may cause in state from (for showing the
// right buttons), in the order of Events.
func Allowed(from State, actor Actor) []Event {
	var out []Event
	for _, ev := range Events {
		if r, ok := table[key{from, ev}]; ok && slices.Contains(r.actors, actor) {
			out = append(out, ev)
		}
	}
	return out
}

// SubmitEvent is the event the applicant's "submit" button means in state
// s: Submit for a draft, Resubmit after a rejection. Other states get
// Submit, which Apply then refuses.
func SubmitEvent(s State) Event {
	if s == InitialRejected || s == BureauRejected {
		return Resubmit
	}
	return Submit
}

// RequiresReasons reports whether ev must carry at least one reason
// (a field-level reason for reviewers, a reason text for the bureau).
func RequiresReasons(ev Event) bool {
	return ev == Reject || ev == RejectMaterials || ev == BureauReject
}

// Editable reports whether the applicant may change the document: only in
// draft and after a rejection; locked everywhere else.
func Editable(s State) bool {
	return s == Draft || s == InitialRejected || s == BureauRejected
}

// Open reports whether the application is still under way (neither
// approved nor withdrawn). Pre-check conflicts count open applications.
func Open(s State) bool {
	return s != Approved && s != Withdrawn && Valid(s)
}

// Withdrawable reports whether the applicant may withdraw: any state
// before bureau_sms, and bureau_rejected.
func Withdrawable(s State) bool {
	_, ok := table[key{s, Withdraw}]
	return ok
}

// Valid reports whether s is one of States.
func Valid(s State) bool { return slices.Contains(States, s) }
