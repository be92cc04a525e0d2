package domainreg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/words"
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
		out = append(out, CheckRegistration(r, doc.Subject, w.DomainHolder, fmt.Sprintf("websites[%d].domain", i), asOf)...)
	}
	return out, nil
}

// CheckRegistration applies the domain.* rules to one registration. An
// unregistered domain gets only domain.not_registered (nothing else can be
// said about it). The holder must be the subject (its name or certificate
// number) or the subject's leader (name or certificate number), compared by
// certificate number when the registry gives one; a registry
// that names no holder at all is not held against the applicant.
//
// An organization may also have its domain held by its shareholder, main
// leader or a senior manager (seed 2.3 (5)): declared is the website's
// declaration of that holder, accepted when its name is the registry's
// holder name (HolderDeclared). It then needs its proof and a reviewer's
// confirmation (the service's attachment plan and review); a declaration
// naming someone else leaves domain.holder_mismatch, saying so. An
// individual's domain must be the individual's: a declaration counts for
// nothing (the pure rules refuse it).
func CheckRegistration(r *Registration, subject filing.Subject, declared filing.DomainHolder, field string, asOf time.Time) []filing.Violation {
	v := func(rule, key string, args ...any) filing.Violation {
		return filing.Violation{Rule: rule, Field: field, Severity: filing.SeverityError, Message: words.Text(key, args...)}
	}
	d := r.Domain
	if !r.Registered {
		return []filing.Violation{v(RuleNotRegistered, "rule.domain.not_registered", d)}
	}
	var out []filing.Violation
	if !r.Verified {
		out = append(out, v(RuleNotVerified, "rule.domain.not_verified", d))
	}
	if (r.HolderName != "" || r.HolderCertNumber != "") && !holderMatches(r, subject) {
		individual := subject.Nature == refdata.NatureIndividual
		switch {
		case individual:
			out = append(out, v(RuleHolderMismatch, "rule.domain.holder_mismatch", d, r.HolderName))
		case !declared.Declared():
			out = append(out, v(RuleHolderMismatch, "rule.domain.holder_mismatch.declare", d, r.HolderName))
		case !HolderDeclared(r, subject, declared):
			out = append(out, v(RuleHolderMismatch, "rule.domain.holder_mismatch.declared", d, r.HolderName, strings.TrimSpace(declared.Name)))
		}
	}
	if !r.ExpiresOn.IsZero() {
		limit := dateOf(asOf).AddDate(0, MinValidityMonths, 0)
		if dateOf(r.ExpiresOn).Before(limit) {
			out = append(out, v(RuleExpiring, "rule.domain.expiring", d, workdays.Date(r.ExpiresOn)))
		}
	}
	if r.Privacy {
		out = append(out, v(RulePrivacyProtected, "rule.domain.privacy_protected", d))
	}
	if !r.RegistrarMainland {
		out = append(out, v(RuleRegistrarNotApproved, "rule.domain.registrar_not_approved", d, r.Registrar))
	}
	return out
}

// HolderDeclared reports whether an organization's declaration accounts
// for the registry's holder: a relation is declared and the declared name
// is the holder's name in the registration (spaces around it aside).
func HolderDeclared(r *Registration, subject filing.Subject, declared filing.DomainHolder) bool {
	name := strings.TrimSpace(declared.Name)
	return subject.Nature != refdata.NatureIndividual && strings.TrimSpace(declared.Relation) != "" &&
		name != "" && name == strings.TrimSpace(r.HolderName)
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
