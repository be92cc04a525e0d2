package api_test

import (
	"bytes"
	"strings"
	"testing"
)

// applicant registers and logs in an applicant, returning the token.
func (e *env) applicant(email, phone string) string {
	e.t.Helper()
	if a := e.do("POST", "/api/v1/accounts", "", map[string]any{"email": email, "phone": phone, "password": "Str0ng-pass!", "name": "申请人"}); a.status != 201 {
		e.t.Fatalf("register %s: %d %s", email, a.status, a.body)
	}
	a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": email, "password": "Str0ng-pass!"})
	if a.status != 201 {
		e.t.Fatalf("login %s: %d %s", email, a.status, a.body)
	}
	return a.json(e.t)["token"].(string)
}

// draft creates an application for a domain and credit code, returning its id.
func (e *env) draft(tok, domain, cert string) string {
	e.t.Helper()
	a := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": cert})
	if a.status != 201 {
		e.t.Fatalf("create %s: %d %s", domain, a.status, a.body)
	}
	return a.json(e.t)["id"].(string)
}

// emptyWebsites is a document body of n empty websites.
func emptyWebsites(n int) []byte {
	return []byte(`{"websites":[` + strings.TrimSuffix(strings.Repeat(`{},`, n), ",") + `]}`)
}

// TestBoundsBeforeWork replays issue 12's first attack: documents that
// make the server build large things are refused while decoding, with the
// field named (rules.md "Bounds").
func TestBoundsBeforeWork(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		tok := e.applicant("bounds@example.com", "13900004444")
		id := e.draft(tok, "example-hz.cn", "91330106E3PWQ30LC5")

		// 10,000 empty websites saved into a draft (was 200, and 376 MB to render).
		a := e.do("PUT", "/api/v1/applications/"+id, tok, emptyWebsites(10_000))
		if a.status != 413 || a.code(t) != "payload_too_large" || !hasViolation(a.json(t), "", "payload_too_large", "websites") {
			t.Errorf("10,000 websites: %d %.300s", a.status, a.body)
		}
		// 11 websites: one over the bound.
		if a := e.do("PUT", "/api/v1/applications/"+id, tok, emptyWebsites(11)); a.status != 413 {
			t.Errorf("11 websites: %d %.300s", a.status, a.body)
		}
		// Unauthenticated validation of a 1 MiB body of {} websites (was 10 s and 200 MB each).
		n := (1<<20 - 20) / 3
		if a := e.do("POST", "/api/v1/validate", "", emptyWebsites(n)); a.status != 413 || !hasViolation(a.json(t), "", "payload_too_large", "websites") {
			t.Errorf("validate %d websites: %d %.300s", n, a.status, a.body)
		}
		// Lists inside a website.
		doc := exampleDocument(t)
		w := doc["websites"].([]any)[0].(map[string]any)
		ips := make([]any, 33)
		for i := range ips {
			ips[i] = "42.159.1." + itoa(i+1)
		}
		w["access"].(map[string]any)["ips"] = ips
		if a := e.do("POST", "/api/v1/validate", "", doc); a.status != 413 || !hasViolation(a.json(t), "", "payload_too_large", "websites[0].access.ips") {
			t.Errorf("33 IPs: %d %.300s", a.status, a.body)
		}
		// A 250,000-character company name (was accepted and shown in the review queue).
		doc = exampleDocument(t)
		doc["subject"].(map[string]any)["name"] = strings.Repeat("公", 250_000)
		a = e.do("PUT", "/api/v1/applications/"+id, tok, doc)
		if a.status != 422 || a.code(t) != "field.too_long" || !hasViolation(a.json(t), "", "field.too_long", "subject.name") {
			t.Errorf("long name: %d %.300s", a.status, a.body)
		}
		// 101 characters is over; 100 is not.
		doc["subject"].(map[string]any)["name"] = strings.Repeat("公", 101)
		if a := e.do("POST", "/api/v1/validate", "", doc); a.status != 422 || !hasViolation(a.json(t), "", "field.too_long", "subject.name") {
			t.Errorf("101 characters: %d %.300s", a.status, a.body)
		}
		doc["subject"].(map[string]any)["name"] = strings.Repeat("公", 100)
		if a := e.do("POST", "/api/v1/validate", "", doc); a.status != 200 {
			t.Errorf("100 characters: %d %.300s", a.status, a.body)
		}
		// Control characters: refused in a name, a line break allowed in a remark.
		doc = exampleDocument(t)
		doc["subject"].(map[string]any)["investor"] = "杭州\t某某"
		doc["subject"].(map[string]any)["remark"] = "第一行\n第二行"
		if a := e.do("POST", "/api/v1/validate", "", doc); a.status != 422 || a.code(t) != "field.control_character" ||
			!hasViolation(a.json(t), "", "field.control_character", "subject.investor") || hasViolation(a.json(t), "", "field.control_character", "subject.remark") {
			t.Errorf("control characters: %d %.300s", a.status, a.body)
		}

		// A JSON null body is a 400, not a wiped draft.
		saved := e.do("PUT", "/api/v1/applications/"+id, tok, exampleDocument(t))
		if saved.status != 200 {
			t.Fatalf("save: %d %s", saved.status, saved.body)
		}
		for _, body := range []string{`null`, ` null `, `[]`, `"x"`} {
			if a := e.do("PUT", "/api/v1/applications/"+id, tok, []byte(body)); a.status != 400 {
				t.Errorf("PUT %s: %d %.300s", body, a.status, a.body)
			}
		}
		got := e.do("GET", "/api/v1/applications/"+id, tok, nil)
		if name := got.json(t)["document"].(map[string]any)["subject"].(map[string]any)["name"]; name == "" || name == nil {
			t.Errorf("the draft was wiped: %.300s", got.body)
		}
		if bytes.Contains(got.body, []byte(strings.Repeat("公", 101))) {
			t.Error("a refused document was stored")
		}
	})
}
