package rules

import (
	"strings"
	"time"

	"beian/internal/filing"
	"beian/internal/ident"
)

// CheckPrecheck judges the pre-check's three inputs with the pure rules
// before anything is looked up or locked (workflow.md "Choosing the flow"):
// the certificate type, the number's format and check character (a
// lower-case x included) and the domain's syntax, registrability and TLD.
// The fields are the pre-check's own: cert_type, cert_number, domain. What
// needs more than these inputs (the credit code's province, the nature) is
// judged later, on the document.
func (v *Validator) CheckPrecheck(domain, certType, certNumber string, today time.Time) []filing.Violation {
	asOf, _ := ParseAsOf("", today)
	r := &report{}
	c := &check{v: v, asOf: asOf, r: r}
	certType, certNumber = strings.TrimSpace(certType), strings.TrimSpace(certNumber)
	ct, ok := v.data.CertType(certType)
	switch {
	case !ok || len(ct.Natures) == 0: // a person's certificate type files no subject
		r.add(ruleSubjectCertTypeNotAllowed, "cert_type")
	default:
		c.certResult(ident.Check(ct.NumberFormat, ct.Key, certNumber, asOf), ct.NumberFormat, path{"cert_number", ""},
			ruleSubjectCertFormat, ruleSubjectCertChecksum, ruleSubjectCertLowercaseX)
	}
	w := filing.Website{Domain: strings.TrimSpace(domain)}
	c.domain(&w, 0, &sitePaths{domain: "domain"}, map[string]int{})
	var out []filing.Violation
	for _, x := range r.vs {
		if x.Severity == filing.SeverityError {
			out = append(out, x)
		}
	}
	return out
}
