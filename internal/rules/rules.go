// Package rules is the catalogue of pure filing rules (spec/rules.md): every
// check that can be made on a filing document alone, each a small function
// with its stable code, field path, severity and a bilingual message telling
// the user how to fix it. All violations are reported at once.
//
// The package is pure: no HTTP, no SQL, no clock but the time passed in.
package rules

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"beian/internal/config"
	"beian/internal/domainname"
	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/words"
)

// Rule is one entry of the catalogue.
type Rule struct {
	Code     string
	Severity string
	// Message is the text shown with a violation; it may carry %s verbs the
	// rule fills with details.
	Message filing.Text
}

var catalog []Rule

// def registers a rule; the package-level rule variables are the catalogue.
func def(code, severity string) Rule {
	// The message is the catalogue's (package words: rules.<lang>.json).
	r := Rule{Code: code, Severity: severity, Message: filing.Text{ZH: words.T("zh", "rule."+code), EN: words.T("en", "rule."+code)}}
	catalog = append(catalog, r)
	return r
}

const (
	sevError   = filing.SeverityError
	sevWarning = filing.SeverityWarning
)

// Catalog lists every rule the validator checks, in the order of rules.md.
// Messages are templates: "%s" stands for details filled in at report time.
func Catalog() []Rule {
	out := make([]Rule, len(catalog))
	copy(out, catalog)
	return out
}

// maxListItems bounds how many elements of one list (websites, IPs,
// content types …) are judged one by one, so a hostile 1 MiB document
// cannot produce millions of violations.
const maxListItems = 100

// cst is China Standard Time, the zone of as_of and of "today".
var cst = time.FixedZone("CST", 8*3600)

// Validator checks filing documents against the rules and one provider's
// settings. It is safe for concurrent use.
type Validator struct {
	data            *refdata.Data
	ipRanges        []ipRange
	methods         map[string]bool
	locations       map[string]bool
	tlds            map[string]bool
	maxWebsites     int
	bannedByProv    map[string][]string // individual banned words: national + province
	bannedNational  []string
	preApprovalKeys []preApprovalKeywords
	sites           []sitePaths // the field paths of websites[0] to [maxListItems-1]
}

type ipRange struct{ from, to netip.Addr }

func (r ipRange) contains(a netip.Addr) bool {
	return a.BitLen() == r.from.BitLen() && a.Compare(r.from) >= 0 && a.Compare(r.to) <= 0
}

type preApprovalKeywords struct {
	key      string
	zh       string
	keywords []string // upper case for ASCII keywords
}

// New prepares a validator for the provider's settings: IP ranges (CIDR,
// single address or "start-end"), access methods, server locations, the
// TLD allow-list (p.ApprovedTLDs overrides the embedded list when not empty)
// and the websites limit.
func New(p config.Provider) (*Validator, error) {
	d := refdata.Default()
	v := &Validator{data: d, methods: map[string]bool{}, locations: map[string]bool{}, tlds: map[string]bool{},
		maxWebsites: p.MaxWebsitesPerApplication, bannedByProv: map[string][]string{}, sites: newSitePaths()}
	if v.maxWebsites <= 0 {
		v.maxWebsites = config.DefaultProvider().MaxWebsitesPerApplication
	}
	for _, s := range p.IPRanges {
		r, err := parseIPRange(s)
		if err != nil {
			return nil, fmt.Errorf("rules: provider ip_ranges: %w", err)
		}
		v.ipRanges = append(v.ipRanges, r)
	}
	for _, m := range p.AccessMethods {
		if _, ok := d.AccessMethod(m); !ok {
			return nil, fmt.Errorf("rules: provider access_methods: unknown method %q", m)
		}
		v.methods[m] = true
	}
	for _, l := range p.ServerLocations {
		if _, ok := d.Province(l); !ok {
			return nil, fmt.Errorf("rules: provider server_locations: %q is not a province code", l)
		}
		v.locations[l] = true
	}
	if len(p.ApprovedTLDs) > 0 {
		for _, t := range p.ApprovedTLDs {
			t = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(t)), ".")
			if t == "" {
				continue
			}
			// Operators may write IDN TLDs in punycode; compare in Unicode.
			if n, err := domainname.Normalize(t); err == nil {
				t = n
			}
			v.tlds[t] = true
		}
	} else {
		for _, t := range d.ApprovedTLDs() {
			v.tlds[t] = true
		}
	}
	words := d.SiteNameWords()
	v.bannedNational = words.IndividualBanned
	for _, prov := range d.Provinces() {
		v.bannedByProv[prov.Code] = append(append([]string(nil), words.IndividualBanned...), words.IndividualBannedByProvince[prov.Code]...)
	}
	for _, c := range d.PreApprovalCategories() {
		k := preApprovalKeywords{key: c.Key, zh: c.ZH}
		for _, w := range c.NameKeywords {
			k.keywords = append(k.keywords, strings.ToUpper(w))
		}
		v.preApprovalKeys = append(v.preApprovalKeys, k)
	}
	return v, nil
}

func parseIPRange(s string) (ipRange, error) {
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, "-"); ok {
		a, err1 := netip.ParseAddr(strings.TrimSpace(from))
		b, err2 := netip.ParseAddr(strings.TrimSpace(to))
		if err1 != nil || err2 != nil || a.BitLen() != b.BitLen() || b.Less(a) {
			return ipRange{}, fmt.Errorf("bad range %q", s)
		}
		return ipRange{a.Unmap(), b.Unmap()}, nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return ipRange{}, fmt.Errorf("bad prefix %q: %w", s, err)
		}
		p = p.Masked()
		return ipRange{p.Addr(), lastAddr(p)}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return ipRange{}, fmt.Errorf("bad address %q: %w", s, err)
	}
	return ipRange{a.Unmap(), a.Unmap()}, nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	bits := p.Bits()
	for i := range b {
		for j := 0; j < 8; j++ {
			if i*8+j >= bits {
				b[i] |= 0x80 >> j
			}
		}
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// report collects violations.
type report struct {
	vs []filing.Violation
}

func (r *report) add(rule Rule, field string, args ...any) {
	r.addAs(rule, rule.Severity, field, args...)
}

func (r *report) addAs(rule Rule, severity, field string, args ...any) {
	msg := rule.Message
	if len(args) > 0 {
		zh, en := make([]any, len(args)), make([]any, len(args))
		for i, a := range args {
			zh[i], en[i] = a, a
			if h, ok := a.(hint); ok {
				zh[i], en[i] = h.zh, h.en
			}
		}
		msg = filing.Text{ZH: fmt.Sprintf(msg.ZH, zh...), EN: fmt.Sprintf(msg.EN, en...)}
	}
	r.vs = append(r.vs, filing.Violation{Rule: rule.Code, Field: field, Severity: severity, Message: msg})
}

// check is what every rule function sees.
type check struct {
	v    *Validator
	doc  *filing.Document // normalized copy
	asOf time.Time        // a date, UTC midnight
	r    *report

	province   string // the subject's province when it is valid
	nature     refdata.Nature
	natureOK   bool
	individual bool // nature is individual
	org        bool // nature is a known organization nature
}

// ParseAsOf reads an as_of date (YYYY-MM-DD); empty means today in China
// Standard Time. The result is the date at UTC midnight.
func ParseAsOf(asOf string, today time.Time) (time.Time, error) {
	asOf = strings.TrimSpace(asOf)
	if asOf == "" {
		y, m, d := today.In(cst).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), nil
	}
	t, ok := parseDate(asOf)
	if !ok {
		return time.Time{}, fmt.Errorf("as_of %q is not a YYYY-MM-DD date", asOf)
	}
	return t, nil
}

// Validate checks doc and returns every violation (nil when there is none).
// doc is not modified; strings are judged trimmed. today is used when the
// document has no as_of (or an unreadable one) and is read as a China
// Standard Time date.
func (v *Validator) Validate(doc *filing.Document, today time.Time) []filing.Violation {
	if doc == nil {
		doc = &filing.Document{}
	}
	// The bounds first (rules.md "Bounds"), on the document as given: the
	// doors refuse these before building a document; here they are reported.
	return append(filing.CheckBounds(doc, v.maxWebsites), v.ValidateWithinBounds(doc, today)...)
}

// ValidateWithinBounds is Validate for a document whose bounds are known to
// hold: one filing.ParseDocument returned, unchanged since. The bounds are
// not checked again (a tenth of the validate endpoint's rules time).
func (v *Validator) ValidateWithinBounds(doc *filing.Document, today time.Time) []filing.Violation {
	if doc == nil {
		doc = &filing.Document{}
	}
	norm := normalizedCopy(doc, false)
	asOf, err := ParseAsOf(norm.AsOf, today)
	if err != nil {
		asOf, _ = ParseAsOf("", today)
	}
	r := &report{}
	c := &check{v: v, doc: &norm, asOf: asOf, r: r}
	if _, ok := v.data.Province(norm.Subject.Province); ok {
		c.province = norm.Subject.Province
	}
	c.nature, c.natureOK = v.data.Nature(norm.Subject.Nature)
	c.individual = c.natureOK && c.nature.IsIndividual()
	c.org = c.natureOK && !c.individual

	c.application()
	c.subject()
	c.provinceRules() // province.go: the province table's rules
	c.person(&norm.Subject.Leader, "subject.leader")
	c.emergencyPhone()
	seen := make(map[string]int, len(norm.Websites))
	for i := range norm.Websites {
		if i == maxListItems {
			break // already too many; bound the work and the answer
		}
		c.website(i, seen)
	}
	return r.vs
}

// MaxWebsites is the provider's maximum of websites in one application.
func (v *Validator) MaxWebsites() int { return v.maxWebsites }

// Normalize trims every string of doc in place and brings its domains to
// their storage form (lower case, Unicode) where they parse; an unparseable
// domain is left for the rules to report.
func Normalize(doc *filing.Document) {
	if doc == nil {
		return
	}
	*doc = normalizedCopy(doc, true)
}

// normalizedCopy returns doc with trimmed strings. Slices are copied only
// where an element changes, so the common case allocates one websites slice.
func normalizedCopy(doc *filing.Document, domains bool) filing.Document {
	out := *doc
	out.Flow = strings.TrimSpace(out.Flow)
	out.AsOf = strings.TrimSpace(out.AsOf)
	s := &out.Subject
	for _, p := range []*string{&s.Province, &s.City, &s.County, &s.Nature, &s.CertType, &s.CertNumber, &s.Name,
		&s.CertAddress, &s.MailingAddress, &s.Investor, &s.EmergencyPhone, &s.Remark} {
		*p = strings.TrimSpace(*p)
	}
	trimPerson(&s.Leader)
	if doc.Websites != nil {
		out.Websites = make([]filing.Website, len(doc.Websites))
		copy(out.Websites, doc.Websites)
	}
	for i := range out.Websites {
		w := &out.Websites[i]
		for _, p := range []*string{&w.Name, &w.Domain, &w.HomepageURL, &w.Remark, &w.Access.Method, &w.Access.ServerLocation,
			&w.DomainHolder.Relation, &w.DomainHolder.Name} {
			*p = strings.TrimSpace(*p)
		}
		if domains {
			if d, err := domainname.Normalize(w.Domain); err == nil {
				w.Domain = d
			}
		}
		w.ContentTypes = trimSlice(w.ContentTypes)
		w.Languages = trimSlice(w.Languages)
		w.Access.IPs = trimSlice(w.Access.IPs)
		if needsTrimApprovals(w.PreApprovals) {
			pa := make([]filing.PreApproval, len(w.PreApprovals))
			for k, a := range w.PreApprovals {
				pa[k] = filing.PreApproval{Category: strings.TrimSpace(a.Category), Number: strings.TrimSpace(a.Number)}
			}
			w.PreApprovals = pa
		}
		trimPerson(&w.Leader)
	}
	return out
}

func trimPerson(p *filing.Person) {
	for _, f := range []*string{&p.Name, &p.CertType, &p.CertNumber, &p.CertValidFrom, &p.CertValidUntil, &p.OfficePhone, &p.Mobile, &p.Email} {
		*f = strings.TrimSpace(*f)
	}
}

func trimSlice(ss []string) []string {
	for i, s := range ss {
		if strings.TrimSpace(s) != s {
			out := make([]string, len(ss))
			copy(out, ss[:i])
			for j := i; j < len(ss); j++ {
				out[j] = strings.TrimSpace(ss[j])
			}
			return out
		}
	}
	return ss
}

func needsTrimApprovals(as []filing.PreApproval) bool {
	for _, a := range as {
		if strings.TrimSpace(a.Category) != a.Category || strings.TrimSpace(a.Number) != a.Number {
			return true
		}
	}
	return false
}

// idx renders "[i]".
func idx(i int) string {
	if i >= 0 && i < 10 {
		return "[" + string(rune('0'+i)) + "]"
	}
	return fmt.Sprintf("[%d]", i)
}

// runeLen counts characters without allocating.
func runeLen(s string) int {
	n := 0
	for range s {
		n++
	}
	return n
}

// Lookup finds a rule of the catalogue by code.
func Lookup(code string) (Rule, bool) {
	for _, r := range catalog {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}
