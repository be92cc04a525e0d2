package domainreg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/workdays"
)

// Rule codes (rules.md "Rules that need stored data").
const (
	RuleNotRegistered        = "domain.not_registered"
	RuleNotVerified          = "domain.not_verified"
	RuleHolderMismatch       = "domain.holder_mismatch"
	RuleExpiring             = "domain.expiring"
	RulePrivacyProtected     = "domain.privacy_protected"
	RuleRegistrarNotApproved = "domain.registrar_not_approved"
)

// MinValidityMonths is how long a registration must still run after as_of.
const MinValidityMonths = 3

// Applies reports whether the domain checks run for flow: for the flows
// that file websites (first_filing, new_website, new_access). Changes keep
// the filed domain and cancellations remove it.
func Applies(flow string) bool {
	return flow == filing.FlowFirstFiling || flow == filing.FlowNewWebsite || flow == filing.FlowNewAccess
}

// Check looks up every website's domain in reg and returns the domain.*
// violations of the whole document, each on websites[i].domain. Empty
// domains are left to the pure rules (website.domain.required).
func Check(ctx context.Context, reg Registry, doc filing.Document, asOf time.Time) ([]filing.Violation, error) {
	var out []filing.Violation
	for i, w := range doc.Websites {
		if strings.TrimSpace(w.Domain) == "" {
			continue
		}
		r, err := reg.Lookup(ctx, w.Domain, doc.Subject, asOf)
		if err != nil {
			return nil, fmt.Errorf("domain registry %s: %w", w.Domain, err)
		}
		out = append(out, CheckRegistration(r, doc.Subject, fmt.Sprintf("websites[%d].domain", i), asOf)...)
	}
	return out, nil
}

// CheckRegistration applies the domain.* rules to one registration. An
// unregistered domain gets only domain.not_registered (nothing else can be
// said about it). The holder must be the subject (its name or certificate
// number) or the subject's leader (name or certificate number), compared by
// certificate number when the registry gives one; a registry
// that names no holder at all is not held against the applicant.
func CheckRegistration(r *Registration, subject filing.Subject, field string, asOf time.Time) []filing.Violation {
	v := func(rule string, zh, en string) filing.Violation {
		return filing.Violation{Rule: rule, Field: field, Severity: filing.SeverityError, Message: filing.Text{ZH: zh, EN: en}}
	}
	d := r.Domain
	if !r.Registered {
		return []filing.Violation{v(RuleNotRegistered,
			fmt.Sprintf("域名 %s 在注册商验证库中不存在，请确认域名已注册", d),
			fmt.Sprintf("the domain %s is not in the registrars' records; make sure it is registered", d))}
	}
	var out []filing.Violation
	if !r.Verified {
		out = append(out, v(RuleNotVerified,
			fmt.Sprintf("域名 %s 未完成实名认证；请在注册商处完成实名认证，同步到工信部约需 3–5 个工作日后再提交", d),
			fmt.Sprintf("the real-name verification of %s is not complete; finish it at the registrar and allow 3–5 working days for it to reach the MIIT before submitting", d)))
	}
	if (r.HolderName != "" || r.HolderCertNumber != "") && !holderMatches(r, subject) {
		out = append(out, v(RuleHolderMismatch,
			fmt.Sprintf("域名 %s 的持有者（%s）与主办单位或主办单位负责人不一致；请将域名过户到主办单位名下", d, r.HolderName),
			fmt.Sprintf("the holder of %s (%s) is neither the subject nor the subject's leader; transfer the domain to the subject", d, r.HolderName)))
	}
	if !r.ExpiresOn.IsZero() {
		limit := dateOf(asOf).AddDate(0, MinValidityMonths, 0)
		if dateOf(r.ExpiresOn).Before(limit) {
			exp := workdays.Date(r.ExpiresOn)
			out = append(out, v(RuleExpiring,
				fmt.Sprintf("域名 %s 将于 %s 到期，剩余有效期不足 3 个月；请先续费", d, exp),
				fmt.Sprintf("the registration of %s ends on %s, less than 3 months away; renew it first", d, exp)))
		}
	}
	if r.Privacy {
		out = append(out, v(RulePrivacyProtected,
			fmt.Sprintf("域名 %s 开启了隐私保护（WHOIS 隐私），备案审核期间必须关闭", d),
			fmt.Sprintf("WHOIS privacy protection is on for %s; it must stay off during the review", d)))
	}
	if !r.RegistrarMainland {
		out = append(out, v(RuleRegistrarNotApproved,
			fmt.Sprintf("域名 %s 的注册商（%s）不是工信部批准的境内注册商；请将域名转入境内注册商", d, r.Registrar),
			fmt.Sprintf("the registrar of %s (%s) is not licensed in mainland China; transfer the domain to a mainland registrar", d, r.Registrar)))
	}
	return out
}

// holderMatches compares by certificate number when the registry gives
// one (names are not unique), by name otherwise.
func holderMatches(r *Registration, s filing.Subject) bool {
	norm := func(x string) string { return strings.ToUpper(strings.TrimSpace(x)) }
	if c := norm(r.HolderCertNumber); c != "" {
		return c == norm(s.CertNumber) || c == norm(s.Leader.CertNumber)
	}
	n := strings.TrimSpace(r.HolderName)
	return n != "" && (n == strings.TrimSpace(s.Name) || n == strings.TrimSpace(s.Leader.Name))
}
