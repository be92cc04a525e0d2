package rules

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"beian/internal/filing"
)

// Province rules beyond the national ones (commitment letters, a mandatory
// domain certificate, bureaus that refuse individuals from other
// provinces) are data, not code: the bureaus change them often, so they
// sit in an embedded table (data/province_rules.json) an operator's build
// edits without touching a rule.

//go:embed data/province_rules.json
var provinceRulesJSON []byte

// ProvinceRule is what one province asks beyond the national rules.
type ProvinceRule struct {
	// CommitmentLetter names the province's 承诺书 when every filing needs
	// one; empty otherwise.
	CommitmentLetter filing.Text `json:"commitment_letter"`
	// DomainCertificate: every website of a filing carries its domain
	// certificate (域名证书).
	DomainCertificate bool `json:"domain_certificate"`
	// LocalIndividualsOnly: an individual's resident ID must have been
	// issued in this province.
	LocalIndividualsOnly bool `json:"local_individuals_only"`
}

// NeedsCommitmentLetter reports whether the province asks for a 承诺书.
func (p ProvinceRule) NeedsCommitmentLetter() bool { return p.CommitmentLetter.ZH != "" }

var provinceRules = mustProvinceRules(provinceRulesJSON)

func mustProvinceRules(b []byte) map[string]ProvinceRule {
	var f struct {
		Provinces map[string]ProvinceRule `json:"provinces"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		panic(fmt.Sprintf("rules: province_rules.json: %v", err)) // embedded: the tests catch it
	}
	return f.Provinces
}

// ProvinceRules is the province's rule (the zero rule for a province the
// table does not list, or an unknown code).
func ProvinceRules(province string) ProvinceRule { return provinceRules[province] }

// The message is the catalogue's (rule.subject.individual.out_of_province).
var ruleIndividualOutOfProvince = def("subject.individual.out_of_province", sevError)

// provinceRules applies the province table's rules on the document.
func (c *check) provinceRules() {
	if c.province == "" || !c.individual || !ProvinceRules(c.province).LocalIndividualsOnly {
		return
	}
	s := c.doc.Subject
	if s.CertType != "resident_id" || len(s.CertNumber) < 2 || strings.HasPrefix(c.province, s.CertNumber[:2]) {
		return
	}
	p, _ := c.v.data.Province(c.province)
	c.r.add(ruleIndividualOutOfProvince, "subject.cert_number", hint{zh: p.Name, en: p.NameEN})
}
