package service

import (
	"context"

	"beian/internal/domainreg"
	"beian/internal/fault"
	"beian/internal/filing"
)

// The domain registry's facts (workflow.md "Domain registry"): the six
// domain.* rules of domainreg, asked through the registry interface at
// pre-check (refused), on every save and view (violations at the website's
// domain field, which the applicant and the reviewer see) and at
// submission (refused, as every error violation is).

// domainViolations are the domain.* violations of doc for a flow that
// files websites (domainreg.Applies); none for changes and cancellations,
// which keep a filed domain.
func (s *Service) domainViolations(ctx context.Context, flow string, doc filing.Document) ([]filing.Violation, error) {
	if !domainreg.Applies(flow) {
		return nil, nil
	}
	vs, err := domainreg.Check(ctx, s.domainReg, doc, s.now())
	if err != nil {
		return nil, registryDown(err)
	}
	return vs, nil
}

// precheckDomain refuses, before anything is created, a domain whose
// registration fails a rule that does not depend on who files it:
// unregistered, unverified, expiring, privacy on, foreign registrar. The
// holder is judged on the document, where the subject's name and leader
// are known (the pre-check has only the certificate number). The answer is
// 409 with the first rule's code and every violation on "domain".
func (s *Service) precheckDomain(ctx context.Context, domain, certType, certNumber string, known *filing.Subject) error {
	applicant := filing.Subject{CertType: certType, CertNumber: certNumber}
	if known != nil {
		applicant.Name, applicant.Leader = known.Name, known.Leader
	}
	r, err := s.domainReg.Lookup(ctx, domain, applicant, s.now())
	if err != nil {
		return registryDown(err)
	}
	var vs []filing.Violation
	for _, v := range domainreg.CheckRegistration(r, applicant, filing.DomainHolder{}, "domain", s.now()) {
		if v.Rule != domainreg.RuleHolderMismatch {
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return nil
	}
	e := fault.New(fault.Conflict, vs[0].Rule, vs[0].Message.ZH, vs[0].Message.EN)
	e.Violations = vs
	return e
}

func registryDown(err error) error {
	return fault.New(fault.Unavailable, fault.CodeUnavailable, "域名注册信息暂时无法查询，请稍后重试",
		"the domain registry cannot be reached; try again shortly").Retry(5).Wrap(err)
}
