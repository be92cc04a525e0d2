package api_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"beian/internal/domainreg"
	"beian/internal/filing"
)

// testDomains is the domain registry of the lifecycle tests: the demo
// seed's simulator, with registrations a test sets (dated from the test's
// clock, so they hold at any BEIAN_TEST_NOW) and may change meanwhile, as
// a holder turning privacy on during the review.
type testDomains struct {
	domainreg.Registry
	mu  sync.Mutex
	set map[string]*domainreg.Registration
}

func (d *testDomains) Lookup(ctx context.Context, domain string, applicant filing.Subject, asOf time.Time) (*domainreg.Registration, error) {
	d.mu.Lock()
	r, ok := d.set[domainreg.Normalize(domain)]
	d.mu.Unlock()
	if ok {
		c := *r
		return &c, nil
	}
	return d.Registry.Lookup(ctx, domain, applicant, asOf)
}

// put sets domain's registration: by default registered, verified, held by
// holderCert, at a mainland registrar, a year left; mod changes it.
func (d *testDomains) put(domain, holderName, holderCert string, now time.Time, mod func(r *domainreg.Registration)) {
	r := &domainreg.Registration{Domain: domain, Registered: true, Verified: true, HolderName: holderName, HolderCertNumber: holderCert,
		Registrar: "境内注册商", RegistrarMainland: true, ExpiresOn: now.AddDate(1, 0, 0)}
	if mod != nil {
		mod(r)
	}
	d.mu.Lock()
	d.set[domain] = r
	d.mu.Unlock()
}

// TestDomainFactsEnforced: each domain fact stops a filing with its
// domain.* code before submission (workflow.md "Domain registry"): at
// pre-check (409, nothing created), on save (a violation at the website's
// domain) and at submission (422); the reviewer sees a fact that changes
// during the review.
func TestDomainFactsEnforced(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		tok := e.applicant("domains@example.com", "13900006161")
		now := e.clock.Now()
		doc := beijingDocument(t)
		subj := doc["subject"].(map[string]any)
		cert, leaderCert := subj["cert_number"].(string), subj["leader"].(map[string]any)["cert_number"].(string)

		// The five facts that do not depend on the document: refused at pre-check.
		facts := map[string]func(r *domainreg.Registration){
			"domain.not_registered":         func(r *domainreg.Registration) { r.Registered = false },
			"domain.not_verified":           func(r *domainreg.Registration) { r.Verified = false },
			"domain.expiring":               func(r *domainreg.Registration) { r.ExpiresOn = now.AddDate(0, 2, 20) },
			"domain.privacy_protected":      func(r *domainreg.Registration) { r.Privacy = true },
			"domain.registrar_not_approved": func(r *domainreg.Registration) { r.RegistrarMainland = false },
		}
		i := 0
		for rule, mod := range facts {
			i++
			d := "dr-fact-" + string(rune('a'+i)) + ".cn"
			e.domains.put(d, "", "", now, mod)
			body := map[string]any{"domain": d, "cert_type": "business_license", "cert_number": cert}
			for _, path := range []string{"/api/v1/precheck", "/api/v1/applications"} {
				if a := e.do("POST", path, tok, body); a.status != 409 || a.code(t) != rule || !hasViolation(a.json(t), "", rule, "domain") {
					t.Errorf("%s at %s: %d %.300s", rule, path, a.status, a.body)
				}
			}
		}
		if a := e.do("GET", "/api/v1/applications", tok, nil); len(a.json(t)["items"].([]any)) != 0 {
			t.Fatalf("a refused domain created an application: %s", a.body)
		}
		// Expiring exactly 3 months on is fine.
		e.domains.put("dr-three-months.cn", "", "", now, func(r *domainreg.Registration) { r.ExpiresOn = now.AddDate(0, 3, 1) })
		if a := e.do("POST", "/api/v1/precheck", tok, map[string]any{"domain": "dr-three-months.cn", "cert_type": "business_license", "cert_number": cert}); a.status != 200 {
			t.Errorf("a registration 3 months away: %d %s", a.status, a.body)
		}

		// Held by another company: the pre-check cannot judge the holder
		// (it knows no leader); the document can, at the field.
		e.domains.put("dr-taken.cn", "深圳某某贸易有限公司", "91440300MA5F000007", now, nil)
		cr := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "dr-taken.cn", "cert_type": "business_license", "cert_number": cert})
		if cr.status != 201 {
			t.Fatalf("create dr-taken.cn: %d %s", cr.status, cr.body)
		}
		id := cr.json(t)["id"].(string)
		w0 := doc["websites"].([]any)[0].(map[string]any)
		w0["domain"], w0["homepage_url"] = "dr-taken.cn", "www.dr-taken.cn"
		doc["websites"] = doc["websites"].([]any)[:1]
		if a := e.do("PUT", "/api/v1/applications/"+id, tok, doc); a.status != 200 || !hasViolation(a.json(t), "violations", "domain.holder_mismatch", "websites[0].domain") {
			t.Fatalf("save with a domain held by another company: %d %.500s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil); a.status != 422 || !hasViolation(a.json(t), "", "domain.holder_mismatch", "websites[0].domain") {
			t.Errorf("submit with a domain held by another company: %d %.500s", a.status, a.body)
		}
		// The subject's leader holds it: no violation.
		e.domains.put("dr-taken.cn", "王某", leaderCert, now, nil)
		if a := e.do("GET", "/api/v1/applications/"+id, tok, nil); hasViolation(a.json(t), "violations", "domain.holder_mismatch", "") {
			t.Errorf("a domain held by the subject's leader: %.500s", a.body)
		}
		// A further website's domain is checked too, at its own field.
		e.domains.put("dr-second.cn", "", "", now, func(r *domainreg.Registration) { r.Privacy = true })
		w1 := clone(w0)
		w1["domain"], w1["homepage_url"] = "dr-second.cn", "www.dr-second.cn"
		doc["websites"] = []any{w0, w1}
		a := e.do("PUT", "/api/v1/applications/"+id, tok, doc)
		if a.status != 200 || !hasViolation(a.json(t), "violations", "domain.privacy_protected", "websites[1].domain") ||
			hasViolation(a.json(t), "violations", "domain.privacy_protected", "websites[0].domain") {
			t.Errorf("a further website's domain: %d %.500s", a.status, a.body)
		}
		doc["websites"] = []any{w0}
		if a := e.do("PUT", "/api/v1/applications/"+id, tok, doc); a.status != 200 {
			t.Fatalf("save: %d %s", a.status, a.body)
		}

		// Submitted clean, the fact changes during the review: the reviewer sees it.
		for _, k := range []map[string]string{{"kind": "subject_certificate"}, {"kind": "subject_leader_id"},
			{"kind": "verification_form", "website": "0", "signed_on": e.day(-1)}, {"kind": "site_photo", "website": "0"}} {
			if a := e.upload("/api/v1/applications/"+id+"/attachments", tok, k, photo(t, 800, 600)); a.status != 201 {
				t.Fatalf("upload %v: %d %s", k, a.status, a.body)
			}
		}
		if a := e.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil); a.status != 200 {
			t.Fatalf("submit: %d %.500s", a.status, a.body)
		}
		e.domains.put("dr-taken.cn", "王某", leaderCert, now, func(r *domainreg.Registration) { r.Privacy = true })
		if a := e.do("GET", "/api/v1/review/applications/"+id, e.admin, nil); a.status != 200 ||
			!hasViolation(a.json(t), "violations", "domain.privacy_protected", "websites[0].domain") {
			t.Errorf("the reviewer does not see the domain's privacy: %d %.500s", a.status, a.body)
		}
	})
}
