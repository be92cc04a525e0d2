package service

// The applicant's side of the bureau's SMS check: a leader's mobile, the
// last 6 characters of that leader's certificate number and the code.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"beian/internal/bureau"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
	"beian/internal/workflow"
)

// SMSInput is one confirmation attempt.
type SMSInput struct {
	Mobile, CertLast6, Code string
}

var (
	smsCodeRE  = regexp.MustCompile(`^[0-9]{6}$`)
	certLastRE = regexp.MustCompile(`^[0-9A-Za-z]{6}$`)
)

// ConfirmSMS checks one code of an application in bureau_sms and returns
// the codes' states. A wrong code answers 422 sms.code_wrong with
// attempts_left; the fifth wrong one (or one after 24 hours) returns the
// application to ready_for_bureau, and the answer says so (sms.returned).
func (s *Service) ConfirmSMS(ctx context.Context, a *Account, id string, in SMSInput) ([]SMSStatus, error) {
	sa, err := s.load(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if sa.OwnerID != a.ID {
		return nil, notFound()
	}
	if s.sms == nil {
		// The leaders confirm the real bureau's codes at its own site.
		return nil, invalidTransition(fmt.Errorf("%w: the bureau's SMS is confirmed at its own site", workflow.ErrInvalidTransition))
	}
	in.Mobile, in.CertLast6, in.Code = strings.TrimSpace(in.Mobile), strings.ToUpper(strings.TrimSpace(in.CertLast6)), strings.TrimSpace(in.Code)
	var vs []filing.Violation
	if in.Mobile == "" {
		vs = append(vs, fault.Violated("sms.mobile.required", "mobile"))
	}
	if !certLastRE.MatchString(in.CertLast6) {
		vs = append(vs, fault.Violated("sms.cert_last6.format", "cert_last6"))
	}
	if !smsCodeRE.MatchString(in.Code) {
		vs = append(vs, fault.Violated("sms.code.format", "code"))
	}
	if len(vs) > 0 {
		return nil, fault.NewInvalid(vs)
	}
	if sa.State != string(workflow.BureauSMS) {
		return nil, invalidTransition(fmt.Errorf("%w: no SMS check in state %s", workflow.ErrInvalidTransition, sa.State))
	}
	res, err := s.sms.ConfirmSMS(ctx, sa.ID, bureau.SMSInput{Mobile: in.Mobile, CertLast6: in.CertLast6, Code: in.Code})
	if errors.Is(err, bureau.ErrNoPendingSMS) {
		return nil, invalidTransition(fmt.Errorf("%w: %w", workflow.ErrInvalidTransition, err))
	}
	if err != nil {
		return nil, storeErr(err)
	}
	if err := s.st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.Audit(ctx, &storage.AuditEntry{At: s.now(), ActorID: a.ID, ActorRole: a.Role, Action: "application.sms_confirm",
			ObjectType: "application", ObjectID: sa.ID, Detail: fmt.Sprintf("correct=%v returned=%v", res.Correct, res.Returned)})
	}); err != nil {
		return nil, storeErr(err)
	}
	s.poke()
	out := make([]SMSStatus, 0, len(res.SMS))
	for _, c := range res.SMS {
		out = append(out, SMSStatus{Role: c.Role, Mobile: c.Mobile, Status: c.Status, AttemptsLeft: c.AttemptsLeft})
	}
	switch {
	case res.Returned:
		e := fault.Words(fault.Invalid, "sms.code_wrong", "error.sms.code_wrong")
		e.Extra = map[string]any{"attempts_left": 0, "returned": true}
		return out, e
	case !res.Correct:
		e := fault.Words(fault.Invalid, "sms.code_wrong", "error.sms.code_wrong.mobile_last_6", res.AttemptsLeft)
		e.Extra = map[string]any{"attempts_left": res.AttemptsLeft}
		return out, e
	}
	return out, nil
}
