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
		vs = append(vs, verificationViolation("sms.mobile.required", "mobile", "请填写收到验证码的手机号", "enter the mobile that received the code"))
	}
	if !certLastRE.MatchString(in.CertLast6) {
		vs = append(vs, verificationViolation("sms.cert_last6.format", "cert_last6", "请填写负责人证件号码的后 6 位", "enter the last 6 characters of the leader's certificate number"))
	}
	if !smsCodeRE.MatchString(in.Code) {
		vs = append(vs, verificationViolation("sms.code.format", "code", "验证码为 6 位数字", "the code has 6 digits"))
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
		e := fault.New(fault.Invalid, "sms.code_wrong",
			"验证码错误次数过多或已超过 24 小时，申请已被管局退回，重新提交管局后会发送新的验证码",
			"too many wrong codes or more than 24 hours: the bureau returned the application; resubmitting sends new codes")
		e.Extra = map[string]any{"attempts_left": 0, "returned": true}
		return out, e
	case !res.Correct:
		e := fault.New(fault.Invalid, "sms.code_wrong",
			fmt.Sprintf("手机号、证件号码后 6 位或验证码不正确，还可尝试 %d 次", res.AttemptsLeft),
			fmt.Sprintf("the mobile, the last 6 certificate characters or the code is wrong; %d attempts left", res.AttemptsLeft))
		e.Extra = map[string]any{"attempts_left": res.AttemptsLeft}
		return out, e
	}
	return out, nil
}
