package filing

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
)

// The decoder and CheckBounds agree: what one refuses, the other reports
// with the same rule and field.
func TestBoundsAgree(t *testing.T) {
	cases := []struct {
		name, body, rule, field string
	}{
		{"websites", `{"websites":[` + strings.Repeat(`{},`, 10) + `{}]}`, RuleTooLarge, "websites"},
		{"ips", `{"websites":[{"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 32) + `"1.1.1.1"]}}]}`, RuleTooLarge, "websites[0].access.ips"},
		{"content types", `{"websites":[{"content_types":[` + strings.Repeat(`"a",`, 12) + `"a"]}]}`, RuleTooLarge, "websites[0].content_types"},
		{"pre-approvals", `{"websites":[{},{"pre_approvals":[` + strings.Repeat(`{},`, 12) + `{}]}]}`, RuleTooLarge, "websites[1].pre_approvals"},
		{"name", `{"Subject":{"Name":"` + strings.Repeat("名", 101) + `"}}`, RuleTooLong, "subject.name"},
		{"leader email", `{"websites":[{"leader":{"email":"` + strings.Repeat("a", 101) + `"}}]}`, RuleTooLong, "websites[0].leader.email"},
		{"remark", `{"subject":{"remark":"` + strings.Repeat("备", 1001) + `"}}`, RuleTooLong, "subject.remark"},
		{"address", `{"subject":{"cert_address":"` + strings.Repeat("址", 201) + `"}}`, RuleTooLong, "subject.cert_address"},
		{"ip entry", `{"websites":[{"access":{"ips":["1.1.1.1\u0000"]}}]}`, RuleControlCharacter, "websites[0].access.ips[0]"},
		{"C1 control", `{"subject":{"name":"a\u0085b"}}`, RuleControlCharacter, "subject.name"},
		{"DEL", `{"websites":[{"leader":{"mobile":"139\u007f"}}]}`, RuleControlCharacter, "websites[0].leader.mobile"},
		{"languages", `{"websites":[{},{},{"languages":[` + strings.Repeat(`"zh",`, 17) + `"zh"]}]}`, RuleTooLarge, "websites[2].languages"},
		{"pre-approval number", `{"websites":[{"pre_approvals":[{},{"number":"` + strings.Repeat("1", 101) + `"}]}]}`, RuleTooLong, "websites[0].pre_approvals[1].number"},
		{"ips after other lists", `{"websites":[{"content_types":[` + strings.Repeat(`"a",`, 11) + `"a"],"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 32) + `"1.1.1.1"]}}]}`, RuleTooLarge, "websites[0].access.ips"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(c.body), 10)
			var be *BoundsError
			if !errors.As(err, &be) || be.Violations[0].Rule != c.rule || be.Violations[0].Field != c.field {
				t.Fatalf("ParseDocument: %v", err)
			}
			if be.TooLarge != (c.rule == RuleTooLarge) {
				t.Errorf("TooLarge = %v", be.TooLarge)
			}
			// The same document built without the decoder's bounds.
			var doc Document
			if err := jsonUnbounded([]byte(c.body), &doc); err != nil {
				t.Fatal(err)
			}
			vs := CheckBounds(&doc, 10)
			if len(vs) == 0 || vs[0].Rule != c.rule || vs[0].Field != c.field {
				t.Errorf("CheckBounds = %+v", vs)
			}
		})
	}
	// Within bounds: line breaks in remarks, 100 characters, ten websites,
	// every list at its bound.
	ok := `{"subject":{"name":"` + strings.Repeat("名", 100) + `","remark":"a\nb","investor":"` + strings.Repeat("a", 200) + `"},"websites":[` + strings.Repeat(`{},`, 9) +
		`{"content_types":[` + strings.Repeat(`"a",`, 11) + `"a"],"languages":[` + strings.Repeat(`"zh",`, 16) + `"zh"],"access":{"ips":[` + strings.Repeat(`"1.1.1.1",`, 31) + `"1.1.1.1"]}}]}`
	doc, err := ParseDocument([]byte(ok), 10)
	if err != nil || len(doc.Websites) != 10 || len(doc.Websites[9].Access.IPs) != 32 || len(CheckBounds(doc, 10)) != 0 {
		t.Errorf("within bounds: %v", err)
	}
	if _, err := ParseDocument([]byte(`{"websites":[{},{},{}]}`), 2); err == nil {
		t.Error("a provider maximum under 10 is the bound")
	}
	if _, err := ParseDocument([]byte(`null`), 10); !errors.Is(err, ErrNotObject) {
		t.Errorf("null: %v", err)
	}
}

func jsonUnbounded(b []byte, v any) error {
	return json.Unmarshal(b, v, json.MatchCaseInsensitiveNames(true))
}
