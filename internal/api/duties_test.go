package api_test

import (
	"testing"
)

// submitted takes a Beijing filing of tok's account to initial_review:
// pre-check, document, every attachment, submission. It returns the id.
func (e *lcEnv) submitted(tok, domain string) string {
	e.t.Helper()
	id := e.prepared(tok, domain, "")
	if a := e.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil); a.status != 200 {
		e.t.Fatalf("submit: %d %s", a.status, a.body)
	}
	return id
}

// prepared is a Beijing filing ready to submit: created, saved complete,
// every attachment uploaded. cert "" keeps the document's credit code.
func (e *lcEnv) prepared(tok, domain, cert string) string {
	t := e.t
	t.Helper()
	doc := beijingDocument(t.(*testing.T))
	doc["websites"].([]any)[0].(map[string]any)["domain"] = domain
	doc["websites"].([]any)[0].(map[string]any)["homepage_url"] = "www." + domain
	doc["websites"] = doc["websites"].([]any)[:1]
	subj := doc["subject"].(map[string]any)
	if cert != "" {
		subj["cert_number"] = cert
	}
	cr := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": subj["cert_number"]})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	id := cr.json(t)["id"].(string)
	path := "/api/v1/applications/" + id
	if a := e.do("PUT", path, tok, doc); a.status != 200 {
		t.Fatalf("save: %d %s", a.status, a.body)
	}
	for _, v := range e.do("GET", path, tok, nil).json(t)["violations"].([]any) {
		if v.(map[string]any)["severity"] == "error" {
			t.Fatalf("the document has an error: %v", v)
		}
	}
	for _, k := range []map[string]string{{"kind": "subject_certificate"}, {"kind": "subject_leader_id"},
		{"kind": "verification_form", "website": "0", "signed_on": e.day(-1)}, {"kind": "site_photo", "website": "0"}} {
		if a := e.upload(path+"/attachments", tok, k, photo(t, 800, 600)); a.status != 201 {
			t.Fatalf("upload %v: %d %s", k, a.status, a.body)
		}
	}
	return id
}

// TestSeparationOfDuties replays issue 12's fifth attack: a reviewer
// created, approved, materials-approved and submitted to the bureau their
// own application. Staff never act on an application their own account
// owns (403 review.own_application); another member of staff may.
func TestSeparationOfDuties(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		for _, s := range []struct{ email, phone string }{{"self@beian.test", "13900007771"}, {"other@beian.test", "13900007772"}} {
			if a := e.do("POST", "/api/v1/admin/users", e.admin, map[string]any{"email": s.email, "phone": s.phone,
				"password": "Rev1ewer-pass", "name": "审核员", "role": "reviewer"}); a.status != 201 {
				t.Fatalf("create reviewer: %d %s", a.status, a.body)
			}
		}
		self, other := e.login("self@beian.test", "Rev1ewer-pass"), e.login("other@beian.test", "Rev1ewer-pass")
		id := e.submitted(self, "bj-duties.cn")
		review := "/api/v1/review/applications/" + id
		own := func(step, method, path string, body any) {
			t.Helper()
			if a := e.do(method, path, self, body); a.status != 403 || a.code(t) != "review.own_application" {
				t.Errorf("%s of one's own application: %d %s", step, a.status, a.body)
			}
		}
		step := func(what, path string, body any, state string) {
			t.Helper()
			if a := e.do("POST", path, other, body); a.status != 200 || a.json(t)["state"] != state {
				t.Fatalf("%s by another reviewer: %d %s", what, a.status, a.body)
			}
		}
		approve := map[string]any{"decision": "approve"}
		own("initial review", "POST", review+"/decision", approve)
		own("rejection", "POST", review+"/decision", map[string]any{"decision": "reject",
			"reasons": []any{map[string]any{"field": "websites[0].name", "message": "x"}}})
		// Reading is no action; the service offers no action on one's own application.
		if a := e.do("GET", review, self, nil); a.status != 200 || len(a.json(t)["allowed"].([]any)) != 0 {
			t.Errorf("reading one's own application: %d %.300s", a.status, a.body)
		}
		if a := e.do("GET", review, other, nil); len(a.json(t)["allowed"].([]any)) == 0 {
			t.Errorf("another reviewer is offered no action: %.300s", a.body)
		}
		step("initial review", review+"/decision", approve, "verification")
		if a := e.do("POST", "/api/v1/applications/"+id+"/verification", self, map[string]any{"method": "mail", "tracking_number": "SF1234567890"}); a.status != 200 {
			t.Fatalf("verification by mail: %d %s", a.status, a.body)
		}
		own("materials received", "POST", review+"/materials-received", map[string]any{"note": "x"})
		step("materials received", review+"/materials-received", map[string]any{"note": "已签收"}, "material_review")
		own("material review", "POST", review+"/decision", approve)
		step("material review", review+"/decision", approve, "ready_for_bureau")
		own("submission to the bureau", "POST", review+"/submit-to-bureau", nil)
		step("submission to the bureau", review+"/submit-to-bureau", nil, "bureau_sms")

	})
}
