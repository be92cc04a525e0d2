package bureau

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/storage"
)

// Handlers are the simulator's job handlers for the jobs.Runner. A
// decision or an expiry is made in one transaction with the job's
// completion and the report job, so it is made and reported exactly once.
func (s *Simulator) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		JobDecide:    s.runDecide,
		JobSMSExpire: s.runSMSExpire,
		JobReport:    s.runReport,
	}
}

func decodeJob(j storage.Job) (string, error) {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.SubmissionID == "" {
		return "", jobs.Permanent(fmt.Errorf("%s: bad payload %s", j.Kind, j.Payload))
	}
	return p.SubmissionID, nil
}

// onSubmission runs a job about one submission: it locks the submission,
// lets act decide what to do in its state, completes the job in the same
// transaction, and delivers what act settled.
func (s *Simulator) onSubmission(ctx context.Context, j storage.Job, act func(tx *storage.Tx, sub *storage.BureauSubmission) (*Outcome, error)) error {
	id, err := decodeJob(j)
	if err != nil {
		return err
	}
	var out *Outcome
	err = s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		sub, err := tx.BureauSubmissionForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if out, err = act(tx, sub); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID)
	})
	if err != nil {
		return err
	}
	if out != nil {
		s.deliver(ctx, []Outcome{*out})
	}
	return nil
}

func (s *Simulator) runSMSExpire(ctx context.Context, j storage.Job) error {
	return s.onSubmission(ctx, j, func(tx *storage.Tx, sub *storage.BureauSubmission) (*Outcome, error) {
		if sub.State != storage.SubmissionSMS {
			return nil, nil
		}
		if s.o.Now().Before(sub.SMSDeadline) {
			return nil, fmt.Errorf("sms deadline %s not reached", sub.SMSDeadline.Format(time.RFC3339))
		}
		o, err := s.returnSubmission(ctx, tx, sub, Outcome{Kind: OutcomeSMSReturned, Reason: reasonTimeout})
		return &o, err
	})
}

func (s *Simulator) runDecide(ctx context.Context, j storage.Job) error {
	return s.onSubmission(ctx, j, func(tx *storage.Tx, sub *storage.BureauSubmission) (*Outcome, error) {
		// Decided meanwhile (an admin in the console): nothing to do.
		if sub.State != storage.SubmissionReview {
			return nil, nil
		}
		return s.decide(ctx, tx, sub, Decision{Kind: DecisionApprove}, false)
	})
}

// Decide implements Console: an admin's decision on the application the
// simulated bureau is reviewing (manual mode; in auto mode it pre-empts
// the scheduled decision), or sms_expired to let the codes of one awaiting
// them lapse now. Approving still runs the bureau's checks: when they fail
// it returns ErrChecksFailed with the reason, and the admin should reject.
// Numbers are ignored: the simulator issues its own.
func (s *Simulator) Decide(ctx context.Context, appID string, d Decision) error {
	if s.Outcomes == nil {
		return ErrNoOutcomes
	}
	if d.Kind == DecisionReject && strings.TrimSpace(d.Reason) == "" {
		return errors.New("a rejection needs a reason")
	}
	var out *Outcome
	err := s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		sub, err := tx.LatestBureauSubmissionForUpdate(ctx, appID)
		if errors.Is(err, storage.ErrNotFound) {
			return ErrNotUnderReview
		}
		if err != nil {
			return err
		}
		if d.Kind == DecisionSMSExpired {
			if sub.State != storage.SubmissionSMS {
				return ErrNotUnderReview
			}
			o, err := s.returnSubmission(ctx, tx, sub, Outcome{Kind: OutcomeSMSReturned, Reason: reasonTimeout})
			out = &o
			return err
		}
		if sub.State != storage.SubmissionReview {
			return ErrNotUnderReview
		}
		out, err = s.decide(ctx, tx, sub, d, true)
		return err
	})
	if err != nil {
		return err
	}
	s.deliver(ctx, []Outcome{*out})
	return nil
}

// decide approves (when the checks pass) or rejects a submission under review.
func (s *Simulator) decide(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, d Decision, manual bool) (*Outcome, error) {
	var p submissionPayload
	if err := s.open(sub.Payload, &p); err != nil {
		return nil, fmt.Errorf("bureau submission %s: %w", sub.ID, err)
	}
	reject := func(reason filing.Text) (*Outcome, error) {
		o, err := s.settle(ctx, tx, sub, storage.SubmissionRejected, Outcome{Kind: OutcomeRejected, Reason: reason})
		return &o, err
	}
	if d.Kind != DecisionApprove {
		r := strings.TrimSpace(d.Reason)
		return reject(filing.Text{ZH: r, EN: r})
	}
	failed, err := s.blacklisted(ctx, tx, p.Submission.Document)
	if err != nil {
		return nil, err
	}
	var pl *plan
	if failed == nil {
		if pl, failed, err = s.resolve(ctx, tx, p.Submission, true); err != nil {
			return nil, err
		}
	}
	if failed != nil {
		if manual {
			return nil, fmt.Errorf("%w: %s", ErrChecksFailed, failed.ZH)
		}
		return reject(*failed)
	}
	numbers, err := s.apply(ctx, tx, p.Submission, pl, s.o.Now(), nil)
	if err != nil {
		return nil, err
	}
	o, err := s.settle(ctx, tx, sub, storage.SubmissionApproved, Outcome{Kind: OutcomeApproved, Numbers: numbers})
	return &o, err
}

// blacklisted is the bureau's first check: a certificate number of the
// subject or a leader on its blacklist; the reason to reject, or nil.
func (s *Simulator) blacklisted(ctx context.Context, tx *storage.Tx, doc filing.Document) (*filing.Text, error) {
	certs := []string{doc.Subject.CertNumber, doc.Subject.Leader.CertNumber}
	for _, w := range doc.Websites {
		certs = append(certs, w.Leader.CertNumber)
	}
	var hashes []string
	for _, c := range certs {
		if strings.TrimSpace(c) != "" {
			hashes = append(hashes, s.blacklistHash(c))
		}
	}
	black, err := tx.BureauBlacklisted(ctx, hashes...)
	if err != nil || !black {
		return nil, err
	}
	return &filing.Text{
		ZH: "主办单位或负责人的证件号码在管局黑名单中，不予备案",
		EN: "the certificate number of the subject or a leader is on the bureau's blacklist; filing refused",
	}, nil
}

// ListUnderReview implements Console: the submissions awaiting a decision,
// with when auto mode decides them.
func (s *Simulator) ListUnderReview(ctx context.Context) ([]UnderReview, error) {
	var at func(*storage.BureauSubmission) time.Time
	if s.o.Mode == ModeAuto {
		at = func(r *storage.BureauSubmission) time.Time { return s.DecisionTime(r.Province, r.ReviewStartedAt) }
	}
	return s.listInState(ctx, storage.SubmissionReview, at)
}
