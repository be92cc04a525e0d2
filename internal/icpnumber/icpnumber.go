// Package icpnumber knows the shape of ICP filing numbers (备案号) and the
// rules a number recorded from the real bureau must follow (spec
// workflow.md "Relay mode"): a subject number <abbr>ICP备<serial>号 with
// the province abbreviation of the subject (京, 沪, 蜀 …) and an 8-digit
// legacy or 10-digit (year + 6) serial, and website numbers
// <subject number>-<n>. Pure: no storage, no clock.
package icpnumber

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"beian/internal/filing"
)

// RuleInvalid is the rule code of a malformed or misplaced number (422);
// RuleTaken, of a number another subject holds (409), is the service's.
const (
	RuleInvalid = "bureau.number.invalid"
	RuleTaken   = "bureau.number_taken"
)

// subjectRE is domain-notes §7.6's pattern.
var subjectRE = regexp.MustCompile(`^(京|津|冀|晋|蒙|辽|吉|黑|沪|苏|浙|皖|闽|赣|鲁|豫|鄂|湘|粤|桂|琼|渝|蜀|黔|滇|藏|陕|陇|青|宁|新)ICP备(\d{8}|\d{10})号$`)

// Normalize removes the spaces numbers are sometimes displayed with and
// turns a full-width hyphen or ICP in lower case into the usual form.
func Normalize(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r == '－' || r == '—' || r == '–':
			return '-'
		}
		return r
	}, s)
	return strings.Replace(s, "icp", "ICP", 1)
}

// IsSubject reports whether s is a well-formed subject number.
func IsSubject(s string) bool { return subjectRE.MatchString(s) }

// Abbr is the province abbreviation a subject or website number begins with.
func Abbr(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[0])
}

// SubjectOf is the subject number a website number extends, and n; ok is
// false when s is not <subject>-<n> with n ≥ 1.
func SubjectOf(s string) (subject string, n int, ok bool) {
	i := strings.LastIndex(s, "号-")
	if i < 0 {
		return "", 0, false
	}
	subject, rest := s[:i+len("号")], s[i+len("号-"):]
	if rest == "" || strings.TrimLeft(rest, "0123456789") != "" || rest[0] == '0' {
		return "", 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || !IsSubject(subject) {
		return "", 0, false
	}
	return subject, n, true
}

// Recorded is an approval's numbers as staff recorded them from the
// bureau, with what Beian knows to check them against.
type Recorded struct {
	Subject  string
	Websites []string
	// Abbr is the ICP abbreviation of the subject's province; Province
	// names it for people (zh, en).
	Abbr     string
	Province filing.Text
	// Sites is how many websites the approval must number (0: any, for a
	// subject cancellation, which voids whatever the subject holds).
	Sites int
	// KnownSubject and KnownWebsites are the numbers the filing already
	// has (a change, a cancellation, a new website or access of a filed
	// subject): the bureau does not renumber, so recorded ones must equal
	// them. "" where a number is new.
	KnownSubject  string
	KnownWebsites []string
}

// Check lists what is wrong with recorded numbers: each on its field
// (numbers.subject, numbers.websites[i]) with RuleInvalid.
func Check(r Recorded) []filing.Violation {
	var out []filing.Violation
	bad := func(field, zh, en string) {
		out = append(out, filing.Violation{Rule: RuleInvalid, Field: field, Severity: filing.SeverityError, Message: filing.Text{ZH: zh, EN: en}})
	}
	switch {
	case r.Subject == "":
		bad("numbers.subject", "请填写管局下发的主体备案号", "enter the subject number the bureau issued")
	case !IsSubject(r.Subject):
		bad("numbers.subject", fmt.Sprintf("主体备案号 %s 格式不正确，应如“京ICP备2026000123号”", r.Subject),
			fmt.Sprintf("the subject number %s is malformed; it looks like 京ICP备2026000123号", r.Subject))
	case r.Abbr != "" && Abbr(r.Subject) != r.Abbr:
		bad("numbers.subject", fmt.Sprintf("主体备案号 %s 不是本主体所在省份（%s，%s）的备案号", r.Subject, r.Province.ZH, r.Abbr),
			fmt.Sprintf("the subject number %s is not of the subject's province (%s, %s)", r.Subject, r.Province.EN, r.Abbr))
	case r.KnownSubject != "" && r.Subject != r.KnownSubject:
		bad("numbers.subject", fmt.Sprintf("该主体已备案，主体备案号为 %s，管局不会另发新号", r.KnownSubject),
			fmt.Sprintf("the subject is filed under %s; the bureau does not issue another number", r.KnownSubject))
	}
	if r.Sites > 0 && len(r.Websites) != r.Sites {
		bad("numbers.websites", fmt.Sprintf("需要 %d 个网站备案号（每个网站一个），实际填写了 %d 个", r.Sites, len(r.Websites)),
			fmt.Sprintf("%d website numbers are needed (one per website), %d were given", r.Sites, len(r.Websites)))
	}
	seen := map[string]bool{}
	for i, w := range r.Websites {
		field := fmt.Sprintf("numbers.websites[%d]", i)
		subject, _, ok := SubjectOf(w)
		switch {
		case !ok:
			bad(field, fmt.Sprintf("网站备案号 %s 格式不正确，应为主体备案号加“-序号”，如“京ICP备2026000123号-1”", w),
				fmt.Sprintf("the website number %s is malformed; it is the subject number and -n, such as 京ICP备2026000123号-1", w))
		case subject != r.Subject:
			bad(field, fmt.Sprintf("网站备案号 %s 不是主体备案号 %s 下的编号", w, r.Subject),
				fmt.Sprintf("the website number %s does not extend the subject number %s", w, r.Subject))
		case seen[w]:
			bad(field, fmt.Sprintf("网站备案号 %s 重复", w), fmt.Sprintf("the website number %s appears twice", w))
		case i < len(r.KnownWebsites) && r.KnownWebsites[i] != "" && w != r.KnownWebsites[i]:
			bad(field, fmt.Sprintf("该网站已备案，网站备案号为 %s", r.KnownWebsites[i]),
				fmt.Sprintf("the website is filed under %s", r.KnownWebsites[i]))
		}
		seen[w] = true
	}
	return out
}
