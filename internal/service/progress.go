package service

import (
	"context"
	"errors"
	"slices"
	"time"

	"beian/internal/bureau"
	"beian/internal/filing"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Progress is what the applicant is told about an application now, decided
// here so every door tells one story: the stage tracker, the situation
// (a state, or a returned or approved variant of it), why it came back,
// the deadline that applies, and each issued number with its status today.
type Progress struct {
	Stages    []workflow.Step
	Situation string          // a state key or a workflow.Situation* constant
	Reasons   []filing.Reason // why it came back (rejection, materials refused, SMS returned)
	// Deadline is when the current step is due: the provider's review
	// (DeadlineReview) or the leaders' SMS confirmation (DeadlineSMS).
	Deadline     time.Time
	DeadlineKind string
	// SMSLive says the SMS codes shown belong to the step under way; after
	// a return they are history, and new codes come with the next submission.
	SMSLive bool
	// SMSAtBureau lists the leaders the real bureau texts (relay mode,
	// SituationSMSAtBureau): they confirm at its site, not here.
	SMSAtBureau []SMSStatus
	Numbers     []IssuedNumber
}

// SituationNumbersCancelled is an approved filing whose website numbers
// have all been cancelled since.
const SituationNumbersCancelled = "numbers_cancelled"

// SituationSMSAtBureau is bureau_review in relay mode for a flow whose
// leaders must confirm the bureau's SMS: the bureau texts them from 12381
// and they confirm at https://beian.miit.gov.cn; Beian sends no code.
const SituationSMSAtBureau = "sms_at_bureau"

// MIITPortal is where leaders confirm the real bureau's SMS codes.
const MIITPortal = "https://beian.miit.gov.cn"

// Deadline kinds.
const (
	DeadlineReview = "review"
	DeadlineSMS    = "sms"
)

// IssuedNumber is a number an approval issued or touched, with the status
// of its record now (active, cancelled, no_access): a number cancelled
// later shows as cancelled on the application that issued it too.
type IssuedNumber struct {
	Number, Domain, Status string
	Subject                bool
}

// rejectedBy reports whether ev sends the application back to the
// applicant with reasons that stand until the next step (app.Rejection).
func rejectedBy(ev string) bool {
	switch workflow.Event(ev) {
	case workflow.Reject, workflow.RejectMaterials, workflow.BureauReject:
		return true
	}
	return false
}

// position is where sa stands and how it got there.
func position(sa *storage.Application, hist []*storage.Transition, verification bool) workflow.Position {
	p := workflow.Position{Flow: sa.Flow, State: workflow.State(sa.State), Verification: verification}
	if n := len(hist); n > 0 && hist[n-1].To == sa.State {
		p.Last, p.From = workflow.Event(hist[n-1].Event), workflow.State(hist[n-1].From)
	}
	return p
}

// tracksVerification says whether the tracker shows verification and
// material review: when the application went through them, or, before the
// initial review decided, when it will.
func (s *Service) tracksVerification(sa *storage.Application, hist []*storage.Transition, atts []*storage.Attachment) bool {
	for _, tr := range hist {
		if tr.To == string(workflow.Verification) {
			return true
		}
	}
	switch workflow.State(sa.State) {
	case workflow.Draft, workflow.InitialReview, workflow.InitialRejected, workflow.BureauRejected:
		return s.verificationNeeded(sa, atts)
	case workflow.Withdrawn:
		if n := len(hist); n > 0 {
			switch workflow.State(hist[n-1].From) {
			case workflow.Draft, workflow.InitialReview, workflow.InitialRejected:
				return s.verificationNeeded(sa, atts)
			}
		}
	}
	return false
}

// progress fills app.Progress; app's SMS and numbers are already in (lifecycleView).
func (s *Service) progress(ctx context.Context, sa *storage.Application, hist []*storage.Transition, atts []*storage.Attachment, app *Application) error {
	pos := position(sa, hist, s.tracksVerification(sa, hist, atts))
	p := Progress{Stages: workflow.Tracker(pos), Situation: workflow.Situation(pos)}
	if workflow.CameBack(pos) && len(hist) > 0 {
		p.Reasons = hist[len(hist)-1].Reasons
	}
	switch workflow.State(sa.State) {
	case workflow.InitialReview, workflow.MaterialReview:
		p.Deadline, p.DeadlineKind = sa.DueAt, DeadlineReview
	case workflow.BureauSMS:
		p.SMSLive = true
		for _, c := range app.SMS {
			if !c.Deadline.IsZero() {
				p.Deadline, p.DeadlineKind = c.Deadline, DeadlineSMS
			}
		}
	case workflow.BureauReview:
		p.SMSLive = true
		if recipients := workflow.SMSRecipients(sa.Flow, app.Document); s.mode == bureau.ModeRelay && len(recipients) > 0 &&
			p.Situation == string(workflow.BureauReview) {
			p.Situation = SituationSMSAtBureau
			for _, r := range recipients {
				p.SMSAtBureau = append(p.SMSAtBureau, SMSStatus{Role: string(r.Role), Mobile: pii.MaskMobile(r.Mobile)})
			}
		}
	}
	if app.Numbers != nil {
		var err error
		if p.Numbers, err = s.issuedNumbers(ctx, app); err != nil {
			return err
		}
		// A filing whose website numbers were all cancelled since: no
		// footer to show (a subject left without websites is a shell).
		if p.Situation == string(workflow.Approved) && !slices.ContainsFunc(p.Numbers, func(n IssuedNumber) bool {
			return !n.Subject && n.Status == storage.RecordActive
		}) {
			p.Situation = SituationNumbersCancelled
		}
	}
	app.Progress = p
	return nil
}

// issuedNumbers reads the current status of each number of an approval.
func (s *Service) issuedNumbers(ctx context.Context, app *Application) ([]IssuedNumber, error) {
	var out []IssuedNumber
	if n := app.Numbers.Subject; n != "" {
		in := IssuedNumber{Number: n, Subject: true, Status: storage.RecordActive}
		r, err := s.st.SubjectRecordByNumber(ctx, n)
		switch {
		case err == nil:
			in.Status = r.Status
		case !errors.Is(err, storage.ErrNotFound):
			return nil, storeErr(err)
		}
		out = append(out, in)
	}
	for i, n := range app.Numbers.Websites {
		in := IssuedNumber{Number: n, Status: storage.RecordActive}
		if i < len(app.Document.Websites) {
			in.Domain = app.Document.Websites[i].Domain
		}
		r, err := s.st.WebsiteRecordByNumber(ctx, n)
		switch {
		case err == nil:
			in.Status, in.Domain = r.Status, r.Domain
		case !errors.Is(err, storage.ErrNotFound):
			return nil, storeErr(err)
		}
		if !slices.ContainsFunc(out, func(o IssuedNumber) bool { return o.Number == n }) {
			out = append(out, in)
		}
	}
	return out, nil
}
