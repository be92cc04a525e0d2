package filing

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A filing document is small (rules.md "Bounds"): its lists and texts have
// hard bounds, checked while decoding in every door and again by the
// validator, so no request can make the server build a large document.
const (
	MaxWebsites     = 10
	MaxIPs          = 32
	MaxContentTypes = 12
	MaxLanguages    = 17
	MaxPreApprovals = 12
)

// Rule codes of the bounds.
const (
	RuleTooLarge         = "payload_too_large"
	RuleTooLong          = "field.too_long"
	RuleControlCharacter = "field.control_character"
)

// textBound is the longest value, in characters, of a text field, by its
// last path segment (and its parent, where one name means two things).
func textBound(path string) (max int, multiline bool) {
	name := path[strings.LastIndexByte(path, '.')+1:]
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i] // a list entry: websites[0].ips[3] → ips
	}
	switch name {
	case "name":
		return 100, false
	case "cert_address", "mailing_address", "investor":
		return 200, false
	case "email", "office_phone", "mobile", "emergency_phone", "cert_number", "number", "homepage_url":
		return 100, false
	case "remark":
		return 1000, true
	case "domain":
		return 253, false // the longest domain name DNS allows
	}
	// Codes, dates, addresses and keys the spec does not list: no real
	// one comes near 100 characters.
	return 100, false
}

// leastTextBound is the smallest textBound: a text of at most this many
// bytes is never too long, whatever its field.
const leastTextBound = 100

// mayBreakTextBounds is the cheap test before TextViolation: false when s
// is within the smallest bound and holds no byte a control character
// starts with (C0, DEL, and 0xC2, the lead byte of the C1 controls), so
// its field's path need not be built.
func mayBreakTextBounds(s string) bool {
	if len(s) > leastTextBound {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == 0xc2 {
			return true
		}
	}
	return false
}

// ListBound is the most entries the list at path may hold ("websites",
// "websites[2].access.ips" …); maxWebsites is the provider's maximum.
func ListBound(path string, maxWebsites int) int {
	switch {
	case path == "websites":
		return WebsiteBound(maxWebsites)
	case strings.HasSuffix(path, ".ips"):
		return MaxIPs
	case strings.HasSuffix(path, ".content_types"):
		return MaxContentTypes
	case strings.HasSuffix(path, ".languages"):
		return MaxLanguages
	case strings.HasSuffix(path, ".pre_approvals"):
		return MaxPreApprovals
	}
	return MaxIPs
}

// WebsiteBound is the websites bound: 10, or the provider's maximum if lower.
func WebsiteBound(maxWebsites int) int {
	if maxWebsites > 0 && maxWebsites < MaxWebsites {
		return maxWebsites
	}
	return MaxWebsites
}

// TextViolation checks one text value against its bound and the control
// characters rule; ok when it passes.
func TextViolation(path, s string) (Violation, bool) {
	max, multiline := textBound(path)
	if n := utf8.RuneCountInString(s); n > max {
		return Violation{Rule: RuleTooLong, Field: path, Severity: SeverityError, Message: Text{
			ZH: fmt.Sprintf("过长：最多 %d 个字符（现为 %d 个）", max, n),
			EN: fmt.Sprintf("too long: at most %d characters (this has %d)", max, n)}}, false
	}
	for _, r := range s {
		if isControl(r, multiline) {
			return Violation{Rule: RuleControlCharacter, Field: path, Severity: SeverityError, Message: Text{
				ZH: "含有控制字符（如制表符或换行），请删除", EN: "contains a control character (such as a tab or a line break); remove it"}}, false
		}
	}
	return Violation{}, true
}

// isControl: C0 and C1 controls and DEL; line breaks only where the text
// may have several lines (remarks and reasons).
func isControl(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\r') {
		return false
	}
	return r < 0x20 || (r >= 0x7f && r <= 0x9f)
}

// ListViolation is the violation of a list over its bound.
func ListViolation(path string, max int) Violation {
	return Violation{Rule: RuleTooLarge, Field: path, Severity: SeverityError, Message: Text{
		ZH: fmt.Sprintf("条目过多：最多 %d 项", max), EN: fmt.Sprintf("too many entries: at most %d", max)}}
}

// CheckBounds reports every bound doc breaks: lists over their bound
// (payload_too_large), texts too long or holding control characters. The
// decoder refuses such documents before they are built; this is the same
// check for documents built otherwise (the HTML forms, the validator).
func CheckBounds(doc *Document, maxWebsites int) []Violation {
	var vs []Violation
	text := func(path, s string) {
		if v, ok := TextViolation(path, s); !ok {
			vs = append(vs, v)
		}
	}
	// field checks prefix+name, building the path only when it may break.
	field := func(prefix, name, s string) {
		if mayBreakTextBounds(s) {
			text(prefix+name, s)
		}
	}
	list := func(path string, n int) bool {
		if max := ListBound(path, maxWebsites); n > max {
			vs = append(vs, ListViolation(path, max))
			return false
		}
		return true
	}
	person := func(p string, x Person) {
		field(p, ".name", x.Name)
		field(p, ".cert_type", x.CertType)
		field(p, ".cert_number", x.CertNumber)
		field(p, ".cert_valid_from", x.CertValidFrom)
		field(p, ".cert_valid_until", x.CertValidUntil)
		field(p, ".office_phone", x.OfficePhone)
		field(p, ".mobile", x.Mobile)
		field(p, ".email", x.Email)
	}
	field("", "flow", doc.Flow)
	field("", "as_of", doc.AsOf)
	s := doc.Subject
	for _, f := range []struct{ name, v string }{
		{"province", s.Province}, {"city", s.City}, {"county", s.County}, {"nature", s.Nature},
		{"cert_type", s.CertType}, {"cert_number", s.CertNumber}, {"name", s.Name}, {"cert_address", s.CertAddress},
		{"mailing_address", s.MailingAddress}, {"investor", s.Investor}, {"emergency_phone", s.EmergencyPhone}, {"remark", s.Remark},
	} {
		field("subject.", f.name, f.v)
	}
	person("subject.leader", s.Leader)
	if !list("websites", len(doc.Websites)) {
		return vs
	}
	for i, w := range doc.Websites {
		p := "websites[" + strconv.Itoa(i) + "]"
		field(p, ".name", w.Name)
		field(p, ".domain", w.Domain)
		field(p, ".homepage_url", w.HomepageURL)
		field(p, ".remark", w.Remark)
		field(p, ".domain_holder.relation", w.DomainHolder.Relation)
		field(p, ".domain_holder.name", w.DomainHolder.Name)
		person(p+".leader", w.Leader)
		field(p, ".access.method", w.Access.Method)
		field(p, ".access.server_location", w.Access.ServerLocation)
		for _, l := range []struct {
			name string
			vals []string
		}{{".content_types", w.ContentTypes}, {".languages", w.Languages}, {".access.ips", w.Access.IPs}} {
			if list(p+l.name, len(l.vals)) {
				for j, v := range l.vals {
					if mayBreakTextBounds(v) {
						text(p+l.name+"["+strconv.Itoa(j)+"]", v)
					}
				}
			}
		}
		if list(p+".pre_approvals", len(w.PreApprovals)) {
			for j, pa := range w.PreApprovals {
				q := p + ".pre_approvals[" + strconv.Itoa(j) + "]"
				field(q, ".category", pa.Category)
				field(q, ".number", pa.Number)
			}
		}
	}
	return vs
}

// OverBound reports whether vs holds a list bound (413) rather than only
// text bounds (422).
func OverBound(vs []Violation) bool {
	for _, v := range vs {
		if v.Rule == RuleTooLarge {
			return true
		}
	}
	return false
}
