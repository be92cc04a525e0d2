package rules

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"beian/internal/domainname"
	"beian/internal/filing"
)

var (
	ruleSiteNameRequired = def("website.name.required", sevError,
		"请填写网站名称",
		"enter the website's name")
	ruleSiteNameLength = def("website.name.length", sevError,
		"网站名称须为 2–50 个字符",
		"the website name must be 2 to 50 characters long")
	ruleSiteNameNoChinese = def("website.name.no_chinese", sevError,
		"网站名称须包含中文，不能只有字母、数字或符号",
		"the website name must contain Chinese characters, not only letters, digits or symbols")
	ruleSiteNameIsDomain = def("website.name.is_domain", sevError,
		"网站名称不能是域名或网址，请使用能反映网站内容的中文名称",
		"the website name must not be a domain or URL: use a Chinese name describing the site")
	ruleSiteNameNational = def("website.name.national_word", sevError,
		"网站名称含有“%s”：非国家级单位不能使用中国、中华、中央、全国、国家等字样",
		"the website name contains %q: only national-level bodies may use words such as 中国, 中华, 中央, 全国, 国家")
	ruleSiteNameSensitive = def("website.name.sensitive_word", sevError,
		"网站名称含有敏感词“%s”，请修改",
		"the website name contains the sensitive word %q: change it")
	ruleSiteNameIndividualBanned = def("website.name.individual_banned_word", sevError,
		"个人网站名称不能含有%s（个人网站不得具有企业、论坛、商城等性质），请改用描述个人内容的名称",
		"an individual's website name may not contain %s (personal sites may not look like companies, forums or shops): describe the personal content instead")
	ruleSiteNameNeedsApproval = def("website.name.needs_pre_approval", sevWarning,
		"网站名称含有“%s”，可能涉及%s前置审批：如涉及，请填写前置审批；如不涉及，请修改名称",
		"the website name contains %q, which suggests the pre-approval category %s: add the pre-approval, or change the name")
	ruleDomainRequired = def("website.domain.required", sevError,
		"请填写网站域名（如 example.com）",
		"enter the website's domain (e.g. example.com)")
	ruleDomainInvalid = def("website.domain.invalid", sevError,
		"域名格式不正确：只填写域名本身（如 example.com 或 中文.中国），不要带 http:// 或路径",
		"the domain is not a valid domain name: enter only the name (e.g. example.com or 中文.中国), no http:// or path")
	ruleDomainNotRegistrable = def("website.domain.not_registrable", sevError,
		"请填写注册的一级域名（如 example.com），不要填写 www 等子域名或域名后缀本身",
		"enter the registered domain itself (e.g. example.com), not a sub-domain such as www.… nor a bare suffix")
	ruleDomainTLD = def("website.domain.tld_not_approved", sevError,
		"域名后缀 .%s 未获工信部批准，不能备案，请更换域名",
		"the TLD .%s is not approved by MIIT for filing: use another domain")
	ruleDomainDuplicate = def("website.domain.duplicate", sevError,
		"该域名已在本申请的另一个网站中填写，一个域名只能属于一个网站",
		"this domain already belongs to another website of this application: one domain, one website")
	ruleHomepageRequired = def("website.homepage_url.required", sevError,
		"请填写网站首页网址（如 www.example.com）",
		"enter the homepage URL (e.g. www.example.com)")
	ruleHomepageInvalid = def("website.homepage_url.invalid", sevError,
		"首页网址只填写主机名（如 www.example.com），不要带路径、参数、端口或用户名",
		"the homepage URL is only a host name (e.g. www.example.com): no path, query, port or credentials")
	ruleHomepageNotUnder = def("website.homepage_url.not_under_domain", sevError,
		"首页网址须为本网站域名或其下的主机名（如 www.%s）",
		"the homepage URL must be the website's domain or a host under it (e.g. www.%s)")
	ruleContentRequired = def("website.content_types.required", sevError,
		"请至少选择一项网站服务内容",
		"choose at least one service content type")
	ruleContentInvalid = def("website.content_types.invalid", sevError,
		"未知的网站服务内容“%s”",
		"unknown content type %q")
	ruleContentTooMany = def("website.content_types.too_many", sevError,
		"网站服务内容最多选择 5 项",
		"choose at most 5 content types")
	ruleContentIndividual = def("website.content_types.individual_not_allowed", sevError,
		"个人网站不能选择服务内容“%s”，请选择“其他”或“博客/个人空间”",
		"an individual's website may not choose %q: choose other or blog")
	ruleLanguagesRequired = def("website.languages.required", sevError,
		"请至少选择一种网站语言",
		"choose at least one website language")
	ruleLanguagesInvalid = def("website.languages.invalid", sevError,
		"未知的网站语言“%s”",
		"unknown language %q")
	rulePreApprovalInvalid = def("website.pre_approvals.invalid", sevError,
		"未知的前置审批类别“%s”",
		"unknown pre-approval category %q")
	rulePreApprovalNumber = def("website.pre_approvals.number_required", sevError,
		"请填写前置审批文件的审批号",
		"enter the approval document's number")
	rulePreApprovalIndividual = def("website.pre_approvals.individual_not_allowed", sevError,
		"个人网站不能涉及前置审批内容，请删除前置审批项或改以单位主体备案",
		"an individual's website cannot involve pre-approved content: remove the pre-approvals or file as an organization")
	ruleLeaderIndividual = def("website.leader.individual_mismatch", sevError,
		"个人备案的网站负责人须为主办人本人（与主体负责人相同）",
		"for an individual, the website leader must be the person (the subject leader)")
	ruleLeaderContactShared = def("website.leader.contact_shared", sevError,
		"网站负责人与主体负责人不是同一人，其%s不能相同",
		"the website leader is not the subject leader, so their %s must differ")
	ruleRemarkDescribe = def("website.remark.describe_content", sevWarning,
		"个人网站请在备注中说明网站的具体内容（如“记录个人旅行见闻，无评论和交互功能”）",
		"describe the site's actual content in the remark (e.g. 'personal travel notes, no comments or interaction')")
)

func (c *check) website(i int, seen map[string]int) {
	w := &c.doc.Websites[i]
	prefix := "websites" + idx(i)
	c.siteName(w, prefix)
	dom, domOK := c.domain(w, i, prefix, seen)
	c.homepage(w, dom, domOK, prefix)
	c.contentTypes(w, prefix)
	c.languages(w, prefix)
	c.preApprovals(w, prefix)
	c.person(&w.Leader, prefix+".leader")
	c.websiteLeader(w, prefix)
	if c.individual && w.Remark == "" {
		c.r.add(ruleRemarkDescribe, prefix+".remark")
	}
	c.access(&w.Access, prefix+".access")
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func (c *check) siteName(w *filing.Website, prefix string) {
	name := w.Name
	field := prefix + ".name"
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
	if wd := firstContained(name, words.National); wd != "" {
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

func (c *check) domain(w *filing.Website, i int, prefix string, seen map[string]int) (domainname.Name, bool) {
	field := prefix + ".domain"
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

func (c *check) homepage(w *filing.Website, dom domainname.Name, domOK bool, prefix string) {
	field := prefix + ".homepage_url"
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

func (c *check) contentTypes(w *filing.Website, prefix string) {
	field := prefix + ".content_types"
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
		}
	}
}

func (c *check) languages(w *filing.Website, prefix string) {
	field := prefix + ".languages"
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

func (c *check) preApprovals(w *filing.Website, prefix string) {
	field := prefix + ".pre_approvals"
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

func (c *check) websiteLeader(w *filing.Website, prefix string) {
	sl, wl := &c.doc.Subject.Leader, &w.Leader
	if filing.SamePerson(*sl, *wl) {
		return
	}
	if c.individual {
		c.r.add(ruleLeaderIndividual, prefix+".leader")
	}
	if wl.Mobile != "" && wl.Mobile == sl.Mobile {
		c.r.add(ruleLeaderContactShared, prefix+".leader.mobile", hint{"手机号码", "mobile numbers"})
	}
	if wl.Email != "" && strings.EqualFold(wl.Email, sl.Email) {
		c.r.add(ruleLeaderContactShared, prefix+".leader.email", hint{"电子邮箱", "email addresses"})
	}
}

// limit returns at most maxListItems elements.
func limit(ss []string) []string {
	if len(ss) > maxListItems {
		return ss[:maxListItems]
	}
	return ss
}
