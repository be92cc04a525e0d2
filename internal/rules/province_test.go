package rules

import (
	"slices"
	"testing"

	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/refdata"
)

// TestProvinceTable: the embedded table names real provinces and says
// what the background notes say of the provinces the issue names.
func TestProvinceTable(t *testing.T) {
	for code := range provinceRules {
		if _, ok := refdata.Default().Province(code); !ok {
			t.Errorf("province_rules.json: %s is no province", code)
		}
	}
	for _, p := range []string{"440000", "310000", "320000"} { // 广东 上海 江苏
		if r := ProvinceRules(p); !r.NeedsCommitmentLetter() || r.CommitmentLetter.EN == "" {
			t.Errorf("%s: no commitment letter", p)
		}
	}
	for _, p := range []string{"320000", "430000"} { // 江苏 湖南
		if !ProvinceRules(p).DomainCertificate {
			t.Errorf("%s: no mandatory domain certificate", p)
		}
	}
	if r := ProvinceRules("110000"); r.NeedsCommitmentLetter() || r.DomainCertificate || r.LocalIndividualsOnly {
		t.Errorf("Beijing asks for more than the national rules: %+v", r)
	}
	if r := ProvinceRules("nope"); r != (ProvinceRule{}) {
		t.Errorf("unknown code: %+v", r)
	}
}

// TestOutOfProvinceIndividual: in a province that refuses them, an
// individual with another province's resident ID is refused; a local one,
// an organization, or the same person in a province that accepts them is not.
func TestOutOfProvinceIndividual(t *testing.T) {
	v := newValidator(t)
	base := loadExample(t, individual) // a Guangdong individual with a Guangdong ID
	if slices.ContainsFunc(v.Validate(base, today), func(x filing.Violation) bool { return x.Rule == "subject.individual.out_of_province" }) {
		t.Fatal("the example is refused")
	}
	move := func(prov, city, county, idPrefix string) []string {
		d := loadExample(t, individual)
		d.Subject.Province, d.Subject.City, d.Subject.County = prov, city, county
		if idPrefix != "" {
			id := idPrefix + d.Subject.CertNumber[6:17]
			id += string(ident.IDCheckChar(id))
			d.Subject.CertNumber, d.Subject.Leader.CertNumber = id, id
			for i := range d.Websites {
				d.Websites[i].Leader.CertNumber = id
			}
		}
		return got(v.Validate(d, today))
	}
	// A Guangdong ID in Henan (410000, refuses): refused, at the certificate number.
	if g := move("410000", "410100", "410102", ""); !slices.Contains(g, "subject.individual.out_of_province@subject.cert_number") {
		t.Errorf("a Guangdong ID filed in Henan: %v", g)
	}
	// A Henan ID in Henan: accepted.
	if g := move("410000", "410100", "410102", "410102"); slices.Contains(g, "subject.individual.out_of_province@subject.cert_number") {
		t.Errorf("a Henan ID filed in Henan: %v", g)
	}
	// A Guangdong ID in Zhejiang (accepts, with a residence permit on paper): no such rule.
	if g := move("330000", "330100", "330106", ""); slices.Contains(g, "subject.individual.out_of_province@subject.cert_number") {
		t.Errorf("Zhejiang refused an out-of-province individual: %v", g)
	}
}
