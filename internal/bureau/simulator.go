package bureau

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/pii"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// Job kinds the simulator runs.
const (
	JobDecide    = "bureau.decide"
	JobSMSExpire = "bureau.sms_expire"
)

// Simulator is the bureau of workflow.md "The bureau", run inside Beian on
// its database: a national registry (seeded, plus everything it approved),
// SMS codes texted from 12381, automatic or manual decisions, and numbers
// in the real format. Its state lives in its own tables and its own
// transactions; it reaches Beian only through Outcomes.
type Simulator struct {
	*core
}

var (
	_ Bureau   = (*Simulator)(nil)
	_ SMSCheck = (*Simulator)(nil)
	_ Console  = (*Simulator)(nil)
)

// NewSimulator checks the options.
func NewSimulator(o Options) (*Simulator, error) {
	if o.Calendar == nil || o.Notifier == nil {
		return nil, errors.New("bureau: Calendar and Notifier are required")
	}
	if o.Mode == "" {
		o.Mode = ModeAuto
	}
	if o.Mode != ModeAuto && o.Mode != ModeManual {
		return nil, fmt.Errorf("bureau: the simulator's mode must be %q or %q, not %q", ModeAuto, ModeManual, o.Mode)
	}
	c, err := newCore(o)
	if err != nil {
		return nil, err
	}
	return &Simulator{core: c}, nil
}

// --- submission and SMS ---

// Submit implements Bureau: it records the submission, and either texts a
// 6-digit code to each required leader (jobs "notify.sms", kept in the
// outbox, plus "bureau.sms_expire" at the 24-hour deadline) or, for flows
// without SMS, starts the review at once.
func (s *Simulator) Submit(ctx context.Context, sub Submission) error {
	if !slices.Contains(filing.Flows, sub.Flow) {
		return fmt.Errorf("bureau submit: %w: %q", workflow.ErrUnknownFlow, sub.Flow)
	}
	return s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		now := s.o.Now()
		recipients := workflow.SMSRecipients(sub.Flow, sub.Document)
		state := storage.SubmissionSMS
		if len(recipients) == 0 {
			state = storage.SubmissionReview
		}
		rec, err := s.newSubmission(ctx, tx, sub, state, now)
		if err != nil || rec == nil {
			return err // nil, nil: submitted before
		}
		if state == storage.SubmissionReview {
			if err := tx.CreateBureauSubmission(ctx, rec); err != nil {
				return err
			}
			return s.scheduleDecision(ctx, tx, rec)
		}
		rec.SMSDeadline = now.Add(SMSValidHours * time.Hour)
		if err := tx.CreateBureauSubmission(ctx, rec); err != nil {
			return err
		}
		for i, r := range recipients {
			code, err := newCode()
			if err != nil {
				return err
			}
			var certs []string
			for _, c := range r.CertNumbers {
				certs = append(certs, s.last6Hash(rec.ID, last6(c)))
			}
			m := normMobile(r.Mobile)
			if err := tx.InsertBureauSMS(ctx, &storage.BureauSMS{SubmissionID: rec.ID, Idx: i, Role: string(r.Role), Website: r.Website,
				MobileSealed: s.o.Sealer.Seal(m), MobileHash: s.mobileHash(m), MobileMasked: pii.MaskMobile(m),
				CertHashes: certs, CodeHash: s.codeHash(rec.ID, i, code), Status: SMSPending}); err != nil {
				return err
			}
			// The code is texted from 12381; being simulated, it stays in the
			// outbox even when Beian sends its own SMS through a real gateway.
			if err := s.o.Notifier.Enqueue(ctx, tx, notify.SMS, fmt.Sprintf("bureau-sms:%s:%d", rec.ID, i), notify.Payload{
				To: m, Template: notify.TplSMSCode, Lang: "zh", Data: &notify.Data{Code: code, ValidHours: SMSValidHours}, Simulated: true,
			}); err != nil {
				return err
			}
		}
		return tx.Enqueue(ctx, JobSMSExpire, jobPayload{SubmissionID: rec.ID}, "bureau-sms-expire:"+rec.ID, rec.SMSDeadline)
	})
}

type jobPayload struct {
	SubmissionID string `json:"submission_id"`
}

// newCode draws a 6-digit code from crypto/rand.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("sms code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// ConfirmSMS implements SMSCheck. Every leader's code has its own 5 tries:
// a wrong attempt is charged to the code of the mobile it names, or, when
// it names no leader's mobile, to every pending code (the bureau cannot
// tell whose it was). The fifth wrong try of any code returns the application.
func (s *Simulator) ConfirmSMS(ctx context.Context, appID string, in SMSInput) (*SMSResult, error) {
	if s.Outcomes == nil {
		return nil, ErrNoOutcomes
	}
	res := &SMSResult{}
	var outs []Outcome
	err := s.o.Store.Tx(ctx, func(tx *storage.Tx) error {
		*res, outs = SMSResult{}, nil
		sub, err := tx.LatestBureauSubmissionForUpdate(ctx, appID)
		if errors.Is(err, storage.ErrNotFound) {
			return ErrNoPendingSMS
		}
		if err != nil {
			return err
		}
		if sub.State != storage.SubmissionSMS {
			return ErrNoPendingSMS
		}
		now := s.o.Now()
		rows, err := tx.BureauSMSList(ctx, sub.ID)
		if err != nil {
			return err
		}
		ret := func(reason filing.Text) error {
			o, err := s.returnSubmission(ctx, tx, sub, Outcome{Kind: OutcomeSMSReturned, Reason: reason})
			if err != nil {
				return err
			}
			outs = append(outs, o)
			res.Returned = true
			return nil
		}
		if !now.Before(sub.SMSDeadline) {
			// The deadline passed before the expiry job ran: return now.
			return ret(reasonTimeout)
		}
		mh := s.mobileHash(in.Mobile)
		l6 := s.last6Hash(sub.ID, in.CertLast6)
		var named []*storage.BureauSMS // the codes of the mobile typed
		for _, r := range rows {
			if r.MobileHash != mh {
				continue
			}
			named = append(named, r)
			if slices.Contains(r.CertHashes, l6) && r.CodeHash == s.codeHash(sub.ID, r.Idx, in.Code) {
				res.Correct = true
				if r.Status == SMSPending {
					if err := tx.SetBureauSMSStatus(ctx, sub.ID, r.Idx, SMSConfirmed, now); err != nil {
						return err
					}
					r.Status = SMSConfirmed
				}
				res.AttemptsLeft = SMSMaxWrongAttempts - r.WrongAttempts
				break
			}
		}
		if !res.Correct {
			charged := named
			if len(charged) == 0 {
				charged = rows
			}
			left := SMSMaxWrongAttempts
			for _, r := range charged {
				if r.Status != SMSPending {
					continue
				}
				r.WrongAttempts++
				if err := tx.SetBureauSMSWrongAttempts(ctx, sub.ID, r.Idx, r.WrongAttempts); err != nil {
					return err
				}
				left = min(left, SMSMaxWrongAttempts-r.WrongAttempts)
			}
			res.AttemptsLeft = max(0, left)
			if left <= 0 {
				return ret(reasonTooManyAttempts)
			}
			return nil
		}
		for _, r := range rows {
			if r.Status == SMSPending {
				return nil
			}
		}
		sub.ReviewStartedAt = now
		o, err := s.settle(ctx, tx, sub, storage.SubmissionReview, Outcome{Kind: OutcomeSMSConfirmed})
		if err != nil {
			return err
		}
		outs = append(outs, o)
		res.AllConfirmed = true
		return s.scheduleDecision(ctx, tx, sub)
	})
	if err != nil {
		return nil, err
	}
	s.deliver(ctx, outs)
	if res.SMS, err = s.SMSStatus(ctx, appID); err != nil {
		return nil, err
	}
	if res.Returned {
		res.AttemptsLeft = 0
	}
	return res, nil
}

func smsStates(sub *storage.BureauSubmission, rows []*storage.BureauSMS) []SMSState {
	out := make([]SMSState, 0, len(rows))
	for _, r := range rows {
		left := max(0, SMSMaxWrongAttempts-r.WrongAttempts)
		if sub.State == storage.SubmissionReturned {
			left = 0
		}
		out = append(out, SMSState{Role: r.Role, Website: r.Website, Mobile: r.MobileMasked, Status: r.Status, AttemptsLeft: left, Deadline: sub.SMSDeadline})
	}
	return out
}

// SMSStatus implements SMSCheck.
func (s *Simulator) SMSStatus(ctx context.Context, appID string) ([]SMSState, error) {
	sub, err := s.o.Store.LatestBureauSubmission(ctx, appID)
	if errors.Is(err, storage.ErrNotFound) {
		return []SMSState{}, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.o.Store.BureauSMSList(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	return smsStates(sub, rows), nil
}

var (
	reasonTimeout = filing.Text{
		ZH: "短信核验超过 24 小时未完成，申请已退回",
		EN: "the SMS verification was not completed within 24 hours; the application was returned",
	}
	reasonTooManyAttempts = filing.Text{
		ZH: "短信核验错误次数达到 5 次，申请已退回",
		EN: "5 wrong SMS verification attempts; the application was returned",
	}
)

// returnSubmission ends the SMS step unsuccessfully (in tx, with the report).
func (s *Simulator) returnSubmission(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission, o Outcome) (Outcome, error) {
	if err := tx.SetBureauSMSStatus(ctx, sub.ID, -1, SMSExpired, time.Time{}); err != nil {
		return o, err
	}
	return s.settle(ctx, tx, sub, storage.SubmissionReturned, o)
}

// scheduleDecision queues the automatic decision (auto mode) for when the
// province's review time, scaled, has passed. The scale applies to the
// real duration of those working days, so a demo at scale 0.001 moves
// along at night too.
func (s *Simulator) scheduleDecision(ctx context.Context, tx *storage.Tx, sub *storage.BureauSubmission) error {
	if s.o.Mode != ModeAuto {
		return nil
	}
	return tx.Enqueue(ctx, JobDecide, jobPayload{SubmissionID: sub.ID}, "bureau-decide:"+sub.ID, s.DecisionTime(sub.Province, s.o.Now()))
}

// DecisionTime is when an automatic decision on a review started at start
// in province is due (for showing in the admin console and tests).
func (s *Simulator) DecisionTime(province string, start time.Time) time.Time {
	days := workflow.DefaultBureauReviewDays
	if p, ok := s.o.Refdata.Province(province); ok && p.BureauReviewDays > 0 {
		days = p.BureauReviewDays
	}
	full := s.o.Calendar.AddWorkingDays(start, float64(days)).Sub(start)
	return start.Add(time.Duration(float64(full) * s.o.TimeScale))
}
