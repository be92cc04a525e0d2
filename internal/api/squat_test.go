package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"beian/internal/ident"
)

// beijingCode is the n-th valid credit code of a Beijing enterprise.
func beijingCode(n int) string {
	s17 := fmt.Sprintf("91110105MA01%05d", n)
	return s17 + string(ident.USCCCheckChar(s17))
}

// TestNoSquatting replays issue 12's fourth attack: any account could
// block any company or domain for good with drafts. Now only a submitted
// application reserves, the first submission wins, an account holds at
// most 5 drafts, and a draft left alone for 30 days is withdrawn after a
// warning (workflow.md "What reserves a subject or a domain").
func TestNoSquatting(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		squatter := e.applicant("squatter@example.com", "13900008881")
		owner := e.applicant("owner@example.com", "13900008882")
		third := e.applicant("third@example.com", "13900008883")
		cert := beijingCode(1)

		// The squatter's draft reserves nothing: the real owner pre-checks and starts too.
		squatted := e.prepared(squatter, "bj-squat.cn", cert)
		pc := map[string]any{"domain": "bj-squat.cn", "cert_type": "business_license", "cert_number": cert}
		if a := e.do("POST", "/api/v1/precheck", owner, pc); a.status != 200 || a.json(t)["flow"] != "first_filing" {
			t.Fatalf("pre-check beside another account's draft: %d %s", a.status, a.body)
		}
		mine := e.prepared(owner, "bj-squat.cn", cert)
		// The account's own draft still stands in its own way (it continues that one).
		if a := e.do("POST", "/api/v1/precheck", owner, pc); a.status != 409 || a.code(t) != "precheck.subject_in_progress" {
			t.Errorf("pre-check beside one's own draft: %d %s", a.status, a.body)
		}

		// The first submission wins; the other is refused with the pre-check's code.
		if a := e.do("POST", "/api/v1/applications/"+mine+"/submit", owner, nil); a.status != 200 {
			t.Fatalf("first submission: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/applications/"+squatted+"/submit", squatter, nil); a.status != 409 || a.code(t) != "precheck.subject_in_progress" {
			t.Errorf("second submission: %d %s", a.status, a.body)
		}
		if a := e.do("GET", "/api/v1/applications/"+squatted, squatter, nil); a.json(t)["state"] != "draft" {
			t.Errorf("the refused draft moved: %s", a.body)
		}
		// Submitted, it reserves: the subject and the domain, against everyone else.
		if a := e.do("POST", "/api/v1/precheck", third, pc); a.status != 409 || a.code(t) != "precheck.subject_in_progress" {
			t.Errorf("pre-check of a submitted subject: %d %s", a.status, a.body)
		}
		other := map[string]any{"domain": "bj-squat.cn", "cert_type": "business_license", "cert_number": beijingCode(2)}
		if a := e.do("POST", "/api/v1/precheck", third, other); a.status != 409 || a.code(t) != "precheck.domain_in_progress" {
			t.Errorf("pre-check of a submitted domain: %d %s", a.status, a.body)
		}
		// A domain of a further website is reserved too: another account's draft holding it cannot submit.
		d2 := e.prepared(third, "bj-squat-2.cn", beijingCode(3))
		doc := e.do("GET", "/api/v1/applications/"+d2, third, nil).json(t)["document"].(map[string]any)
		w2 := clone(doc["websites"].([]any)[0].(map[string]any))
		w2["domain"], w2["homepage_url"] = "bj-squat.cn", "www.bj-squat.cn"
		doc["websites"] = append(doc["websites"].([]any), w2)
		if a := e.do("PUT", "/api/v1/applications/"+d2, third, doc); a.status != 200 {
			t.Fatalf("save a second website: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/applications/"+d2+"/submit", third, nil); a.status/100 != 4 || !strings.Contains(string(a.body), "precheck.domain_in_progress") {
			t.Errorf("submitting a reserved further domain: %d %.300s", a.status, a.body)
		}

		// At most 5 drafts per account (the squatter holds one already).
		var drafts []string
		for i := range 4 {
			drafts = append(drafts, e.draft(squatter, fmt.Sprintf("bj-many-%d.cn", i), beijingCode(10+i)))
		}
		sixth := map[string]any{"domain": "bj-many-9.cn", "cert_type": "business_license", "cert_number": beijingCode(19)}
		if a := e.do("POST", "/api/v1/applications", squatter, sixth); a.status != 409 || a.code(t) != "application.drafts.too_many" {
			t.Errorf("a sixth draft: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/applications/"+drafts[0]+"/withdraw", squatter, nil); a.status != 200 {
			t.Fatalf("withdraw: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/applications", squatter, sixth); a.status != 201 {
			t.Errorf("a fifth draft after withdrawing one: %d %s", a.status, a.body)
		}

		// A draft untouched for 30 days is withdrawn; its owner is told a week before.
		if err := e.svc.ScheduleDraftExpiry(context.Background()); err != nil {
			t.Fatal(err)
		}
		keep := drafts[1]
		e.clock.Set(e.clock.Now().Add(23*24*time.Hour + time.Hour))
		relogin := func() { // sessions last 14 days
			squatter, owner = e.login("squatter@example.com", "Str0ng-pass!"), e.login("owner@example.com", "Str0ng-pass!")
			e.admin = e.login("admin@beian.test", "Admin-pass-123")
		}
		relogin()
		if a := e.do("PUT", "/api/v1/applications/"+keep, squatter, map[string]any{"subject": map[string]any{"name": "北京保留科技有限公司"}}); a.status != 200 {
			t.Fatalf("a save: %d %s", a.status, a.body)
		}
		e.drain()
		warnings := 0
		for _, m := range e.outbox("email", "squatter@example.com") {
			if strings.Contains(fmt.Sprint(m["subject"]), "草稿即将过期") {
				warnings++
			}
		}
		if warnings != 4 { // squatted, drafts[2], drafts[3], the sixth; not the one saved today nor the withdrawn one
			t.Errorf("%d expiry warnings, want 4", warnings)
		}
		e.clock.Set(e.clock.Now().Add(7 * 24 * time.Hour))
		e.drain()
		relogin()
		for id, want := range map[string]string{squatted: "withdrawn", drafts[2]: "withdrawn", keep: "draft", mine: "initial_review"} {
			tok := squatter
			if id == mine {
				tok = owner
			}
			a := e.do("GET", "/api/v1/applications/"+id, tok, nil)
			if got := a.json(t)["state"]; got != want {
				t.Errorf("after 30 days: %s is %v, want %s", id, got, want)
			}
		}
		if a := e.do("GET", "/api/v1/applications/"+squatted, squatter, nil); !strings.Contains(string(a.body), `"actor":"scheduler"`) {
			t.Errorf("the withdrawal is not the scheduler's: %.400s", a.body)
		}
	})
}
