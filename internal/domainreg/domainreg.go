// Package domainreg answers the domain-registry questions of a filing
// (workflow.md "Domain registry"): is the domain registered, is its
// holder's real-name verification done, who holds it, is the registrar
// licensed in mainland China, when does it expire, is WHOIS privacy on.
// It holds the domain.* rules of rules.md ("Rules that need stored data")
// and the shipped registry simulator, seeded from the same file as the
// bureau's national registry.
package domainreg

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"beian/internal/bureau"
	"beian/internal/filing"
	"beian/internal/workdays"
)

// Registration is what a registry knows about one domain.
type Registration struct {
	Domain            string
	Registered        bool
	Verified          bool // the holder's real-name verification (实名认证) is complete
	HolderName        string
	HolderCertNumber  string
	Registrar         string
	RegistrarMainland bool      // the registrar is licensed by the MIIT
	ExpiresOn         time.Time // a CST date; zero when unknown
	Privacy           bool      // WHOIS privacy protection is on
	// Assumed is true when the simulator did not know the domain and
	// answered with its documented default.
	Assumed bool
}

// Registry looks domains up.
type Registry interface {
	// Lookup answers for domain. applicant and asOf exist for the
	// simulator's default answer (an unknown domain is registered to the
	// applying subject, one year left from asOf); a real registry ignores them.
	Lookup(ctx context.Context, domain string, applicant filing.Subject, asOf time.Time) (*Registration, error)
}

// Simulator is the shipped registry: it answers from the seed file's
// "domains" (config.md, BEIAN_BUREAU_SEED, or the built-in demo seed).
//
// A domain it does not know is treated as registered to the applying
// subject (holder name and certificate number are the subject's), with
// real-name verification done, a mainland registrar, no privacy
// protection, and one year left before it expires, counted from as_of.
// So a filing for any ordinary domain passes the domain checks, and the
// seeded domains demonstrate each failure.
type Simulator struct {
	domains map[string]bureau.SeedDomain
}

var _ Registry = (*Simulator)(nil)

// NewSimulator builds the simulator from seeded domain records. Dates were
// checked by bureau.ParseSeed; a bad one here is reported.
func NewSimulator(domains []bureau.SeedDomain) (*Simulator, error) {
	s := &Simulator{domains: make(map[string]bureau.SeedDomain, len(domains))}
	for i, d := range domains {
		key := Normalize(d.Domain)
		if key == "" {
			return nil, fmt.Errorf("domains[%d]: empty domain", i)
		}
		if d.ExpiresOn != "" {
			if _, err := time.ParseInLocation(time.DateOnly, d.ExpiresOn, workdays.CST); err != nil {
				return nil, fmt.Errorf("domains[%d].expires_on %q: not YYYY-MM-DD", i, d.ExpiresOn)
			}
		}
		s.domains[key] = d
	}
	return s, nil
}

// Normalize is the form domains are compared in: trimmed, lower case,
// without a trailing dot, internationalized names in their ASCII (xn--) form.
func Normalize(d string) string {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		return a
	}
	return d
}

// Lookup implements Registry.
func (s *Simulator) Lookup(ctx context.Context, domain string, applicant filing.Subject, asOf time.Time) (*Registration, error) {
	key := Normalize(domain)
	d, ok := s.domains[key]
	if !ok {
		return &Registration{
			Domain: key, Registered: true, Verified: true,
			HolderName: applicant.Name, HolderCertNumber: applicant.CertNumber,
			Registrar: "模拟注册商（境内）", RegistrarMainland: true,
			ExpiresOn: dateOf(asOf).AddDate(1, 0, 0), Assumed: true,
		}, nil
	}
	if d.Registered != nil && !*d.Registered {
		return &Registration{Domain: key}, nil
	}
	r := &Registration{Domain: key, Registered: true, Verified: d.Verified, HolderName: d.HolderName,
		HolderCertNumber: d.HolderCertNumber, Registrar: d.Registrar, RegistrarMainland: d.RegistrarMainland, Privacy: d.Privacy}
	if d.ExpiresOn != "" {
		r.ExpiresOn, _ = time.ParseInLocation(time.DateOnly, d.ExpiresOn, workdays.CST)
	}
	return r, nil
}

func dateOf(t time.Time) time.Time {
	y, m, d := t.In(workdays.CST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, workdays.CST)
}
