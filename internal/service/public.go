package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"beian/internal/domainname"
	"beian/internal/filing"
	"beian/internal/httpx"
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
// is one indexed lookup.
func (s *Service) PublicLookup(ctx context.Context, q string) ([]PublicFiling, error) {
	q = strings.TrimSpace(q)
	if q == "" || utf8.RuneCountInString(q) > maxPublicQuery || !utf8.ValidString(q) {
		return nil, httpx.Invalid([]filing.Violation{{Rule: "public.query.invalid", Field: "q", Severity: filing.SeverityError,
			Message: filing.Text{ZH: "请输入域名（如 example.com）或备案号（如 京ICP备2026000001号-1）",
				EN: "enter a domain (such as example.com) or a filing number (such as 京ICP备2026000001号-1)"}}})
	}
	var rows []storage.PublicFiling
	var err error
	if strings.Contains(strings.ToUpper(q), "ICP") {
		rows, err = s.st.PublicFilingsByNumber(ctx, strings.ReplaceAll(q, "icp", "ICP"))
	} else {
		host := strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(q), "https://"), "http://")
		host, _, _ = strings.Cut(host, "/")
		n, perr := domainname.Parse(host)
		if perr != nil {
			// Not a name anyone could have filed: nothing found, not an error.
			return []PublicFiling{}, nil
		}
		d := n.RegistrableDomain() // www.example.com is filed as example.com
		if d == "" {
			d = n.Unicode
		}
		rows, err = s.st.PublicFilingsByDomain(ctx, d)
	}
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]PublicFiling, 0, len(rows))
	for _, r := range rows {
		out = append(out, PublicFiling{SubjectName: r.SubjectName, Nature: r.Nature, SubjectNumber: r.SubjectNumber,
			WebsiteName: r.WebsiteName, Domain: r.Domain, WebsiteNumber: r.WebsiteNumber, ApprovedOn: r.ApprovedOn})
	}
	return out, nil
}
