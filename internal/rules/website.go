package rules

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"beian/internal/domainname"
	"beian/internal/filing"
)

var (
	ruleSiteNameRequired         = def("website.name.required", sevError)
	ruleSiteNameLength           = def("website.name.length", sevError)
	ruleSiteNameNoChinese        = def("website.name.no_chinese", sevError)
	ruleSiteNameIsDomain         = def("website.name.is_domain", sevError)
	ruleSiteNameNational         = def("website.name.national_word", sevError)
	ruleSiteNameSensitive        = def("website.name.sensitive_word", sevError)
	ruleSiteNameIndividualBanned = def("website.name.individual_banned_word", sevError)
	ruleSiteNameNeedsApproval    = def("website.name.needs_pre_approval", sevWarning)
	ruleDomainRequired           = def("website.domain.required", sevError)
	ruleDomainInvalid            = def("website.domain.invalid", sevError)
	ruleDomainNotRegistrable     = def("website.domain.not_registrable", sevError)
	ruleDomainTLD                = def("website.domain.tld_not_approved", sevError)
	ruleDomainDuplicate          = def("website.domain.duplicate", sevError)
	ruleHomepageRequired         = def("website.homepage_url.required", sevError)
	ruleHomepageInvalid          = def("website.homepage_url.invalid", sevError)
	ruleHomepageNotUnder         = def("website.homepage_url.not_under_domain", sevError)
	ruleContentRequired          = def("website.content_types.required", sevError)
	ruleContentInvalid           = def("website.content_types.invalid", sevError)
	ruleContentTooMany           = def("website.content_types.too_many", sevError)
	ruleContentIndividual        = def("website.content_types.individual_not_allowed", sevError)
	ruleContentNeedsApproval     = def("website.content_types.needs_pre_approval", sevWarning)
	ruleLanguagesRequired        = def("website.languages.required", sevError)
	ruleLanguagesInvalid         = def("website.languages.invalid", sevError)
	rulePreApprovalInvalid       = def("website.pre_approvals.invalid", sevError)
	rulePreApprovalNumber        = def("website.pre_approvals.number_required", sevError)
	rulePreApprovalIndividual    = def("website.pre_approvals.individual_not_allowed", sevError)
	ruleLeaderIndividual         = def("website.leader.individual_mismatch", sevError)
	ruleLeaderContactShared      = def("website.leader.contact_shared", sevError)
	ruleRemarkDescribe           = def("website.remark.describe_content", sevWarning)
	ruleHolderIndividual         = def("website.domain_holder.individual_not_allowed", sevError)
	ruleHolderRelation           = def("website.domain_holder.relation.invalid", sevError)
	ruleHolderName               = def("website.domain_holder.name.required", sevError)
)

func (c *check) website(i int, seen map[string]int) {
	w := &c.doc.Websites[i]
	p := &c.v.sites[i]
	c.siteName(w, p)
	dom, domOK := c.domain(w, i, p, seen)
	c.homepage(w, dom, domOK, p)
	c.contentTypes(w, p)
	c.languages(w, p)
	c.preApprovals(w, p)
	c.domainHolder(w, p)
	c.person(&w.Leader, p.leader)
	c.websiteLeader(w, p)
	if c.individual && w.Remark == "" {
		c.r.add(ruleRemarkDescribe, p.remark)
	}
	c.access(&w.Access, p.access)
}

// sitePaths are one website's field paths, joined once per validator: a
// validation joins none (they were a tenth of the rules' time).
type sitePaths struct {
	name, domain, homepage, contentTypes, languages, preApprovals, domainHolder,
	leader, remark, access string
}

// newSitePaths returns the paths of the websites the rules look at.
func newSitePaths() []sitePaths {
	sites := make([]sitePaths, maxListItems)
	for i := range sites {
		p := "websites" + idx(i)
		sites[i] = sitePaths{name: p + ".name", domain: p + ".domain", homepage: p + ".homepage_url",
			contentTypes: p + ".content_types", languages: p + ".languages", preApprovals: p + ".pre_approvals",
			domainHolder: p + ".domain_holder", leader: p + ".leader", remark: p + ".remark", access: p + ".access"}
	}
	return sites
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (c *check) siteName(w *filing.Website, p *sitePaths) {
	name := w.Name
	field := p.name
	if name == "" {
		c.r.add(ruleSiteNameRequired, field)
		return
	}
	if n := runeLen(name); n < 2 || n > 50 {
		c.r.add(ruleSiteNameLength, field)
	}
	if !hasHan(name) {
		c.r.add(ruleSiteNameNoChinese, field)
	}
	if looksLikeDomain(name, w.Domain) {
		c.r.add(ruleSiteNameIsDomain, field)
	}
	words := c.v.data.SiteNameWords()
	if wd := firstContained(name, words.National); wd != "" && !c.nationalBody() {
		sev := sevError
		if c.natureOK && (c.nature.Key == "government" || c.nature.Key == "institution") {
			sev = sevWarning // the reviewer judges whether the body is national-level
		}
		c.r.addAs(ruleSiteNameNational, sev, field, wd)
	}
	if wd := firstContained(name, words.Sensitive); wd != "" {
		c.r.add(ruleSiteNameSensitive, field, wd)
	}
	if c.individual {
		banned := c.v.bannedNational
		if c.province != "" {
			banned = c.v.bannedByProv[c.province]
		}
		// Every banned word at once: fixing one only to meet the next is
		// how applicants learn the list otherwise.
		if found := allContained(name, banned); len(found) > 0 {
			zh, en := make([]string, len(found)), make([]string, len(found))
			for i, wd := range found {
				zh[i], en[i] = "“"+wd+"”", strconv.Quote(wd)
			}
			c.r.add(ruleSiteNameIndividualBanned, field, hint{strings.Join(zh, "、"), strings.Join(en, ", ")})
		}
	}
	upper := name
	if hasLower(name) {
		upper = strings.ToUpper(name)
	}
	for _, k := range c.v.preApprovalKeys {
		wd := firstContained(upper, k.keywords)
		if wd == "" || hasPreApproval(w, k.key) {
			continue
		}
		c.r.add(ruleSiteNameNeedsApproval, field, wd, hint{k.zh, k.key})
	}
}

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

func hasPreApproval(w *filing.Website, key string) bool {
	for _, a := range w.PreApprovals {
		if a.Category == key {
			return true
		}
	}
	return false
}

// firstContained returns the longest word of words that s contains (so
// "有限公司" is named rather than "公司"), or "".
// allContained lists the words s contains in the order they appear,
// leaving out a word found only inside a longer one (论坛 inside 社区论坛).
func allContained(s string, words []string) []string {
	type at struct {
		w    string
		i, j int
	}
	var found []at
	for _, w := range words {
		if w == "" {
			continue
		}
		for off := 0; ; {
			k := strings.Index(s[off:], w)
			if k < 0 {
				break
			}
			found = append(found, at{w, off + k, off + k + len(w)})
			off += k + len(w)
		}
	}
	var out []string
	seen := map[string]bool{}
	sort.Slice(found, func(a, b int) bool {
		if found[a].i != found[b].i {
			return found[a].i < found[b].i
		}
		return found[a].j > found[b].j
	})
	for n, f := range found {
		inside := false
		for m, g := range found {
			if m != n && g.i <= f.i && f.j <= g.j && g.j-g.i > f.j-f.i {
				inside = true
				break
			}
		}
		if !inside && !seen[f.w] {
			seen[f.w] = true
			out = append(out, f.w)
		}
	}
	return out
}

func firstContained(s string, words []string) string {
	best := ""
	for _, w := range words {
		if len(w) > len(best) && strings.Contains(s, w) {
			best = w
		}
	}
	return best
}

// looksLikeDomain reports a site name that is (or contains) a domain, a URL
// or a host name: the site's own domain, "www.", "http", or label.label
// whose last label is a real top-level domain.
func looksLikeDomain(name, domain string) bool {
	lower := strings.ToLower(name)
	if strings.Contains(lower, "www.") || strings.Contains(lower, "http") {
		return true
	}
	if domain != "" {
		if strings.Contains(lower, strings.ToLower(domain)) {
			return true
		}
		if n, err := domainname.Parse(domain); err == nil && (strings.Contains(lower, n.ASCII) || strings.Contains(lower, n.Unicode)) {
			return true
		}
	}
	// Scan for host-like tokens: runs of [a-z0-9-.] (or any letter for IDN)
	// with a dot, whose last label is a TLD.
	start := -1
	for i, r := range lower + " " {
		hostChar := r == '.' || r == '-' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')
		if hostChar {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if hostLike(lower[start:i]) {
				return true
			}
			start = -1
		}
	}
	return false
}

func hostLike(tok string) bool {
	tok = strings.Trim(tok, ".-")
	dot := strings.LastIndexByte(tok, '.')
	if dot <= 0 || dot == len(tok)-1 {
		return false
	}
	return domainname.IsKnownTLD(tok[dot+1:])
}

func (c *check) domain(w *filing.Website, i int, p *sitePaths, seen map[string]int) (domainname.Name, bool) {
	field := p.domain
	if w.Domain == "" {
		c.r.add(ruleDomainRequired, field)
		return domainname.Name{}, false
	}
	n, err := domainname.Parse(w.Domain)
	if err != nil {
		c.r.add(ruleDomainInvalid, field)
		return domainname.Name{}, false
	}
	if n.Labels() == 1 && !n.KnownTLD() {
		c.r.add(ruleDomainInvalid, field) // "example": not a domain name at all
		return domainname.Name{}, false
	}
	if !n.Registrable() {
		c.r.add(ruleDomainNotRegistrable, field)
	}
	if tld := n.TLD(); !c.v.tlds[tld] {
		c.r.add(ruleDomainTLD, field, tld)
	}
	if _, dup := seen[n.ASCII]; dup {
		c.r.add(ruleDomainDuplicate, field)
	} else {
		seen[n.ASCII] = i
	}
	return n, true
}

func (c *check) homepage(w *filing.Website, dom domainname.Name, domOK bool, p *sitePaths) {
	field := p.homepage
	if w.HomepageURL == "" {
		c.r.add(ruleHomepageRequired, field)
		return
	}
	h, err := domainname.ParseHomepage(w.HomepageURL)
	if err != nil {
		c.r.add(ruleHomepageInvalid, field)
		return
	}
	if domOK && !domainname.IsUnder(h, dom) {
		c.r.add(ruleHomepageNotUnder, field, dom.Unicode)
	}
}

func (c *check) contentTypes(w *filing.Website, p *sitePaths) {
	field := p.contentTypes
	if len(w.ContentTypes) == 0 {
		c.r.add(ruleContentRequired, field)
		return
	}
	if len(w.ContentTypes) > 5 {
		c.r.add(ruleContentTooMany, field)
	}
	for k, key := range limit(w.ContentTypes) {
		ct, ok := c.v.data.ContentType(key)
		if !ok {
			c.r.add(ruleContentInvalid, field+idx(k), key)
			continue
		}
		if c.individual && !ct.IndividualAllowed {
			c.r.add(ruleContentIndividual, field+idx(k), hint{ct.ZH, ct.Key})
			continue
		}
		c.contentApproval(w, ct.Key, ct.ZH, field+idx(k))
	}
}

// contentPreApprovals are the pre-approval categories a content type
// usually needs (any one of them will do): news, publishing and games,
// audio-visual programmes, education (33号令 Art. 11). Medicine has no
// content type of its own; its name keywords prompt for it.
var contentPreApprovals = map[string][]string{
	"news":      {"news"},
	"games":     {"publishing", "culture"},
	"music":     {"culture"},
	"video":     {"broadcasting"},
	"education": {"education", "tutoring"},
}

// contentApproval prompts for the pre-approval a chosen content type
// usually needs, unless one of its categories is listed. A warning: the
// reviewer judges whether the site really offers that service. An
// individual lists no pre-approval and chooses none of these types.
func (c *check) contentApproval(w *filing.Website, key, zh, field string) {
	cats := contentPreApprovals[key]
	if len(cats) == 0 || c.individual {
		return
	}
	var zhs, ens []string
	for _, cat := range cats {
		if hasPreApproval(w, cat) {
			return
		}
		if pc, ok := c.v.data.PreApprovalCategory(cat); ok {
			zhs, ens = append(zhs, pc.ZH), append(ens, pc.Key)
		}
	}
	c.r.add(ruleContentNeedsApproval, field, hint{zh, key}, hint{strings.Join(zhs, "或"), strings.Join(ens, " or ")})
}

func (c *check) languages(w *filing.Website, p *sitePaths) {
	field := p.languages
	if len(w.Languages) == 0 {
		c.r.add(ruleLanguagesRequired, field)
		return
	}
	for k, key := range limit(w.Languages) {
		if _, ok := c.v.data.Language(key); !ok {
			c.r.add(ruleLanguagesInvalid, field+idx(k), key)
		}
	}
}

func (c *check) preApprovals(w *filing.Website, p *sitePaths) {
	field := p.preApprovals
	if len(w.PreApprovals) == 0 {
		return
	}
	if c.individual {
		c.r.add(rulePreApprovalIndividual, field)
	}
	for k, a := range w.PreApprovals {
		if k == maxListItems {
			break
		}
		if _, ok := c.v.data.PreApprovalCategory(a.Category); !ok {
			c.r.add(rulePreApprovalInvalid, field+idx(k)+".category", a.Category)
		}
		if a.Number == "" {
			c.r.add(rulePreApprovalNumber, field+idx(k)+".number")
		}
	}
}

// domainHolder checks a declaration of the domain holder's relation to
// the subject (seed 2.3 (5)): an organization's shareholder, main leader or
// senior manager may hold its domain; an individual's domain is held by
// the individual, who declares nothing. Whether the declared name is the
// registry's holder is the domain registry's rule (domainreg).
func (c *check) domainHolder(w *filing.Website, p *sitePaths) {
	h := w.DomainHolder
	if !h.Declared() {
		return
	}
	field := p.domainHolder
	if c.individual {
		c.r.add(ruleHolderIndividual, field)
		return
	}
	if !slices.Contains(filing.HolderRelations, h.Relation) {
		c.r.add(ruleHolderRelation, field+".relation")
	}
	if h.Name == "" {
		c.r.add(ruleHolderName, field+".name")
	}
}

func (c *check) websiteLeader(w *filing.Website, p *sitePaths) {
	sl, wl := &c.doc.Subject.Leader, &w.Leader
	if filing.SamePerson(*sl, *wl) {
		return
	}
	if c.individual {
		c.r.add(ruleLeaderIndividual, p.leader)
	}
	if wl.Mobile != "" && wl.Mobile == sl.Mobile {
		c.r.add(ruleLeaderContactShared, p.leader+".mobile", hint{"手机号码", "mobile numbers"})
	}
	if wl.Email != "" && strings.EqualFold(wl.Email, sl.Email) {
		c.r.add(ruleLeaderContactShared, p.leader+".email", hint{"电子邮箱", "email addresses"})
	}
}

// limit returns at most maxListItems elements.
func limit(ss []string) []string {
	if len(ss) > maxListItems {
		return ss[:maxListItems]
	}
	return ss
}
