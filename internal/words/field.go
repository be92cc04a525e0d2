package words

import (
	"regexp"
	"strconv"
	"strings"
)

// Field names a document path for people, as the forms label it:
// "websites[1].leader.mobile" → 网站 2 · 网站负责人 · 手机号码. The path
// itself is an internal name and never shown. Every door and every mail
// names fields with it.
func Field(lang, path string) string {
	if rest, ok := strings.CutPrefix(path, "attachments."); ok {
		return attachmentLabel(lang, rest)
	}
	var parts []string
	rest := path
	inWebsite := false
	if m := wsIndex.FindStringSubmatch(rest); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			parts = append(parts, T(lang, "website.n", n+1))
		} else {
			parts = append(parts, T(lang, "website.any")) // websites[]: any website (the catalogue of reasons)
		}
		rest = strings.TrimPrefix(strings.TrimPrefix(rest, m[0]), ".")
		inWebsite = true
	}
	rest = anyIndex.ReplaceAllString(rest, "")
	for _, g := range []struct{ prefix, key string }{
		{"subject.leader.", "subject.leader"}, {"leader.", "website.leader"}, {"access.", ""}, {"subject.", ""},
	} {
		if r, ok := strings.CutPrefix(rest, g.prefix); ok {
			if g.key != "" {
				parts = append(parts, T(lang, g.key))
			}
			rest = r
			break
		}
	}
	key := fieldLeaf[rest]
	switch {
	case rest == "name" && inWebsite && !strings.Contains(path, "leader"):
		key = "website.name"
	case rest == "name" && path == "subject.name":
		key = "subject.name"
	case rest == "cert_type" && path == "subject.cert_type":
		key = "subject.certtype"
	case rest == "cert_number" && path == "subject.cert_number":
		key = "subject.certnum"
	case rest == "remark" && inWebsite:
		key = "website.remark"
	}
	switch {
	case key != "":
		parts = append(parts, T(lang, key))
	case rest != "":
		parts = append(parts, rest)
	}
	return strings.Join(parts, " · ")
}

// attachmentLabel names an attachment path: "verification_form[0]" → 网站 1 · 网站备案信息真实性核验单.
func attachmentLabel(lang, rest string) string {
	kind, idx, hasIdx := strings.Cut(rest, "[")
	label := T(lang, "kind."+kind)
	if hasIdx {
		if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil {
			return T(lang, "website.n", n+1) + " · " + label
		}
		return T(lang, "website.any") + " · " + label
	}
	return label
}

var fieldLeaf = map[string]string{
	"province": "subject.province", "city": "subject.city", "county": "subject.county", "nature": "subject.nature",
	"cert_type": "person.certtype", "cert_number": "person.certnum", "name": "person.name", "cert_address": "subject.certaddr",
	"mailing_address": "subject.mailaddr", "investor": "subject.investor", "emergency_phone": "subject.emergency",
	"remark": "subject.remark", "cert_valid_from": "person.validfrom", "cert_valid_until": "person.validuntil",
	"office_phone": "person.office", "mobile": "person.mobile", "email": "person.email", "domain": "website.domain",
	"homepage_url": "website.homepage", "content_types": "website.content", "languages": "website.languages",
	"pre_approvals": "website.preapp", "pre_approvals.category": "website.preapp.cat", "pre_approvals.number": "website.preapp.num",
	"domain_holder": "website.holder", "domain_holder.relation": "website.holder.relation", "domain_holder.name": "website.holder.name",
	"method": "access.method", "ips": "access.ips", "server_location": "access.location",
}

var (
	wsIndex  = regexp.MustCompile(`^websites\[(\d*)\]`)
	anyIndex = regexp.MustCompile(`\[\d*\]`)
)
