package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/words"
)

const (
	enterprise = "enterprise-first-filing.json"
	individual = "individual-first-filing.json"
)

var today = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

func newValidator(t testing.TB) *Validator {
	t.Helper()
	v, err := New(config.DefaultProvider())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// want is one expected violation.
type want struct{ rule, field string }

func (w want) String() string { return w.rule + "@" + w.field }

func got(vs []filing.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, want{v.Rule, v.Field}.String())
	}
	slices.Sort(out)
	return out
}

func wants(ws []want) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.String())
	}
	slices.Sort(out)
	return out
}

// withCheck appends the GB 11643 check character to 17 digits.
func withCheck(d17 string) string { return d17 + string(ident.IDCheckChar(d17)) }

// uscc appends the GB 32100 check character to 17 characters.
func uscc(s17 string) string { return s17 + string(ident.USCCCheckChar(s17)) }

// bothLeaders applies f to the subject leader and every website leader, so
// they stay the same person.
func bothLeaders(f func(p *filing.Person)) func(d *filing.Document) {
	return func(d *filing.Document) {
		f(&d.Subject.Leader)
		for i := range d.Websites {
			f(&d.Websites[i].Leader)
		}
	}
}

func leaderWants(rule, suffix string) []want {
	return []want{{rule, "subject.leader." + suffix}, {rule, "websites[0].leader." + suffix}}
}

type mutation struct {
	name   string
	base   string
	mutate func(d *filing.Document)
	want   []want
}

func TestExamplesAreValid(t *testing.T) {
	v := newValidator(t)
	for _, name := range []string{enterprise, individual} {
		d := loadExample(t, name)
		vs := v.Validate(d, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) // as_of in the document wins
		if len(vs) != 0 {
			t.Errorf("%s: %v", name, got(vs))
		}
	}
}

func TestValidateDoesNotModify(t *testing.T) {
	v := newValidator(t)
	d := loadExample(t, enterprise)
	d.Subject.Name = "  杭州示例网络科技有限公司 "
	d.Websites[0].Domain = " Example-HZ.cn "
	d.Websites[0].Access.IPs = []string{" 42.159.88.1"}
	if vs := v.Validate(d, today); len(vs) != 0 {
		t.Errorf("trimmed document should be valid: %v", got(vs))
	}
	if d.Subject.Name != "  杭州示例网络科技有限公司 " || d.Websites[0].Domain != " Example-HZ.cn " || d.Websites[0].Access.IPs[0] != " 42.159.88.1" {
		t.Error("Validate modified its input")
	}
	Normalize(d)
	if d.Subject.Name != "杭州示例网络科技有限公司" || d.Websites[0].Domain != "example-hz.cn" || d.Websites[0].Access.IPs[0] != "42.159.88.1" {
		t.Errorf("Normalize: %+v", d.Websites[0])
	}
	d.Websites[0].Domain = "XN--FIQ02IB9D179B.XN--FIQS8S"
	d.Websites[0].HomepageURL = " bad url/x "
	Normalize(d)
	if d.Websites[0].Domain != "中国移动.中国" || d.Websites[0].HomepageURL != "bad url/x" {
		t.Errorf("Normalize IDN: %q %q", d.Websites[0].Domain, d.Websites[0].HomepageURL)
	}
	Normalize(nil)
}

func TestMutations(t *testing.T) {
	v := newValidator(t)
	none := []want{}
	cases := []mutation{
		// Application
		{"flow empty", enterprise, func(d *filing.Document) { d.Flow = "" }, []want{{"application.flow.invalid", "flow"}}},
		{"flow unknown", enterprise, func(d *filing.Document) { d.Flow = "renew" }, []want{{"application.flow.invalid", "flow"}}},
		{"no websites", enterprise, func(d *filing.Document) { d.Websites = nil }, []want{{"application.websites.required", "websites"}}},
		{"no websites new_access", enterprise, func(d *filing.Document) { d.Flow = "new_access"; d.Websites = nil }, []want{{"application.websites.required", "websites"}}},
		{"change_subject without websites", enterprise, func(d *filing.Document) { d.Flow = "change_subject"; d.Websites = nil }, none},
		{"cancel_subject without websites", enterprise, func(d *filing.Document) { d.Flow = "cancel_subject"; d.Websites = nil }, none},
		{"too many websites", enterprise, func(d *filing.Document) {
			w := d.Websites[0]
			d.Websites = nil
			for i := 0; i < 11; i++ {
				w.Domain = fmt.Sprintf("example-hz%d.cn", i)
				w.HomepageURL = w.Domain
				d.Websites = append(d.Websites, w)
			}
			// The bound (rules.md "Bounds") as the doors refuse it, beside the rule.
		}, []want{{"application.websites.too_many", "websites"}, {"payload_too_large", "websites"}}},
		{"ten websites", enterprise, func(d *filing.Document) {
			w := d.Websites[0]
			d.Websites = nil
			for i := 0; i < 10; i++ {
				w.Domain = fmt.Sprintf("example-hz%d.cn", i)
				w.HomepageURL = "www." + w.Domain
				d.Websites = append(d.Websites, w)
			}
		}, none},

		// Subject: region
		{"province unknown", enterprise, func(d *filing.Document) { d.Subject.Province = "990000" }, []want{{"subject.region.invalid", "subject.province"}}},
		{"province is a city", enterprise, func(d *filing.Document) { d.Subject.Province = "330100" }, []want{{"subject.region.invalid", "subject.province"}}},
		{"city of another province", enterprise, func(d *filing.Document) { d.Subject.City = "320100" }, []want{{"subject.region.invalid", "subject.city"}}},
		{"city missing", enterprise, func(d *filing.Document) { d.Subject.City = "" }, []want{{"subject.region.invalid", "subject.city"}}},
		{"county missing", enterprise, func(d *filing.Document) { d.Subject.County = "" }, []want{{"subject.region.invalid", "subject.county"}}},
		{"county of another city", enterprise, func(d *filing.Document) { d.Subject.County = "330205" }, []want{{"subject.region.invalid", "subject.county"}}},
		{"county of Beijing", enterprise, func(d *filing.Document) { d.Subject.County = "110105" }, []want{{"subject.region.invalid", "subject.county"}}},
		{"other county of Hangzhou", enterprise, func(d *filing.Document) { d.Subject.County = "330110" }, none},
		{"东莞 has no counties", individual, func(d *filing.Document) { d.Subject.City = "441900"; d.Subject.County = "" }, none},
		{"东莞 town", individual, func(d *filing.Document) { d.Subject.City = "441900"; d.Subject.County = "441900003" }, none},
		{"中山 county repeats the city", individual, func(d *filing.Document) { d.Subject.City = "442000"; d.Subject.County = "442000" }, none},
		{"东莞 with a Guangzhou county", individual, func(d *filing.Document) { d.Subject.City = "441900"; d.Subject.County = "440106" }, []want{{"subject.region.invalid", "subject.county"}}},

		// Subject: nature and certificate
		{"nature unknown", enterprise, func(d *filing.Document) { d.Subject.Nature = "company" }, []want{{"subject.nature.invalid", "subject.nature"}}},
		{"nature empty", enterprise, func(d *filing.Document) { d.Subject.Nature = "" }, []want{{"subject.nature.invalid", "subject.nature"}}},
		{"enterprise with resident ID type", enterprise, func(d *filing.Document) { d.Subject.CertType = "resident_id" },
			[]want{{"subject.cert_type.not_allowed", "subject.cert_type"}, {"subject.cert_number.format", "subject.cert_number"}}},
		{"cert type unknown", enterprise, func(d *filing.Document) { d.Subject.CertType = "licence" }, []want{{"subject.cert_type.not_allowed", "subject.cert_type"}}},
		{"uscc check char wrong", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330106E3PWQ30LC6" }, []want{{"subject.cert_number.checksum", "subject.cert_number"}}},
		{"uscc lower case", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330106e3pwq30lc5" }, []want{{"subject.cert_number.format", "subject.cert_number"}}},
		{"uscc 17 chars", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330106E3PWQ30LC" }, []want{{"subject.cert_number.format", "subject.cert_number"}}},
		{"uscc with O", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330106E3PWO30LC5" }, []want{{"subject.cert_number.format", "subject.cert_number"}}},
		{"uscc empty", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "" }, []want{{"subject.cert_number.format", "subject.cert_number"}}},
		{"uscc of Beijing (百度)", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91110000802100433B" }, []want{{"subject.cert_number.province_mismatch", "subject.cert_number"}}},
		{"uscc of Shenzhen (腾讯)", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91440300708461136T" }, []want{{"subject.cert_number.province_mismatch", "subject.cert_number"}}},
		{"uscc of Hangzhou (阿里巴巴)", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330100799655058B" }, none},
		{"uscc of Hangzhou (网易)", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "91330108MA27Y5XH5G" }, none},
		{"uscc national registry", enterprise, func(d *filing.Document) { d.Subject.CertNumber = uscc("91100000MA0012345") }, none},
		{"uscc of a social group for an enterprise", enterprise, func(d *filing.Document) { d.Subject.CertNumber = uscc("51330106MJ0012345") },
			[]want{{"subject.cert_number.nature_mismatch", "subject.cert_number"}}},
		{"uscc of 个体工商户", enterprise, func(d *filing.Document) { d.Subject.CertNumber = uscc("92330106MA0012345") }, none},
		{"legacy registration number", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "330000000050426" }, none},
		{"legacy registration number checksum", enterprise, func(d *filing.Document) { d.Subject.CertNumber = "330000000050427" }, []want{{"subject.cert_number.checksum", "subject.cert_number"}}},
		{"institution with org code", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "institution", "org_code_certificate", "D2143569-X"
		}, none},
		{"institution with org code checksum", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "institution", "org_code_certificate", "D2143569-0"
		}, []want{{"subject.cert_number.checksum", "subject.cert_number"}}},
		{"institution certificate free number", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "institution", "institution_certificate", "事证第133010600123号"
		}, none},
		{"government uscc", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "government", "uscc_certificate", uscc("11330106002482000")
		}, none},
		{"government uscc from Beijing", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "government", "uscc_certificate", uscc("11110000002482000")
		}, []want{{"subject.cert_number.province_mismatch", "subject.cert_number"}}},
		{"individual with business licence", individual, func(d *filing.Document) {
			d.Subject.CertType, d.Subject.CertNumber = "business_license", "91330106E3PWQ30LC5"
		}, []want{{"subject.cert_type.not_allowed", "subject.cert_type"}, {"subject.leader.not_self", "subject.leader"}}},
		{"individual id lowercase x", individual, func(d *filing.Document) {
			d.Subject.CertNumber = "11010519491231002x"
			d.Subject.Leader.CertNumber = "11010519491231002x"
			d.Websites[0].Leader.CertNumber = "11010519491231002x"
		}, []want{{"subject.cert_number.lowercase_x", "subject.cert_number"},
			{"person.cert_number.lowercase_x", "subject.leader.cert_number"}, {"person.cert_number.lowercase_x", "websites[0].leader.cert_number"}}},

		// Subject: names, addresses, investor
		{"name empty", enterprise, func(d *filing.Document) { d.Subject.Name = "" }, []want{{"subject.name.required", "subject.name"}}},
		{"individual name differs from leader", individual, func(d *filing.Document) { d.Subject.Name = "陈小晨"; d.Subject.Investor = "陈小晨" },
			[]want{{"subject.name.leader_mismatch", "subject.name"}}},
		{"individual leader is someone else", individual, func(d *filing.Document) { d.Subject.CertNumber = withCheck("44010619900101123") },
			[]want{{"subject.leader.not_self", "subject.leader"}}},
		{"cert address empty", enterprise, func(d *filing.Document) { d.Subject.CertAddress = "" }, []want{{"subject.cert_address.required", "subject.cert_address"}}},
		{"individual without cert address", individual, func(d *filing.Document) { d.Subject.CertAddress = "" }, none},
		{"mailing empty", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "" }, []want{{"subject.mailing_address.required", "subject.mailing_address"}}},
		{"mailing not detailed", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "浙江省杭州市西湖区文三路" }, []want{{"subject.mailing_address.not_detailed", "subject.mailing_address"}}},
		{"mailing too short", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "杭州90号" }, []want{{"subject.mailing_address.not_detailed", "subject.mailing_address"}}},
		{"mailing rural", enterprise, func(d *filing.Document) {
			d.Subject.MailingAddress = "浙江省杭州市西湖区双浦镇铜鉴湖村"
		}, none},
		{"mailing in Shanghai", enterprise, func(d *filing.Document) {
			d.Subject.MailingAddress = "上海市浦东新区科苑路88号3号楼657室"
		},
			[]want{{"subject.mailing_address.province_mismatch", "subject.mailing_address"}}},
		{"mailing short name of another province", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "江苏南京市玄武区中山路18号" },
			[]want{{"subject.mailing_address.province_mismatch", "subject.mailing_address"}}},
		{"mailing on 北京路", individual, func(d *filing.Document) { d.Subject.MailingAddress = "北京路88号3号楼657室" }, none},
		{"mailing on 上海东路", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "上海东路18号2幢301室" }, none},
		{"mailing with country", enterprise, func(d *filing.Document) {
			d.Subject.MailingAddress = "中国上海市浦东新区科苑路88号3号楼657室"
		},
			[]want{{"subject.mailing_address.province_mismatch", "subject.mailing_address"}}},
		{"mailing with country, own province", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "中国浙江省杭州市西湖区文三路90号" }, none},
		{"mailing 海南藏族自治州 is in 青海", enterprise, func(d *filing.Document) {
			d.Subject.Province, d.Subject.City, d.Subject.County = "630000", "632500", "632521"
			d.Subject.CertNumber = uscc("91632521MA0012345")
			d.Subject.MailingAddress = "海南藏族自治州共和县恰卜恰镇东大街8号"
			bothLeaders(func(p *filing.Person) { p.Mobile = "13909711234"; p.OfficePhone = "0974-8512345" })(d)
			d.Subject.EmergencyPhone = "19912345678"
		}, none},
		{"mailing without province", enterprise, func(d *filing.Document) { d.Subject.MailingAddress = "杭州市西湖区文三路90号" }, none},
		{"investor empty", enterprise, func(d *filing.Document) { d.Subject.Investor = "" }, []want{{"subject.investor.required", "subject.investor"}}},
		{"enterprise investor another company", enterprise, func(d *filing.Document) { d.Subject.Investor = "示例集团有限公司" }, none},
		{"individual investor another", individual, func(d *filing.Document) { d.Subject.Investor = "张三" }, []want{{"subject.investor.individual_mismatch", "subject.investor"}}},

		// Subject: emergency phone
		{"emergency malformed", enterprise, func(d *filing.Document) { d.Subject.EmergencyPhone = "1380574567" }, []want{{"subject.emergency_phone.format", "subject.emergency_phone"}}},
		{"emergency landline", enterprise, func(d *filing.Document) { d.Subject.EmergencyPhone = "0571-87654322" }, []want{{"subject.emergency_phone.format", "subject.emergency_phone"}}},
		{"emergency = leader", enterprise, func(d *filing.Document) { d.Subject.EmergencyPhone = "13805815678" }, []want{{"subject.emergency_phone.same_as_leader", "subject.emergency_phone"}}},
		{"emergency = website leader", enterprise, func(d *filing.Document) {
			d.Websites[0].Leader = filing.Person{Name: "钱多多", CertType: "resident_id", CertNumber: withCheck("33010619900101123"),
				CertValidUntil: "long_term", OfficePhone: "0571-87654322", Mobile: "13857111234", Email: "qian@example.com"}
			d.Subject.EmergencyPhone = "13857111234"
		}, []want{{"subject.emergency_phone.same_as_leader", "subject.emergency_phone"}}},
		{"emergency from elsewhere is fine", enterprise, func(d *filing.Document) { d.Subject.EmergencyPhone = "13800138000" }, none},
		{"emergency empty", enterprise, func(d *filing.Document) { d.Subject.EmergencyPhone = "" }, none},

		// Persons
		{"leader name empty", enterprise, bothLeaders(func(p *filing.Person) { p.Name = "" }), leaderWants("person.name.required", "name")},
		{"leader with business licence", enterprise, bothLeaders(func(p *filing.Person) { p.CertType = "business_license" }), leaderWants("person.cert_type.not_allowed", "cert_type")},
		{"leader cert type unknown", enterprise, bothLeaders(func(p *filing.Person) { p.CertType = "" }), leaderWants("person.cert_type.not_allowed", "cert_type")},
		{"leader id checksum", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = "330106198702143282" }), leaderWants("person.cert_number.checksum", "cert_number")},
		{"leader id specimen", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = "11010519491231002X" }), none},
		{"leader id lowercase x", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = "11010519491231002x" }), leaderWants("person.cert_number.lowercase_x", "cert_number")},
		{"leader id 15 digits", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = "330106870214328" }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader id bad date", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = withCheck("33010619870230328") }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader id born after as_of", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = withCheck("33010620270101328") }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader id Hong Kong prefix", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = withCheck("81000019870214328") }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader under 18", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = withCheck("33010620081129328") }), leaderWants("person.age.under_18", "cert_number")},
		{"leader 18 today", enterprise, bothLeaders(func(p *filing.Person) { p.CertNumber = withCheck("33010620081128328") }), none},
		{"leader passport", enterprise, bothLeaders(func(p *filing.Person) { p.CertType, p.CertNumber = "passport", "E12345678" }), none},
		{"leader passport lower case", enterprise, bothLeaders(func(p *filing.Person) { p.CertType, p.CertNumber = "passport", "e12345678" }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader HK permit", enterprise, bothLeaders(func(p *filing.Person) { p.CertType, p.CertNumber = "hk_macao_travel_permit", "H12345678" }), none},
		{"leader HK permit malformed", enterprise, bothLeaders(func(p *filing.Person) { p.CertType, p.CertNumber = "hk_macao_travel_permit", "A12345678" }), leaderWants("person.cert_number.format", "cert_number")},
		{"leader Taiwan permit", enterprise, bothLeaders(func(p *filing.Person) { p.CertType, p.CertNumber = "taiwan_travel_permit", "12345678" }), none},
		{"leader HK residence permit", enterprise, bothLeaders(func(p *filing.Person) {
			p.CertType, p.CertNumber = "hk_macao_residence_permit", withCheck("81000019870214328")
		}), none},
		{"leader Taiwan residence permit with HK prefix", enterprise, bothLeaders(func(p *filing.Person) {
			p.CertType, p.CertNumber = "taiwan_residence_permit", withCheck("81000019870214328")
		}), leaderWants("person.cert_number.format", "cert_number")},
		{"leader residence permit under 18", enterprise, bothLeaders(func(p *filing.Person) {
			p.CertType, p.CertNumber = "taiwan_residence_permit", withCheck("83000020150214328")
		}), leaderWants("person.age.under_18", "cert_number")},
		{"leader foreign permanent residence", enterprise, bothLeaders(func(p *filing.Person) {
			p.CertType, p.CertNumber = "foreign_permanent_residence", withCheck("93315619850101123")
		}), none},
		{"valid from not a date", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidFrom = "2020/01/01" }), leaderWants("person.cert_valid_from.invalid", "cert_valid_from")},
		{"valid from impossible", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidFrom = "2020-02-30" }), leaderWants("person.cert_valid_from.invalid", "cert_valid_from")},
		{"valid from in the future", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidFrom = "2027-01-01" }), leaderWants("person.cert_valid_from.invalid", "cert_valid_from")},
		{"valid from today", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidFrom = "2026-11-28" }), none},
		{"valid from absent", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidFrom = "" }), none},
		{"valid until missing", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "" }), leaderWants("person.cert_valid_until.required", "cert_valid_until")},
		{"valid until not a date", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2041/03/01" }), leaderWants("person.cert_valid_until.required", "cert_valid_until")},
		{"valid until 长期", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2041-02-30" }), leaderWants("person.cert_valid_until.required", "cert_valid_until")},
		{"valid until long_term", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "long_term" }), none},
		{"valid until expired", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2026-01-01" }), leaderWants("person.cert_valid_until.too_soon", "cert_valid_until")},
		{"valid until in 89 days", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2027-02-25" }), leaderWants("person.cert_valid_until.too_soon", "cert_valid_until")},
		{"valid until in 90 days", enterprise, bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2027-02-26" }), none},
		{"mobile empty", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile 10 digits", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "1380581567" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile with suffix", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "13805815678x" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile +86", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "+8613805815678" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile 12 prefix", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "12805815678" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile 140 not allocated", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "14000000000" }, []want{{"person.mobile.format", "subject.leader.mobile"}}},
		{"mobile of Beijing", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "13800138000" }, []want{{"person.mobile.region_mismatch", "subject.leader.mobile"}}},
		{"mobile of Inner Mongolia", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "13904711234" }, []want{{"person.mobile.region_mismatch", "subject.leader.mobile"}}},
		{"mobile of Hangzhou", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "13857111234" }, none},
		{"mobile geocoded only as China", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "19912345678" }, none},
		{"mobile 166", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "16612345678" }, none},
		{"mobile 170", enterprise, func(d *filing.Document) { d.Subject.Leader.Mobile = "17012345678" }, none},
		{"individual mobile of Zhejiang", individual, bothLeaders(func(p *filing.Person) { p.Mobile = "13805815678" }), leaderWants("person.mobile.region_mismatch", "mobile")},
		{"office phone empty", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "" }), leaderWants("person.office_phone.required", "office_phone")},
		{"office phone short", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "0571-8765432" }), leaderWants("person.office_phone.format", "office_phone")},
		{"office phone 400", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "4000890365" }), leaderWants("person.office_phone.format", "office_phone")},
		{"office phone with extension", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "0571-87654321-8001" }), leaderWants("person.office_phone.format", "office_phone")},
		{"office phone Beijing", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "010-62345678" }), leaderWants("person.office_phone.region_mismatch", "office_phone")},
		{"office phone without hyphen", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "057187654321" }), none},
		{"office phone Ningbo", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "0574-87654321" }), none},
		{"office phone mobile", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "13805815678" }), none},
		{"office phone mobile of Beijing", enterprise, bothLeaders(func(p *filing.Person) { p.OfficePhone = "13800138000" }), leaderWants("person.office_phone.region_mismatch", "office_phone")},
		{"individual office phone Shenzhen", individual, bothLeaders(func(p *filing.Person) { p.OfficePhone = "0755-12345678" }), none},
		{"individual office phone Shanghai", individual, bothLeaders(func(p *filing.Person) { p.OfficePhone = "021-28986102" }), leaderWants("person.office_phone.region_mismatch", "office_phone")},
		{"email empty", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "" }), leaderWants("person.email.format", "email")},
		{"email without domain", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhaomin@" }), leaderWants("person.email.format", "email")},
		{"email without at", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhaomin.example.com" }), leaderWants("person.email.format", "email")},
		{"email single label", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhaomin@localhost" }), leaderWants("person.email.format", "email")},
		{"email bad domain", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhaomin@exa_mple.com" }), leaderWants("person.email.format", "email")},
		{"email IDN domain", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhaomin@例子.公司" }), none},
		{"email subdomain", enterprise, bothLeaders(func(p *filing.Person) { p.Email = "zhao.min+beian@mail.example.com.cn" }), none},

		// Websites: names
		{"site name empty", enterprise, func(d *filing.Document) { d.Websites[0].Name = "" }, []want{{"website.name.required", "websites[0].name"}}},
		{"site name one char", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示" }, []want{{"website.name.length", "websites[0].name"}}},
		{"site name 51 chars", enterprise, func(d *filing.Document) { d.Websites[0].Name = strings.Repeat("示", 51) }, []want{{"website.name.length", "websites[0].name"}}},
		{"site name 50 chars", enterprise, func(d *filing.Document) { d.Websites[0].Name = strings.Repeat("示", 50) }, none},
		{"site name English", enterprise, func(d *filing.Document) { d.Websites[0].Name = "Example Tech" }, []want{{"website.name.no_chinese", "websites[0].name"}}},
		{"site name digits", enterprise, func(d *filing.Document) { d.Websites[0].Name = "12306" }, []want{{"website.name.no_chinese", "websites[0].name"}}},
		{"site name is the domain", enterprise, func(d *filing.Document) { d.Websites[0].Name = "example-hz.cn" },
			[]want{{"website.name.no_chinese", "websites[0].name"}, {"website.name.is_domain", "websites[0].name"}}},
		{"site name contains the domain", enterprise, func(d *filing.Document) { d.Websites[0].Name = "example-hz.cn官网" }, []want{{"website.name.is_domain", "websites[0].name"}}},
		{"site name with www", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例官网www.abc" }, []want{{"website.name.is_domain", "websites[0].name"}}},
		{"site name with http", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例http官网" }, []want{{"website.name.is_domain", "websites[0].name"}}},
		{"site name host name", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例abc.com官网" }, []want{{"website.name.is_domain", "websites[0].name"}}},
		{"site name version number", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例科技3.0官网" }, none},
		{"site name Node.js", enterprise, func(d *filing.Document) { d.Websites[0].Name = "Node.js示例文档" }, none},
		{"site name national word", enterprise, func(d *filing.Document) { d.Websites[0].Name = "中国示例科技官网" }, []want{{"website.name.national_word", "websites[0].name"}}},
		{"site name 全国", enterprise, func(d *filing.Document) { d.Websites[0].Name = "全国示例科技官网" }, []want{{"website.name.national_word", "websites[0].name"}}},
		{"site name sensitive", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例彩票官网" }, []want{{"website.name.sensitive_word", "websites[0].name"}}},
		{"site name 人民政府", enterprise, func(d *filing.Document) { d.Websites[0].Name = "杭州市人民政府" }, []want{{"website.name.sensitive_word", "websites[0].name"}}},
		{"individual site name 博客", individual, func(d *filing.Document) { d.Websites[0].Name = "陈晨的个人博客" }, []want{{"website.name.individual_banned_word", "websites[0].name"}}},
		{"individual site name 工作室", individual, func(d *filing.Document) { d.Websites[0].Name = "陈晨工作室" }, []want{{"website.name.individual_banned_word", "websites[0].name"}}},
		{"individual site name Guangdong word", individual, func(d *filing.Document) { d.Websites[0].Name = "陈晨的股票笔记" }, []want{{"website.name.individual_banned_word", "websites[0].name"}}},
		{"individual site name Beijing word elsewhere", individual, func(d *filing.Document) { d.Websites[0].Name = "陈晨的读后评论" }, none},
		{"enterprise may say 股票", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例股票研究" }, none},
		{"site name needs news approval", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例新闻官网" }, []want{{"website.name.needs_pre_approval", "websites[0].name"}}},
		{"site name news approval held", enterprise, func(d *filing.Document) {
			d.Websites[0].Name = "示例新闻官网"
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news", Number: "浙网新闻〔2026〕1号"}}
		}, none},
		{"site name bbs lower case", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例bbs官网" }, []want{{"website.name.needs_pre_approval", "websites[0].name"}}},
		{"site name two categories", enterprise, func(d *filing.Document) { d.Websites[0].Name = "示例教育视频官网" },
			[]want{{"website.name.needs_pre_approval", "websites[0].name"}, {"website.name.needs_pre_approval", "websites[0].name"}}},
		{"government national word is a warning", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "government", "uscc_certificate", uscc("11330106002482000")
			d.Websites[0].Name = "国家示例局杭州分局"
		}, []want{{"website.name.national_word", "websites[0].name"}}},

		// National-level bodies (credit code region 100000) may use 中国, 全国 … (seed 2.3 (1)).
		{"national body names its site 中国", enterprise, func(d *filing.Document) {
			d.Subject.CertNumber = uscc("91100000MA0012345")
			d.Websites[0].Name = "中国示例科技官网"
		}, none},
		{"national body names its site 全国", enterprise, func(d *filing.Document) {
			d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "government", "uscc_certificate", uscc("11100000002482000")
			d.Websites[0].Name = "全国示例信息平台"
		}, none},
		{"a provincial body may not", enterprise, func(d *filing.Document) {
			d.Subject.CertNumber = uscc("91330106MA0012345")
			d.Websites[0].Name = "中国示例科技官网"
		}, []want{{"website.name.national_word", "websites[0].name"}}},
		{"100000 with a wrong check character is no national body", enterprise, func(d *filing.Document) {
			c := uscc("91100000MA0012345")
			d.Subject.CertNumber = c[:17] + map[bool]string{true: "1", false: "0"}[c[17] == '0']
			d.Websites[0].Name = "中国示例科技官网"
		}, []want{{"subject.cert_number.checksum", "subject.cert_number"}, {"website.name.national_word", "websites[0].name"}}},

		// Websites: domain and homepage
		{"domain empty", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "" }, []want{{"website.domain.required", "websites[0].domain"}}},
		{"domain www", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "www.example-hz.cn" }, []want{{"website.domain.not_registrable", "websites[0].domain"}}},
		{"domain bare suffix", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "com.cn"; d.Websites[0].HomepageURL = "www.com.cn" },
			[]want{{"website.domain.not_registrable", "websites[0].domain"}}},
		{"domain with scheme", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "http://example-hz.cn" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain with path", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "example-hz.cn/index.html" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain underscore", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "example_hz.cn" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain leading hyphen", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "-example-hz.cn" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain bad punycode", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "xn--abc.cn" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain single label", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "examplehz" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain an IP", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "42.159.88.1" }, []want{{"website.domain.invalid", "websites[0].domain"}}},
		{"domain .io", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "example-hz.io"
			d.Websites[0].HomepageURL = "www.example-hz.io"
		},
			[]want{{"website.domain.tld_not_approved", "websites[0].domain"}}},
		{"domain .org", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "example-hz.org"
			d.Websites[0].HomepageURL = "example-hz.org"
		},
			[]want{{"website.domain.tld_not_approved", "websites[0].domain"}}},
		{"domain upper case", enterprise, func(d *filing.Document) { d.Websites[0].Domain = "Example-HZ.CN" }, none},
		{"domain com.cn", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "example-hz.com.cn"
			d.Websites[0].HomepageURL = "www.example-hz.com.cn"
		}, none},
		{"domain IDN", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "中国移动.中国"
			d.Websites[0].HomepageURL = "www.中国移动.中国"
		}, none},
		{"domain punycode", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "xn--fiq02ib9d179b.xn--fiqs8s"
			d.Websites[0].HomepageURL = "www.中国移动.中国"
		}, none},
		{"domain .公司", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "示例.公司"
			d.Websites[0].HomepageURL = "示例.公司"
		}, none},
		{"domain .香港", enterprise, func(d *filing.Document) {
			d.Websites[0].Domain = "示例.香港"
			d.Websites[0].HomepageURL = "示例.香港"
		},
			[]want{{"website.domain.tld_not_approved", "websites[0].domain"}}},
		{"domain duplicate", enterprise, func(d *filing.Document) {
			w := d.Websites[0]
			w.Domain = "EXAMPLE-HZ.cn"
			d.Websites = append(d.Websites, w)
		}, []want{{"website.domain.duplicate", "websites[1].domain"}}},
		{"homepage empty", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "" }, []want{{"website.homepage_url.required", "websites[0].homepage_url"}}},
		{"homepage with path", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "www.example-hz.cn/index.html" }, []want{{"website.homepage_url.invalid", "websites[0].homepage_url"}}},
		{"homepage with query", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "https://www.example-hz.cn?x=1" }, []want{{"website.homepage_url.invalid", "websites[0].homepage_url"}}},
		{"homepage with port", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "http://www.example-hz.cn:8080" }, []want{{"website.homepage_url.invalid", "websites[0].homepage_url"}}},
		{"homepage with credentials", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "http://a:b@www.example-hz.cn" }, []want{{"website.homepage_url.invalid", "websites[0].homepage_url"}}},
		{"homepage other domain", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "www.example.com" }, []want{{"website.homepage_url.not_under_domain", "websites[0].homepage_url"}}},
		{"homepage suffix trick", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "www.badexample-hz.cn" }, []want{{"website.homepage_url.not_under_domain", "websites[0].homepage_url"}}},
		{"homepage https", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "https://www.example-hz.cn/" }, none},
		{"homepage bare domain", enterprise, func(d *filing.Document) { d.Websites[0].HomepageURL = "example-hz.cn" }, none},

		// Websites: content, languages, pre-approvals
		{"content types none", enterprise, func(d *filing.Document) { d.Websites[0].ContentTypes = nil }, []want{{"website.content_types.required", "websites[0].content_types"}}},
		{"content type unknown", enterprise, func(d *filing.Document) { d.Websites[0].ContentTypes = []string{"corporate_portal", "forum"} },
			[]want{{"website.content_types.invalid", "websites[0].content_types[1]"}}},
		{"content types six", enterprise, func(d *filing.Document) {
			d.Websites[0].ContentTypes = []string{"corporate_portal", "other", "news", "images", "music", "video"}
		}, []want{{"website.content_types.too_many", "websites[0].content_types"},
			{"website.content_types.needs_pre_approval", "websites[0].content_types[2]"},
			{"website.content_types.needs_pre_approval", "websites[0].content_types[4]"},
			{"website.content_types.needs_pre_approval", "websites[0].content_types[5]"}}},
		// Content that needs a pre-approval prompts for it (a warning), unless one of its categories is listed.
		{"content news without approval", enterprise, func(d *filing.Document) { d.Websites[0].ContentTypes = []string{"corporate_portal", "news"} },
			[]want{{"website.content_types.needs_pre_approval", "websites[0].content_types[1]"}}},
		{"content news with approval", enterprise, func(d *filing.Document) {
			d.Websites[0].ContentTypes = []string{"news"}
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news", Number: "浙网新闻〔2026〕1号"}}
		}, none},
		{"content games with the culture approval", enterprise, func(d *filing.Document) {
			d.Websites[0].ContentTypes = []string{"games"}
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "culture", Number: "浙网文〔2026〕1号"}}
		}, none},
		{"content games, video, education without", enterprise, func(d *filing.Document) { d.Websites[0].ContentTypes = []string{"games", "video", "education"} },
			[]want{{"website.content_types.needs_pre_approval", "websites[0].content_types[0]"}, {"website.content_types.needs_pre_approval", "websites[0].content_types[1]"},
				{"website.content_types.needs_pre_approval", "websites[0].content_types[2]"}}},
		{"individual shopping", individual, func(d *filing.Document) { d.Websites[0].ContentTypes = []string{"shopping"} },
			[]want{{"website.content_types.individual_not_allowed", "websites[0].content_types[0]"}}},
		{"individual blog", individual, func(d *filing.Document) { d.Websites[0].ContentTypes = []string{"blog"} }, none},
		{"languages none", enterprise, func(d *filing.Document) { d.Websites[0].Languages = []string{} }, []want{{"website.languages.required", "websites[0].languages"}}},
		{"language unknown", enterprise, func(d *filing.Document) { d.Websites[0].Languages = []string{"zh-Hans", "zh-CN"} },
			[]want{{"website.languages.invalid", "websites[0].languages[1]"}}},
		{"pre-approval unknown", enterprise, func(d *filing.Document) {
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "lottery", Number: "1"}}
		},
			[]want{{"website.pre_approvals.invalid", "websites[0].pre_approvals[0].category"}}},
		{"pre-approval without number", enterprise, func(d *filing.Document) { d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news"}} },
			[]want{{"website.pre_approvals.number_required", "websites[0].pre_approvals[0].number"}}},
		{"individual pre-approval", individual, func(d *filing.Document) {
			d.Websites[0].PreApprovals = []filing.PreApproval{{Category: "news", Number: "粤-1"}}
		},
			[]want{{"website.pre_approvals.individual_not_allowed", "websites[0].pre_approvals"}}},

		// Websites: the domain holder's declared relation (seed 2.3 (5))
		{"holder declared shareholder", enterprise, func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Relation: "shareholder", Name: " 杭州某某控股有限公司 "}
		}, none},
		{"holder relation unknown", enterprise, func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Relation: "cousin", Name: "王某"}
		}, []want{{"website.domain_holder.relation.invalid", "websites[0].domain_holder.relation"}}},
		{"holder name missing", enterprise, func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Relation: "senior_manager", Name: "  "}
		}, []want{{"website.domain_holder.name.required", "websites[0].domain_holder.name"}}},
		{"holder name without relation", enterprise, func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Name: "王某"}
		}, []want{{"website.domain_holder.relation.invalid", "websites[0].domain_holder.relation"}}},
		{"individual declares a holder", individual, func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Relation: "main_leader", Name: "陈母"}
		}, []want{{"website.domain_holder.individual_not_allowed", "websites[0].domain_holder"}}},

		// Websites: leaders and remark
		{"individual website leader someone else", individual, func(d *filing.Document) {
			d.Websites[0].Leader = filing.Person{Name: "陈母", CertType: "resident_id", CertNumber: withCheck("44010619650101123"),
				CertValidUntil: "long_term", Mobile: "13802512345", Email: "mum@example.net"}
		}, []want{{"website.leader.individual_mismatch", "websites[0].leader"}}},
		{"website leader shares mobile", enterprise, func(d *filing.Document) {
			d.Websites[0].Leader.CertNumber = withCheck("33010619900101123")
			d.Websites[0].Leader.Name = "钱多多"
			d.Websites[0].Leader.Email = "qian@example.com"
		}, []want{{"website.leader.contact_shared", "websites[0].leader.mobile"}}},
		{"website leader shares email", enterprise, func(d *filing.Document) {
			d.Websites[0].Leader.CertNumber = withCheck("33010619900101123")
			d.Websites[0].Leader.Mobile = "13857111234"
			d.Websites[0].Leader.Email = "ZhaoMin@Example.com"
		}, []want{{"website.leader.contact_shared", "websites[0].leader.email"}}},
		{"website leader another person", enterprise, func(d *filing.Document) {
			d.Websites[0].Leader = filing.Person{Name: "钱多多", CertType: "resident_id", CertNumber: withCheck("33010619900101123"),
				CertValidUntil: "2035-05-01", OfficePhone: "0571-87654322", Mobile: "13857111234", Email: "qian@example.com"}
		}, none},
		{"individual remark empty", individual, func(d *filing.Document) { d.Websites[0].Remark = "" }, []want{{"website.remark.describe_content", "websites[0].remark"}}},
		{"enterprise remark empty", enterprise, func(d *filing.Document) { d.Websites[0].Remark = "" }, none},

		// Access
		{"method colocation", enterprise, func(d *filing.Document) { d.Websites[0].Access.Method = "colocation" }, []want{{"access.method.not_offered", "websites[0].access.method"}}},
		{"method empty", enterprise, func(d *filing.Document) { d.Websites[0].Access.Method = "" }, []want{{"access.method.not_offered", "websites[0].access.method"}}},
		{"ips none", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = nil }, []want{{"access.ips.required", "websites[0].access.ips"}}},
		{"ip malformed", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"42.159.88.1", "42.159.888.1"} },
			[]want{{"access.ips.invalid", "websites[0].access.ips[1]"}}},
		{"ip with mask", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"42.159.88.0/24"} }, []want{{"access.ips.invalid", "websites[0].access.ips[0]"}}},
		{"ip leading zero", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"042.159.88.1"} }, []want{{"access.ips.invalid", "websites[0].access.ips[0]"}}},
		{"ip private 10", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"10.0.0.1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip private 192.168", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"192.168.1.10"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip private 172.16", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"172.20.1.1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip loopback", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"127.0.0.1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip link-local", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"169.254.1.1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip multicast", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"224.0.0.251"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip shared CGN", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"100.64.1.1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip documentation", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"203.0.113.5"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip zero", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"0.0.0.0"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ip broadcast", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"255.255.255.255"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ipv6 loopback", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"::1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ipv6 ula", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"fd00::1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ipv6 link-local", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"fe80::1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ipv6 documentation", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"2001:db8::1"} }, []want{{"access.ips.not_public", "websites[0].access.ips[0]"}}},
		{"ipv6 zone", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"fe80::1%eth0"} }, []want{{"access.ips.invalid", "websites[0].access.ips[0]"}}},
		{"ip of another provider", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"8.8.8.8"} }, []want{{"access.ips.not_provider", "websites[0].access.ips[0]"}}},
		{"ipv6 public of another provider", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"2400:da00::6666"} }, []want{{"access.ips.not_provider", "websites[0].access.ips[0]"}}},
		{"ip range edges", enterprise, func(d *filing.Document) {
			d.Websites[0].Access.IPs = []string{"42.159.0.0", "42.159.255.255", "139.217.1.1", "139.219.200.3", "::ffff:42.159.1.1"}
		}, none},
		{"ip just outside", enterprise, func(d *filing.Document) { d.Websites[0].Access.IPs = []string{"42.160.0.0", "139.218.0.1"} },
			[]want{{"access.ips.not_provider", "websites[0].access.ips[0]"}, {"access.ips.not_provider", "websites[0].access.ips[1]"}}},
		{"server location Guangdong", enterprise, func(d *filing.Document) { d.Websites[0].Access.ServerLocation = "440000" },
			[]want{{"access.server_location.not_offered", "websites[0].access.server_location"}}},
		{"server location empty", enterprise, func(d *filing.Document) { d.Websites[0].Access.ServerLocation = "" },
			[]want{{"access.server_location.not_offered", "websites[0].access.server_location"}}},
		{"server location Beijing", enterprise, func(d *filing.Document) { d.Websites[0].Access.ServerLocation = "110000" }, none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := loadExample(t, c.base)
			c.mutate(d)
			vs := v.Validate(d, today)
			if g, w := got(vs), wants(c.want); !slices.Equal(g, w) {
				t.Errorf("got  %v\nwant %v", g, w)
			}
			for _, x := range vs {
				if x.Message.ZH == "" || x.Message.EN == "" || strings.Contains(x.Message.ZH+x.Message.EN, "%!") {
					t.Errorf("%s: bad message %+v", x.Rule, x.Message)
				}
				if x.Severity != filing.SeverityError && x.Severity != filing.SeverityWarning {
					t.Errorf("%s: severity %q", x.Rule, x.Severity)
				}
			}
		})
	}
}

func TestSeverities(t *testing.T) {
	v := newValidator(t)
	d := loadExample(t, enterprise)
	d.Subject.Nature, d.Subject.CertType, d.Subject.CertNumber = "institution", "org_code_certificate", "D2143569-X"
	d.Websites[0].Name = "中华示例研究院"
	vs := v.Validate(d, today)
	if len(vs) != 1 || vs[0].Severity != filing.SeverityWarning || filing.HasErrors(vs) {
		t.Errorf("institution national word: %+v", vs)
	}
	d = loadExample(t, enterprise)
	d.Websites[0].Name = "中华示例研究院"
	vs = v.Validate(d, today)
	if len(vs) != 1 || vs[0].Severity != filing.SeverityError {
		t.Errorf("enterprise national word: %+v", vs)
	}
	d = loadExample(t, individual)
	d.Websites[0].Remark = ""
	if vs := v.Validate(d, today); filing.HasErrors(vs) || len(vs) != 1 {
		t.Errorf("remark is a warning: %+v", vs)
	}
}

func TestAsOf(t *testing.T) {
	v := newValidator(t)
	d := loadExample(t, enterprise)
	d.AsOf = ""
	bothLeaders(func(p *filing.Person) { p.CertValidUntil = "2027-02-25" })(d)
	// 2026-11-27 23:30 UTC is already 2026-11-28 in China.
	vs := v.Validate(d, time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC))
	if g := got(vs); len(g) != 2 {
		t.Errorf("as_of from today (CST): %v", g)
	}
	if vs := v.Validate(d, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)); len(vs) != 0 {
		t.Errorf("a day earlier the certificate is fine: %v", got(vs))
	}
	if _, err := ParseAsOf("2026-13-01", today); err == nil {
		t.Error("ParseAsOf accepted month 13")
	}
	d.AsOf = "garbage"
	if vs := v.Validate(d, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)); len(vs) != 0 {
		t.Errorf("an unreadable as_of falls back to today: %v", got(vs))
	}
}

func TestNewProvider(t *testing.T) {
	p := config.DefaultProvider()
	p.IPRanges = []string{"2402:4e00::/32", "1.2.3.4", "5.6.7.0-5.6.7.9"}
	p.ApprovedTLDs = []string{".IO", "xn--fiqs8s"}
	p.AccessMethods = []string{"cloud", "colocation"}
	p.ServerLocations = []string{"440000"}
	p.MaxWebsitesPerApplication = 1
	v, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	d := loadExample(t, enterprise)
	d.Websites[0].Domain, d.Websites[0].HomepageURL = "example-hz.io", "example-hz.io"
	d.Websites[0].Access = filing.Access{Method: "colocation", IPs: []string{"2402:4e00:1::1", "1.2.3.4", "5.6.7.9"}, ServerLocation: "440000"}
	if vs := v.Validate(d, today); len(vs) != 0 {
		t.Errorf("custom provider: %v", got(vs))
	}
	d.Websites[0].Access.IPs = []string{"5.6.7.10", "1.2.3.5"}
	d.Websites[0].Domain, d.Websites[0].HomepageURL = "example-hz.com", "example-hz.com"
	d.Websites = append(d.Websites, d.Websites[0])
	d.Websites[1].Domain, d.Websites[1].HomepageURL = "示例.中国", "示例.中国"
	d.Websites[1].Access.IPs = []string{"2402:4e00::8"}
	g := got(v.Validate(d, today))
	w := wants([]want{{"access.ips.not_provider", "websites[0].access.ips[0]"}, {"access.ips.not_provider", "websites[0].access.ips[1]"},
		{"website.domain.tld_not_approved", "websites[0].domain"}, {"application.websites.too_many", "websites"},
		{"payload_too_large", "websites"}}) // a provider maximum under 10 is the bound
	if !slices.Equal(g, w) {
		t.Errorf("got  %v\nwant %v", g, w)
	}
	for _, bad := range []config.Provider{
		{IPRanges: []string{"42.159.0.0/33"}},
		{IPRanges: []string{"10.0.0.9-10.0.0.1"}},
		{AccessMethods: []string{"teleport"}},
		{ServerLocations: []string{"999999"}},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) accepted", bad)
		}
	}
}

func TestEmailValid(t *testing.T) {
	cases := map[string]bool{
		"zhangsan@example.com": true, "a.b-c+d@mail.example.com.cn": true, "x@例子.公司": true, "x@xn--fiqs8s.com": true,
		"": false, "@example.com": false, "a@": false, "a@b": false, "a@@b.com": false, "a b@c.com": false,
		".a@b.com": false, "a.@b.com": false, "a..b@c.com": false, "a@b..com": false, "a@-b.com": false, "a@b.com.": false,
		"a@1.2.3.4": false, "张三@example.com": false, strings.Repeat("a", 65) + "@b.com": false, "a@b_c.com": false,
	}
	for in, w := range cases {
		if g := EmailValid(in); g != w {
			t.Errorf("EmailValid(%q) = %v, want %v", in, g, w)
		}
	}
}

// TestCatalog keeps the catalogue in step with rules.md: every pure rule
// has exactly one entry and a message in both languages.
func TestCatalog(t *testing.T) {
	codes := []string{
		"subject.region.invalid", "subject.nature.invalid", "subject.cert_type.not_allowed", "subject.cert_number.format",
		"subject.cert_number.checksum", "subject.cert_number.lowercase_x", "subject.cert_number.province_mismatch",
		"subject.cert_number.nature_mismatch", "subject.name.required", "subject.name.leader_mismatch", "subject.leader.not_self",
		"subject.cert_address.required", "subject.mailing_address.required", "subject.mailing_address.not_detailed",
		"subject.mailing_address.province_mismatch", "subject.investor.required", "subject.investor.individual_mismatch",
		"subject.emergency_phone.format", "subject.emergency_phone.same_as_leader",
		"person.name.required", "person.cert_type.not_allowed", "person.cert_number.format", "person.cert_number.checksum",
		"person.cert_number.lowercase_x", "person.cert_valid_until.required", "person.cert_valid_until.too_soon", "person.age.under_18",
		"person.mobile.format", "person.mobile.region_mismatch", "person.office_phone.required", "person.office_phone.format",
		"person.office_phone.region_mismatch", "person.email.format", "person.cert_valid_from.invalid",
		"website.name.required", "website.name.length", "website.name.no_chinese", "website.name.is_domain", "website.name.national_word",
		"website.name.sensitive_word", "website.name.individual_banned_word", "website.name.needs_pre_approval",
		"website.domain.required", "website.domain.invalid", "website.domain.not_registrable", "website.domain.tld_not_approved",
		"website.domain.duplicate", "website.homepage_url.required", "website.homepage_url.invalid", "website.homepage_url.not_under_domain",
		"website.content_types.required", "website.content_types.invalid", "website.content_types.too_many",
		"website.content_types.individual_not_allowed", "website.content_types.needs_pre_approval", "website.languages.required", "website.languages.invalid",
		"website.pre_approvals.invalid", "website.pre_approvals.number_required", "website.pre_approvals.individual_not_allowed",
		"website.leader.individual_mismatch", "website.leader.contact_shared", "website.remark.describe_content",
		"website.domain_holder.individual_not_allowed", "website.domain_holder.relation.invalid", "website.domain_holder.name.required",
		"access.method.not_offered", "access.ips.required", "access.ips.invalid", "access.ips.not_public", "access.ips.not_provider",
		"access.server_location.not_offered",
		"application.flow.invalid", "application.websites.required", "application.websites.too_many",
		"subject.individual.out_of_province", // the province table's (province.go)
	}
	cat := Catalog()
	byCode := map[string]Rule{}
	for _, r := range cat {
		if _, dup := byCode[r.Code]; dup {
			t.Errorf("duplicate %s", r.Code)
		}
		byCode[r.Code] = r
		if r.Message.ZH == "" || r.Message.EN == "" {
			t.Errorf("%s lacks a message", r.Code)
		}
	}
	for _, c := range codes {
		if _, ok := byCode[c]; !ok {
			t.Errorf("missing %s", c)
		}
	}
	if len(cat) != len(codes) {
		t.Errorf("catalogue has %d rules, rules.md %d", len(cat), len(codes))
	}
	warnings := map[string]bool{"subject.cert_number.nature_mismatch": true, "website.name.needs_pre_approval": true, "website.remark.describe_content": true,
		"website.content_types.needs_pre_approval": true}
	for _, r := range cat {
		if (r.Severity == filing.SeverityWarning) != warnings[r.Code] {
			t.Errorf("%s severity %s", r.Code, r.Severity)
		}
	}
}

func TestValidateConcurrent(t *testing.T) {
	v := newValidator(t)
	done := make(chan []string)
	for g := 0; g < 4; g++ {
		go func() {
			d := loadExample(t, individual)
			var last []string
			for i := 0; i < 200; i++ {
				last = got(v.Validate(d, today))
			}
			done <- last
		}()
	}
	for g := 0; g < 4; g++ {
		if g := <-done; len(g) != 0 {
			t.Errorf("concurrent: %v", g)
		}
	}
}

func TestHugeDocumentIsBounded(t *testing.T) {
	v := newValidator(t)
	d := &filing.Document{Flow: "first_filing"}
	d.Websites = make([]filing.Website, 50000)
	for i := range d.Websites {
		d.Websites[i].Access.IPs = []string{"x"}
	}
	d.Websites[0].Access.IPs = make([]string, 100000)
	vs := v.Validate(d, today)
	if len(vs) > 10000 {
		t.Errorf("%d violations", len(vs))
	}
	if !slices.ContainsFunc(vs, func(x filing.Violation) bool { return x.Rule == "application.websites.too_many" }) {
		t.Error("too_many missing")
	}
}

// TestEveryBannedWordReported: an individual's site name with several
// banned words names them all in one violation, in the order they appear,
// a word inside a longer one counted once (Guangdong: 论坛, 社区, 商城).
func TestEveryBannedWordReported(t *testing.T) {
	v := newValidator(t)
	d := loadExample(t, individual)
	d.Websites[0].Name = "陈晨的社区论坛和商城"
	var hit []filing.Violation
	for _, x := range v.Validate(d, today) {
		if x.Rule == "website.name.individual_banned_word" {
			hit = append(hit, x)
		}
	}
	if len(hit) != 1 || hit[0].Field != "websites[0].name" {
		t.Fatalf("banned words: %+v", hit)
	}
	if zh := hit[0].Message.ZH; !strings.Contains(zh, "“社区”、“论坛”、“商城”") {
		t.Errorf("zh: %s", zh)
	}
	if en := hit[0].Message.EN; !strings.Contains(en, `"社区", "论坛", "商城"`) {
		t.Errorf("en: %s", en)
	}
	if got := allContained("社区论坛论坛", []string{"论坛", "社区论坛", "社区"}); strings.Join(got, ",") != "社区论坛,论坛" {
		t.Errorf("allContained: %v", got)
	}
}

// TestCatalogWords: every rule's message is in the catalogue of words, in
// both languages (a rule without one would show its key).
func TestCatalogWords(t *testing.T) {
	for _, r := range Catalog() {
		if !words.Has("rule."+r.Code) || r.Message.ZH == "rule."+r.Code || r.Message.EN == "rule."+r.Code {
			t.Errorf("rule %s has no words", r.Code)
		}
	}
}
