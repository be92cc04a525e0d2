package monitor

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"strings"

	"beian/internal/domainname"
)

// What the DNS says of a website's domain.
const (
	DNSInRange    = "in_range"     // every address inside the provider's ranges
	DNSOutOfRange = "out_of_range" // resolves, but not (only) to the provider
	DNSUnresolved = "unresolved"   // no such name, or no address
	DNSError      = "error"        // the resolver failed: nothing learnt about the website
)

// Whether the homepage answered.
const (
	HTTPAnswers  = "answers"   // an HTTP answer below 500
	HTTPNoAnswer = "no_answer" // no connection, a timeout, a TLS failure, a 5xx, a redirect loop
	HTTPOutside  = "outside"   // it redirected to an address outside the ranges
	HTTPSkipped  = "skipped"   // not fetched (the domain is not served from here)
)

// Problems a check may show; each is one email to the owner when it opens.
const (
	ProblemMoved          = "moved"           // no longer accessed here: propose cancelling the access
	ProblemUnreachable    = "unreachable"     // does not resolve or does not answer: 空壳 candidate
	ProblemNumberMissing  = "number_missing"  // the homepage does not show its number
	ProblemNumberUnlinked = "number_unlinked" // shows it without the link to beian.miit.gov.cn
)

// Problems are every kind, in the order the report shows them.
var Problems = []string{ProblemMoved, ProblemUnreachable, ProblemNumberMissing, ProblemNumberUnlinked}

// Target is one website to check.
type Target struct {
	Domain   string
	Homepage string   // as filed: "www.example.cn" or a URL
	Numbers  []string // numbers the homepage may show (its own; a Guangdong site's subject's)
}

// Result is one check of one website.
type Result struct {
	DNS       string
	Addresses []string
	HTTP      string
	Status    int
	Number    string
	Detail    string // why, in the monitor's words (an error text, the address outside)
}

// Prober checks websites.
type Prober struct {
	Resolver *Resolver
	Fetcher  *Fetcher
	Inside   func(netip.Addr) bool
}

// Check resolves the homepage's host and, when it is served from here,
// reads the homepage and looks for the number.
func (p *Prober) Check(ctx context.Context, t Target) Result {
	r := Result{HTTP: HTTPSkipped, Number: NumberUnknown}
	host, url := homepage(t)
	addrs, err := p.Resolver.Lookup(ctx, host)
	switch {
	case errors.Is(err, ErrNoSuchHost):
		r.DNS, r.Detail = DNSUnresolved, host+": no address"
		return r
	case err != nil:
		r.DNS, r.Detail = DNSError, err.Error()
		return r
	}
	r.DNS = DNSInRange
	for _, a := range addrs {
		r.Addresses = append(r.Addresses, a.String())
		if !p.Inside(a) {
			r.DNS = DNSOutOfRange
		}
	}
	slices.Sort(r.Addresses)
	r.Addresses = slices.Compact(r.Addresses)
	if r.DNS == DNSOutOfRange {
		return r // another provider's (or nobody's) now: its homepage is not ours to judge
	}
	page, err := p.Fetcher.Fetch(ctx, url)
	switch {
	case errors.Is(err, ErrOutside):
		r.HTTP, r.Detail = HTTPOutside, trimErr(err)
		return r
	case err != nil:
		r.HTTP, r.Detail = HTTPNoAnswer, trimErr(err)
		return r
	}
	r.Status = page.Status
	if page.Status >= 500 {
		r.HTTP = HTTPNoAnswer
		return r
	}
	r.HTTP = HTTPAnswers
	r.Number = FindNumber(page.Text, t.Numbers)
	if r.Number != NumberLinked && page.Truncated {
		// The footer may lie beyond what was read: no verdict.
		r.Number, r.Detail = NumberUnknown, "homepage longer than the monitor reads"
	}
	return r
}

// Verdict says, for one problem kind, whether this check shows it (seen)
// and whether it says anything about it at all (known). A resolver failure
// knows nothing; a site that does not answer says nothing of its number.
func (r Result) Verdict(kind string) (seen, known bool) {
	if r.DNS == DNSError {
		return false, false
	}
	switch kind {
	case ProblemMoved:
		return r.DNS == DNSOutOfRange || r.HTTP == HTTPOutside, r.DNS != DNSUnresolved
	case ProblemUnreachable:
		switch {
		case r.DNS == DNSUnresolved:
			return true, true
		case r.DNS == DNSOutOfRange || r.HTTP == HTTPOutside:
			return false, false
		}
		return r.HTTP == HTTPNoAnswer, true
	case ProblemNumberMissing:
		return r.Number == NumberMissing, r.Number != NumberUnknown
	case ProblemNumberUnlinked:
		return r.Number == NumberUnlinked, r.Number != NumberUnknown
	}
	return false, false
}

// Findings are the problems this check shows.
func (r Result) Findings() []string {
	var out []string
	for _, k := range Problems {
		if seen, _ := r.Verdict(k); seen {
			out = append(out, k)
		}
	}
	return out
}

// Summary is the check in one word, for the metric and the report: the
// first problem it shows, "ok", or "check_failed" when the resolver failed.
func (r Result) Summary() string {
	if r.DNS == DNSError {
		return "check_failed"
	}
	if f := r.Findings(); len(f) > 0 {
		return f[0]
	}
	return "ok"
}

// homepage is the host (in ASCII, for the DNS) and the URL of a website's
// homepage as filed ("www.example.cn", "https://www.例子.cn/"); the
// domain's when the filed homepage does not parse.
func homepage(t Target) (host, url string) {
	scheme := "http://"
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(t.Homepage)), "https://") {
		scheme = "https://"
	}
	n, err := domainname.ParseHomepage(t.Homepage)
	if err != nil {
		if n, err = domainname.Parse(t.Domain); err != nil {
			return t.Domain, scheme + t.Domain + "/"
		}
	}
	return n.ASCII, scheme + n.ASCII + "/"
}

// trimErr keeps an error's text short enough for the report.
func trimErr(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "")
	}
	return s
}
