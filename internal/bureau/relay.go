package bureau

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/storage"
)

// Relay is the real bureau as providers work with it today: by hand (spec
// workflow.md "Relay mode"). Staff file each application at the bureau's
// own system; the bureau texts the leaders from 12381 and they confirm on
// its site, so the relay texts nothing and hosts no SMS check. Staff then
// record what the bureau answered (Decide): approved with the numbers it
// issued, rejected with its reason, or returned because the SMS lapsed.
//
// Its registry is a mirror in Beian's database: what the operator seeded
// (BEIAN_BUREAU_SEED, no demo data) plus every approval staff recorded, so
// the pre-check and the number checks know what passed through here.
type Relay struct {
	*core
}

var (
	_ Bureau  = (*Relay)(nil)
	_ Console = (*Relay)(nil)
)

// NewRelay checks the options (Store and Sealer; no notifier: it sends nothing).
func NewRelay(o Options) (*Relay, error) {
	o.Mode = ModeRelay
	c, err := newCore(o)
	if err != nil {
		return nil, err
	}
	return &Relay{core: c}, nil
}

// Submit implements Bureau: the application joins the list staff work
// through at the bureau's system.
func (r *Relay) Submit(ctx context.Context, sub Submission) error {
	return r.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		rec, err := r.newSubmission(ctx, tx, sub, storage.SubmissionReview, r.o.Now())
		if err != nil || rec == nil {
			return err
		}
		return tx.CreateBureauSubmission(ctx, rec)
	})
}

// Handlers are the relay's job handlers (reporting outcomes).
func (r *Relay) Handlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{JobReport: r.runReport}
}

// Decide implements Console: it records the real bureau's outcome of the
// application's current submission. An approval writes the numbers into
// the mirror; the service checked them before (format, province, taken).
func (r *Relay) Decide(ctx context.Context, appID string, d Decision) error {
	if r.Outcomes == nil {
		return ErrNoOutcomes
	}
	var out Outcome
	err := r.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		sub, err := tx.LatestBureauSubmissionForUpdate(ctx, appID)
		if errors.Is(err, storage.ErrNotFound) {
			return ErrNotUnderReview
		}
		if err != nil {
			return err
		}
		if sub.State != storage.SubmissionReview {
			return ErrNotUnderReview
		}
		reason := strings.TrimSpace(d.Reason)
		switch d.Kind {
		case DecisionReject:
			if reason == "" {
				return errors.New("a rejection needs a reason")
			}
			out, err = r.settle(ctx, tx, sub, storage.SubmissionRejected, Outcome{Kind: OutcomeRejected, Reason: filing.Text{ZH: reason, EN: reason}})
			return err
		case DecisionSMSExpired:
			out, err = r.settle(ctx, tx, sub, storage.SubmissionReturned, Outcome{Kind: OutcomeSMSReturned, Reason: reasonRelaySMSLapsed})
			return err
		case DecisionApprove:
			var p submissionPayload
			if err := r.open(sub.Payload, &p); err != nil {
				return fmt.Errorf("bureau submission %s: %w", sub.ID, err)
			}
			if len(d.Numbers.Websites) < len(p.Submission.Document.Websites) && (p.Submission.Flow == filing.FlowFirstFiling || p.Submission.Flow == filing.FlowNewWebsite) {
				return fmt.Errorf("relay: %d website numbers for %d websites", len(d.Numbers.Websites), len(p.Submission.Document.Websites))
			}
			pl, _, err := r.resolve(ctx, tx, p.Submission, false)
			if err != nil {
				return err
			}
			n, err := r.apply(ctx, tx, p.Submission, pl, r.o.Now(), &d.Numbers)
			if err != nil {
				return err
			}
			out, err = r.settle(ctx, tx, sub, storage.SubmissionApproved, Outcome{Kind: OutcomeApproved, Numbers: n})
			return err
		}
		return fmt.Errorf("relay: unknown decision %q", d.Kind)
	})
	if err != nil {
		return err
	}
	r.deliver(ctx, []Outcome{out})
	return nil
}

var reasonRelaySMSLapsed = filing.Text{
	ZH: "负责人未在 24 小时内完成管局的短信核验，管局已退回申请；我们将重新提交，请留意 12381 发来的短信并及时核验",
	EN: "the leaders did not confirm the bureau's SMS within 24 hours and the bureau returned the application; we will submit it again: watch for the SMS from 12381 and confirm it in time",
}

// ListUnderReview implements Console: the submissions awaiting staff's record.
func (r *Relay) ListUnderReview(ctx context.Context) ([]UnderReview, error) {
	return r.listInState(ctx, storage.SubmissionReview, nil)
}
