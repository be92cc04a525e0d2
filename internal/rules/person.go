package rules

import (
	"strings"
	"time"

	"beian/internal/domainname"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/phone"
	"beian/internal/refdata"
)

var (
	rulePersonNameRequired = def("person.name.required", sevError,
		"请填写负责人姓名（与证件一致）",
		"enter the leader's name as on the certificate")
	rulePersonCertType = def("person.cert_type.not_allowed", sevError,
		"负责人证件类型须为个人证件（如居民身份证、护照、港澳台居民证件）",
		"the leader's certificate must be a person's (resident ID, passport, HK/Macao/Taiwan permits …)")
	rulePersonCertFormat = def("person.cert_number.format", sevError,
		"负责人证件号码格式不正确：%s",
		"the leader's certificate number is malformed: %s")
	rulePersonCertChecksum = def("person.cert_number.checksum", sevError,
		"负责人证件号码校验位不正确，请对照证件逐位核对",
		"the leader's certificate number has a wrong check character: compare it with the certificate")
	rulePersonCertLowercaseX = def("person.cert_number.lowercase_x", sevError,
		"负责人证件号码末位的 x 须为大写 X",
		"the final x of the leader's certificate number must be an upper-case X")
	rulePersonValidUntilRequired = def("person.cert_valid_until.required", sevError,
		"请填写证件有效期截止日期（YYYY-MM-DD）；长期有效的证件选择“长期”",
		"enter the certificate's expiry date (YYYY-MM-DD), or choose no end date for a long-term certificate")
	rulePersonValidUntilSoon = def("person.cert_valid_until.too_soon", sevError,
		"证件已过期或有效期不足 3 个月（截至 %s），请更换新证件后再备案",
		"the certificate has expired or expires within 3 months (on %s): renew it before filing")
	rulePersonUnder18 = def("person.age.under_18", sevError,
		"负责人未满 18 周岁，不能担任负责人",
		"the leader is under 18 and cannot be a leader")
	rulePersonMobileFormat = def("person.mobile.format", sevError,
		"请填写有效的 11 位大陆手机号码（用于接收管局核验短信）",
		"enter a valid 11-digit mainland mobile number (it receives the bureau's SMS)")
	rulePersonMobileRegion = def("person.mobile.region_mismatch", sevError,
		"手机号码归属地为%s，须与主办单位所在省份（%s）一致，请使用本省号码",
		"the mobile is registered in %s but the subject is in %s: use a number of the subject's province")
	rulePersonOfficeRequired = def("person.office_phone.required", sevError,
		"单位备案须填写负责人办公电话（固定电话如 010-12345678，或手机号码）",
		"an organization's leader needs an office phone (landline such as 010-12345678, or a mobile)")
	rulePersonOfficeFormat = def("person.office_phone.format", sevError,
		"办公电话须为“区号-号码”格式的固定电话（如 0571-87654321）或手机号码",
		"the office phone must be a landline 'area code-number' (e.g. 0571-87654321) or a mobile")
	rulePersonOfficeRegion = def("person.office_phone.region_mismatch", sevError,
		"办公电话归属地为%s，须与主办单位所在省份（%s）一致",
		"the office phone belongs to %s but the subject is in %s: use a number of the subject's province")
	rulePersonEmail = def("person.email.format", sevError,
		"请填写有效的电子邮箱（如 name@example.com）",
		"enter a valid email address (e.g. name@example.com)")
)

// minCertValidity is how long a certificate must stay valid after as_of.
const minCertValidityDays = 90

func (c *check) person(p *filing.Person, prefix string) {
	if p.Name == "" {
		c.r.add(rulePersonNameRequired, prefix+".name")
	}
	ct, ok := c.v.data.CertType(p.CertType)
	if !ok || ct.For != refdata.ForPerson {
		c.r.add(rulePersonCertType, prefix+".cert_type")
	} else {
		res := ident.Check(ct.NumberFormat, ct.Key, p.CertNumber, c.asOf)
		c.certResult(res, ct.NumberFormat, prefix+".cert_number", rulePersonCertFormat, rulePersonCertChecksum, rulePersonCertLowercaseX)
		if res == ident.OK && ident.HasBirthDate(ct.NumberFormat) {
			if birth, ok := ident.BirthDate(p.CertNumber); ok && birth.AddDate(18, 0, 0).After(c.asOf) {
				c.r.add(rulePersonUnder18, prefix+".cert_number")
			}
		}
	}
	c.validUntil(p.CertValidUntil, prefix+".cert_valid_until")
	c.mobile(p.Mobile, prefix+".mobile")
	c.officePhone(p.OfficePhone, prefix+".office_phone")
	if !EmailValid(p.Email) {
		c.r.add(rulePersonEmail, prefix+".email")
	}
}

func (c *check) validUntil(s, field string) {
	if s == filing.LongTerm {
		return
	}
	until, err := time.Parse(time.DateOnly, s)
	if err != nil {
		c.r.add(rulePersonValidUntilRequired, field)
		return
	}
	if until.Before(c.asOf.AddDate(0, 0, minCertValidityDays)) {
		c.r.add(rulePersonValidUntilSoon, field, s)
	}
}

func (c *check) mobile(s, field string) {
	info := phone.Lookup(s)
	if info.Kind != phone.Mobile {
		c.r.add(rulePersonMobileFormat, field)
		return
	}
	c.phoneRegion(info, rulePersonMobileRegion, field)
}

func (c *check) officePhone(s, field string) {
	if s == "" {
		if c.org {
			c.r.add(rulePersonOfficeRequired, field)
		}
		return
	}
	info := phone.Lookup(s)
	if !info.Valid() {
		c.r.add(rulePersonOfficeFormat, field)
		return
	}
	c.phoneRegion(info, rulePersonOfficeRegion, field)
}

// phoneRegion reports a number whose known home province is not the
// subject's; an unknown home (geocoded only as 中国) is fine.
func (c *check) phoneRegion(info phone.Info, rule Rule, field string) {
	if info.Province == "" || c.province == "" || info.Province == c.province {
		return
	}
	home, _ := c.v.data.Province(info.Province)
	own, _ := c.v.data.Province(c.province)
	c.r.add(rule, field, hint{home.Name, home.NameEN}, hint{own.Name, own.NameEN})
}

// EmailValid reports whether s is local@domain with a plausible local part
// (dot-atom, at most 64 bytes) and a valid domain of at least two labels
// whose top label is not numeric; IDN domains are accepted.
func EmailValid(s string) bool {
	if len(s) > 254 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		ch := local[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		case strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", ch) >= 0:
		default:
			return false
		}
	}
	n, err := domainname.Parse(domain)
	if err != nil || n.Labels() < 2 || domain != strings.TrimSpace(domain) || strings.HasSuffix(domain, ".") {
		return false
	}
	return true
}
