package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"beian/internal/domainname"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/storage"
)

// PublicFiling is one answer of the public lookup (workflow.md "Filing
// records"): the subject's name and nature, the numbers, the website's name
// and domain and the approval date. Nothing personal.
type PublicFiling struct {
	SubjectName, Nature, SubjectNumber, WebsiteName, Domain, WebsiteNumber, ApprovedOn string
}

// maxPublicQuery bounds the lookup's input (a number is ~20 characters,
// a domain at most 253).
const maxPublicQuery = 256

// PublicLookup answers a domain, a website number (<subject>-<n>) or a
// subject number (its websites) from Beian's filing records. Cancelled
// websites and subjects are not shown; no account is needed. Every query
// is one indexed lookup; answers are cached for seconds (publiccache.go).
func (s *Service) PublicLookup(ctx context.Context, q string) ([]PublicFiling, error) {
	q = strings.TrimSpace(q)
	if q == "" || utf8.RuneCountInString(q) > maxPublicQuery || !utf8.ValidString(q) {
		return nil, fault.NewInvalid([]filing.Violation{fault.Violated("public.query.invalid", "q")})
	}
	key := ""
	domain := ""
	if strings.Contains(strings.ToUpper(q), "ICP") {
		key = "n:" + strings.ReplaceAll(q, "icp", "ICP")
	} else {
		host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(q), "https://"), "http://")
		host, _, _ = strings.Cut(host, "/")
		n, perr := domainname.Parse(host)
		if perr != nil {
			// Not a name anyone could have filed: nothing found, not an error.
			return []PublicFiling{}, nil
		}
		domain = n.RegistrableDomain() // www.example.com is filed as example.com
		if domain == "" {
			domain = n.Unicode
		}
		key = "d:" + domain
	}
	gen := s.st.PublicGeneration() // read before the data, so a change meanwhile invalidates the entry
	if out, ok := s.public.get(key, gen); ok {
		return out, nil
	}
	out, cache, err := s.publicLookup(ctx, key[2:], domain)
	if err != nil {
		return nil, err
	}
	if cache {
		s.public.put(key, out, gen)
	}
	return out, nil
}

// publicLookup reads the answer for a number, or for domain when it is
// set. cache is false for an answer of the national registry (an external
// system whose changes this instance does not see) and for one the domain
// filter gave, which costs less than a cache entry (a crawler's stream of
// new names would only push the searched-for answers out).
func (s *Service) publicLookup(ctx context.Context, number, domain string) (_ []PublicFiling, cache bool, err error) {
	var rows []storage.PublicFiling
	if domain != "" && !s.st.DomainMayBeKnown(domain) {
		// No table here holds the name (a crawler's guess): no record, and
		// when the registry shares the store, no registry entry either.
		if s.registry == nil || (s.registryKeys != nil && !s.st.DomainMayBeKnown(s.registryKeys("", "", domain).Domain)) {
			return []PublicFiling{}, false, nil
		}
		out, err := s.registryLookup(ctx, domain)
		return out, false, err
	}
	if domain == "" {
		rows, err = s.st.PublicFilingsByNumber(ctx, number)
	} else {
		rows, err = s.st.PublicFilingsByDomain(ctx, domain)
	}
	if err != nil {
		return nil, false, storeErr(err)
	}
	if len(rows) == 0 && domain != "" && s.registry != nil {
		// Not filed here: the national registry may know it (filed through another provider).
		out, err := s.registryLookup(ctx, domain)
		return out, false, err
	}
	out := make([]PublicFiling, 0, len(rows))
	for _, r := range rows {
		out = append(out, PublicFiling{SubjectName: r.SubjectName, Nature: r.Nature, SubjectNumber: r.SubjectNumber,
			WebsiteName: r.WebsiteName, Domain: r.Domain, WebsiteNumber: r.WebsiteNumber, ApprovedOn: r.ApprovedOn})
	}
	return out, true, nil
}

// registryLookup answers a domain from the national registry: its public
// fields only (the registry keeps no approval date for other providers'
// filings, so approved_on stays empty).
func (s *Service) registryLookup(ctx context.Context, domain string) ([]PublicFiling, error) {
	rw, err := s.registry.LookupDomain(ctx, domain)
	if err != nil {
		return nil, storeErr(err)
	}
	if rw == nil {
		return []PublicFiling{}, nil
	}
	rs, err := s.registry.LookupSubject(ctx, rw.SubjectCertType, rw.SubjectCertNumber)
	if err != nil {
		return nil, storeErr(err)
	}
	if rs == nil || rs.Number != rw.SubjectNumber {
		return []PublicFiling{}, nil
	}
	return []PublicFiling{{SubjectName: rs.Subject.Name, Nature: rs.Subject.Nature, SubjectNumber: rs.Number,
		WebsiteName: rw.Website.Name, Domain: domain, WebsiteNumber: rw.Number}}, nil
}
