package rules

import (
	"strings"
	"unicode/utf8"

	"beian/internal/ident"
	"beian/internal/phone"
	"beian/internal/refdata"
	"beian/internal/words"
)

var (
	ruleRegionInvalid             = def("subject.region.invalid", sevError)
	ruleNatureInvalid             = def("subject.nature.invalid", sevError)
	ruleSubjectCertTypeNotAllowed = def("subject.cert_type.not_allowed", sevError)
	ruleSubjectCertFormat         = def("subject.cert_number.format", sevError)
	ruleSubjectCertChecksum       = def("subject.cert_number.checksum", sevError)
	ruleSubjectCertLowercaseX     = def("subject.cert_number.lowercase_x", sevError)
	ruleSubjectCertProvince       = def("subject.cert_number.province_mismatch", sevError)
	ruleSubjectCertNature         = def("subject.cert_number.nature_mismatch", sevWarning)
	ruleSubjectNameRequired       = def("subject.name.required", sevError)
	ruleSubjectNameLeader         = def("subject.name.leader_mismatch", sevError)
	ruleSubjectLeaderNotSelf      = def("subject.leader.not_self", sevError)
	ruleCertAddressRequired       = def("subject.cert_address.required", sevError)
	ruleMailingRequired           = def("subject.mailing_address.required", sevError)
	ruleMailingNotDetailed        = def("subject.mailing_address.not_detailed", sevError)
	ruleMailingProvince           = def("subject.mailing_address.province_mismatch", sevError)
	ruleInvestorRequired          = def("subject.investor.required", sevError)
	ruleInvestorIndividual        = def("subject.investor.individual_mismatch", sevError)
	ruleEmergencyFormat           = def("subject.emergency_phone.format", sevError)
	ruleEmergencySame             = def("subject.emergency_phone.same_as_leader", sevError)
)

// certFormatHint explains a number format in both languages (the
// catalogue's format.<format>, format.other for a format it has no words for).
func certFormatHint(format string) (zh, en string) {
	key := "format." + format
	if !words.Has(key) {
		key = "format.other"
	}
	return words.T("zh", key), words.T("en", key)
}

func (c *check) subject() {
	s := &c.doc.Subject
	c.region()
	if !c.natureOK {
		c.r.add(ruleNatureInvalid, "subject.nature")
	}
	ct, ctOK := c.v.data.CertType(s.CertType)
	if !ctOK || (c.natureOK && !ct.AllowedFor(s.Nature)) {
		c.r.add(ruleSubjectCertTypeNotAllowed, "subject.cert_type")
	}
	if ctOK {
		res := ident.Check(ct.NumberFormat, ct.Key, s.CertNumber, c.asOf)
		c.certResult(res, ct.NumberFormat, path{"subject.cert_number", ""}, ruleSubjectCertFormat, ruleSubjectCertChecksum, ruleSubjectCertLowercaseX)
		if res == ident.OK && len(s.CertNumber) == 18 && isCreditFormat(ct.NumberFormat) {
			c.creditCode(s.CertNumber)
		}
	}
	if s.Name == "" {
		c.r.add(ruleSubjectNameRequired, "subject.name")
	}
	if c.individual {
		l := &s.Leader
		if s.Name != "" && l.Name != "" && s.Name != l.Name {
			c.r.add(ruleSubjectNameLeader, "subject.name")
		}
		if s.CertType != l.CertType || s.CertNumber != l.CertNumber {
			c.r.add(ruleSubjectLeaderNotSelf, "subject.leader")
		}
	}
	if c.org && s.CertAddress == "" {
		c.r.add(ruleCertAddressRequired, "subject.cert_address")
	}
	c.mailingAddress()
	if s.Investor == "" {
		c.r.add(ruleInvestorRequired, "subject.investor")
	} else if c.individual {
		own := s.Name
		if own == "" {
			own = s.Leader.Name
		}
		if own != "" && s.Investor != own {
			c.r.add(ruleInvestorIndividual, "subject.investor")
		}
	}
}

// nationalBody reports whether the subject is a national-level body: an
// organization whose credit code was issued by the national registry
// (characters 3–8 are 100000). Such a body may name its site with 中国,
// 全国 … (seed 2.3 (1)).
func (c *check) nationalBody() bool {
	s := &c.doc.Subject
	ct, ok := c.v.data.CertType(s.CertType)
	return c.org && ok && isCreditFormat(ct.NumberFormat) && len(s.CertNumber) == 18 && s.CertNumber[2:8] == "100000" &&
		ident.Check(ct.NumberFormat, ct.Key, s.CertNumber, c.asOf) == ident.OK
}

func isCreditFormat(f string) bool {
	return f == ident.FormatUSCC || f == ident.FormatUSCCOrReg15 || f == ident.FormatUSCCOrFree
}

// certResult reports a number check's outcome with the given rules.
func (c *check) certResult(res ident.Result, format string, field path, fmtRule, sumRule, xRule Rule) {
	switch res {
	case ident.Format:
		zh, en := certFormatHint(format)
		c.r.addAs(fmtRule, fmtRule.Severity, field.String(), hint{zh, en})
	case ident.Checksum:
		c.r.add(sumRule, field.String())
	case ident.LowercaseX:
		c.r.add(xRule, field.String())
	}
}

// hint is a bilingual argument: it prints in the language of the message
// it is formatted into (see report.addAs).
type hint struct{ zh, en string }

// creditCode checks where and for which nature a valid credit code was issued.
func (c *check) creditCode(code string) {
	if c.org && c.province != "" {
		region := code[2:8]
		// 100000 is the national registry (central bodies): valid anywhere.
		if region != "100000" && code[2:4] != c.province[:2] {
			p, _ := c.v.data.Province(c.province)
			c.r.add(ruleSubjectCertProvince, "subject.cert_number", code[2:4], hint{p.Name, p.NameEN})
		}
	}
	if c.natureOK && len(c.nature.USCCPrefixes) > 0 {
		prefix := code[:2]
		for _, p := range c.nature.USCCPrefixes {
			if p == prefix {
				return
			}
		}
		c.r.add(ruleSubjectCertNature, "subject.cert_number", prefix, hint{c.nature.ZH, c.nature.Key})
	}
}

func (c *check) region() {
	s := &c.doc.Subject
	d := c.v.data
	if c.province == "" {
		c.r.add(ruleRegionInvalid, "subject.province", hint{"请选择主办单位所在省份（六位行政区划代码）", "choose the subject's province (six-digit division code)"})
		return
	}
	city, ok := d.Division(s.City)
	if !ok || city.Level != 2 || city.Parent != c.province {
		c.r.add(ruleRegionInvalid, "subject.city", hint{"请选择所选省份下的地市", "choose a city inside the chosen province"})
		return
	}
	if s.County == "" {
		if d.HasCounties(s.City) {
			c.r.add(ruleRegionInvalid, "subject.county", hint{"请选择所在区县", "choose the county or district"})
		}
		return
	}
	if s.County == s.City && !d.HasCounties(s.City) {
		return // cities without counties (东莞, 中山 …) may repeat the city
	}
	county, ok := d.Division(s.County)
	if !ok || county.Level != 3 || county.Parent != s.City {
		c.r.add(ruleRegionInvalid, "subject.county", hint{"请选择所选地市下的区县", "choose a county inside the chosen city"})
	}
}

// addressDetailWords mark an address detailed to the house (or village).
var addressDetailWords = []string{"号", "室", "栋", "幢", "楼", "弄", "单元", "信箱", "村", "组"}

func (c *check) mailingAddress() {
	a := c.doc.Subject.MailingAddress
	if a == "" {
		c.r.add(ruleMailingRequired, "subject.mailing_address")
		return
	}
	detailed := utf8.RuneCountInString(a) >= 8
	if detailed {
		detailed = false
		for _, w := range addressDetailWords {
			if strings.Contains(a, w) {
				detailed = true
				break
			}
		}
	}
	if !detailed {
		c.r.add(ruleMailingNotDetailed, "subject.mailing_address")
	}
	if c.province == "" {
		return
	}
	if p, ok := addressProvince(c.v.data, a); ok && p.Code != c.province {
		own, _ := c.v.data.Province(c.province)
		c.r.add(ruleMailingProvince, "subject.mailing_address", hint{p.Name, p.NameEN}, hint{own.Name, own.NameEN})
	}
}

// addressProvince finds the province an address begins with, by full or
// short name. A short name followed by a street word is a street named
// after the province (北京路, 上海东路), not the province.
func addressProvince(d *refdata.Data, a string) (refdata.Province, bool) {
	for _, country := range []string{"中华人民共和国", "中国"} {
		if rest, ok := strings.CutPrefix(a, country); ok {
			a = strings.TrimLeft(rest, " ,，")
			break
		}
	}
	// 海南藏族自治州 is a prefecture of 青海, not the province 海南.
	if strings.HasPrefix(a, "海南藏族自治州") || strings.HasPrefix(a, "海南州") {
		p, ok := d.Province("630000")
		return p, ok
	}
	for _, p := range d.Provinces() {
		if strings.HasPrefix(a, p.Name) {
			return p, true
		}
	}
	for _, p := range d.Provinces() {
		rest, ok := strings.CutPrefix(a, p.ShortName)
		if !ok {
			continue
		}
		r := strings.TrimLeft(rest, "东西南北中")
		if strings.HasPrefix(r, "路") || strings.HasPrefix(r, "街") || strings.HasPrefix(r, "大街") || strings.HasPrefix(r, "大道") ||
			strings.HasPrefix(r, "道") || strings.HasPrefix(r, "巷") || strings.HasPrefix(r, "里") {
			continue
		}
		return p, true
	}
	return refdata.Province{}, false
}

func (c *check) emergencyPhone() {
	s := &c.doc.Subject
	e := s.EmergencyPhone
	if e == "" {
		return
	}
	if !phone.IsMobile(e) {
		c.r.add(ruleEmergencyFormat, "subject.emergency_phone")
	}
	same := e == s.Leader.Mobile
	for i := range c.doc.Websites {
		same = same || e == c.doc.Websites[i].Leader.Mobile
	}
	if same {
		c.r.add(ruleEmergencySame, "subject.emergency_phone")
	}
}
