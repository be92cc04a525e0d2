package api_test

import (
	"testing"
)

// TestPrecheckChecksItsInputs: a malformed pre-check input is a 422 naming
// the input, the rule and a message in both languages, and neither the
// pre-check nor the creation locks anything (workflow.md "Choosing the
// flow": nothing malformed is ever locked).
func TestPrecheckChecksItsInputs(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tok := e.applicant("inputs@example.com", "13900005151")
		good := beijingCode(51)
		wrongCheck := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(indexOf(good[17])+1)%31])
		cases := []struct {
			name, domain, certType, number string
			field, rule                    string
		}{
			{"123 as the number", "inputs-ok.cn", "business_license", "123", "cert_number", "subject.cert_number.format"},
			{"a credit code's wrong check character", "inputs-ok.cn", "business_license", wrongCheck, "cert_number", "subject.cert_number.checksum"},
			{"an ID number's wrong check character", "inputs-ok.cn", "resident_id", "110101199003071091", "cert_number", "subject.cert_number.checksum"},
			{"a lower-case x", "inputs-ok.cn", "resident_id", "11010119900307109x", "cert_number", "subject.cert_number.lowercase_x"},
			{"www. before the domain", "www.example.cn", "business_license", good, "domain", "website.domain.not_registrable"},
			{"a TLD that is not fileable", "example.onion", "business_license", good, "domain", "website.domain.tld_not_approved"},
			{"123 as the domain", "123", "business_license", good, "domain", "website.domain.invalid"},
			{"a URL as the domain", "http://example.cn/", "business_license", good, "domain", "website.domain.invalid"},
			{"a bare suffix", "com.cn", "business_license", good, "domain", "website.domain.not_registrable"},
			{"a person's certificate type", "inputs-ok.cn", "no_such_type", good, "cert_type", "subject.cert_type.not_allowed"},
		}
		for _, c := range cases {
			body := map[string]any{"domain": c.domain, "cert_type": c.certType, "cert_number": c.number}
			for _, path := range []string{"/api/v1/precheck", "/api/v1/applications"} {
				for _, lang := range []string{"zh", "en"} {
					req := e.request("POST", path, body)
					req.Header.Set("Accept-Language", lang)
					a := e.send(req, tok)
					if a.status != 422 || a.code(t) != "validation_failed" || !hasViolation(a.json(t), "", c.rule, c.field) {
						t.Errorf("%s, %s (%s): %d %.400s", c.name, path, lang, a.status, a.body)
						continue
					}
					for _, v := range a.json(t)["error"].(map[string]any)["violations"].([]any) {
						if m, _ := v.(map[string]any)["message"].(string); m == "" {
							t.Errorf("%s: a violation without message: %v", c.name, v)
						}
					}
				}
			}
		}
		// Nothing was created, nothing is reserved: the well-formed input goes through.
		if a := e.do("GET", "/api/v1/applications", tok, nil); len(a.json(t)["items"].([]any)) != 0 {
			t.Fatalf("a malformed pre-check created an application: %s", a.body)
		}
		if a := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "inputs-ok.cn", "cert_type": "business_license", "cert_number": good}); a.status != 201 {
			t.Fatalf("the well-formed input: %d %s", a.status, a.body)
		}
		// A valid ID number and an upper-case X pass.
		other := e.applicant("inputs2@example.com", "13900005152")
		if a := e.do("POST", "/api/v1/precheck", other, map[string]any{"domain": "inputs-person.cn", "cert_type": "resident_id", "cert_number": "11010119900307109X"}); a.status != 200 {
			t.Errorf("a valid ID number: %d %s", a.status, a.body)
		}
	})
}

func indexOf(c byte) int {
	const cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for i := range len(cs) {
		if cs[i] == c {
			return i
		}
	}
	return 0
}
