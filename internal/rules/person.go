package rules

import (
	"strings"

	"beian/internal/domainname"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/phone"
	"beian/internal/refdata"
)

var (
	rulePersonNameRequired       = def("person.name.required", sevError)
	rulePersonCertType           = def("person.cert_type.not_allowed", sevError)
	rulePersonCertFormat         = def("person.cert_number.format", sevError)
	rulePersonCertChecksum       = def("person.cert_number.checksum", sevError)
	rulePersonCertLowercaseX     = def("person.cert_number.lowercase_x", sevError)
	rulePersonValidUntilRequired = def("person.cert_valid_until.required", sevError)
	rulePersonValidUntilSoon     = def("person.cert_valid_until.too_soon", sevError)
	rulePersonValidFrom          = def("person.cert_valid_from.invalid", sevError)
	rulePersonUnder18            = def("person.age.under_18", sevError)
	rulePersonMobileFormat       = def("person.mobile.format", sevError)
	rulePersonMobileRegion       = def("person.mobile.region_mismatch", sevError)
	rulePersonOfficeRequired     = def("person.office_phone.required", sevError)
	rulePersonOfficeFormat       = def("person.office_phone.format", sevError)
	rulePersonOfficeRegion       = def("person.office_phone.region_mismatch", sevError)
	rulePersonEmail              = def("person.email.format", sevError)
)

// minCertValidity is how long a certificate must stay valid after as_of.
const minCertValidityDays = 90

// path is a field's path in two parts, joined only when a violation names
// it: checking a valid person then builds no strings (the joins were a
// seventh of validating a typical document).
type path struct{ prefix, name string }

func (p path) String() string { return p.prefix + p.name }

func (c *check) person(p *filing.Person, prefix string) {
	if p.Name == "" {
		c.r.add(rulePersonNameRequired, prefix+".name")
	}
	ct, ok := c.v.data.CertType(p.CertType)
	if !ok || ct.For != refdata.ForPerson {
		c.r.add(rulePersonCertType, prefix+".cert_type")
	} else {
		res := ident.Check(ct.NumberFormat, ct.Key, p.CertNumber, c.asOf)
		c.certResult(res, ct.NumberFormat, path{prefix, ".cert_number"}, rulePersonCertFormat, rulePersonCertChecksum, rulePersonCertLowercaseX)
		if res == ident.OK && ident.HasBirthDate(ct.NumberFormat) {
			if birth, ok := ident.BirthDate(p.CertNumber); ok && birth.AddDate(18, 0, 0).After(c.asOf) {
				c.r.add(rulePersonUnder18, prefix+".cert_number")
			}
		}
	}
	c.validFrom(p.CertValidFrom, path{prefix, ".cert_valid_from"})
	c.validUntil(p.CertValidUntil, path{prefix, ".cert_valid_until"})
	c.mobile(p.Mobile, path{prefix, ".mobile"})
	c.officePhone(p.OfficePhone, path{prefix, ".office_phone"})
	if !EmailValid(p.Email) {
		c.r.add(rulePersonEmail, prefix+".email")
	}
}

// validFrom: the optional start of validity, when given, is a real date
// not after as_of (a certificate is not filed before it is issued).
func (c *check) validFrom(s string, field path) {
	if s == "" {
		return
	}
	from, ok := parseDate(s)
	if !ok || from.After(c.asOf) {
		c.r.add(rulePersonValidFrom, field.String())
	}
}

func (c *check) validUntil(s string, field path) {
	if s == filing.LongTerm {
		return
	}
	until, ok := parseDate(s)
	if !ok {
		c.r.add(rulePersonValidUntilRequired, field.String())
		return
	}
	if until.Before(c.asOf.AddDate(0, 0, minCertValidityDays)) {
		c.r.add(rulePersonValidUntilSoon, field.String(), s)
	}
}

func (c *check) mobile(s string, field path) {
	info := phone.Lookup(s)
	if info.Kind != phone.Mobile {
		c.r.add(rulePersonMobileFormat, field.String())
		return
	}
	c.phoneRegion(info, rulePersonMobileRegion, field)
}

func (c *check) officePhone(s string, field path) {
	if s == "" {
		if c.org {
			c.r.add(rulePersonOfficeRequired, field.String())
		}
		return
	}
	info := phone.Lookup(s)
	if !info.Valid() {
		c.r.add(rulePersonOfficeFormat, field.String())
		return
	}
	c.phoneRegion(info, rulePersonOfficeRegion, field)
}

// phoneRegion reports a number whose known home province is not the
// subject's; an unknown home (geocoded only as 中国) is fine.
func (c *check) phoneRegion(info phone.Info, rule Rule, field path) {
	if info.Province == "" || c.province == "" || info.Province == c.province {
		return
	}
	home, _ := c.v.data.Province(info.Province)
	own, _ := c.v.data.Province(c.province)
	c.r.add(rule, field.String(), hint{home.Name, home.NameEN}, hint{own.Name, own.NameEN})
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
