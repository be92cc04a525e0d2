package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"beian/internal/bureau"
	"beian/internal/ident"
	"beian/internal/service"
)

// csvRequest posts a CSV body.
func (e *lcEnv) csvRequest(path, body string) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	return req
}

// relayReady walks a second Beijing first filing of the same applicant
// (subject n, domain bj-relay-<n>.cn, its own leader mobile) to ready_for_bureau.
func relayReady(t *testing.T, e *lcEnv, tok, rev string, n int) (id, domain string) {
	t.Helper()
	doc := beijingDocument(t)
	doc["websites"] = doc["websites"].([]any)[:1]
	s := doc["subject"].(map[string]any)
	credit := "91110105MA01LR" + string(rune('0'+n)) + "Q2"
	credit += string(ident.USCCCheckChar(credit))
	s["cert_number"], s["name"], s["investor"] = credit, "北京转报测试"+string(rune('0'+n))+"科技有限公司", "北京转报测试科技有限公司"
	s["emergency_phone"] = "1391112999" + string(rune('0'+n))
	leader := s["leader"].(map[string]any)
	leader["mobile"], leader["email"] = "1391112000"+string(rune('0'+n)), "relay"+string(rune('0'+n))+"@example.com"
	domain = "bj-relay-" + string(rune('0'+n)) + ".cn"
	w := doc["websites"].([]any)[0].(map[string]any)
	w["domain"], w["homepage_url"], w["leader"] = domain, "www."+domain, clone(leader)
	return toBureau(t, e, tok, rev, domain, credit, doc), domain
}

// TestRelayMode (issue 14 item 1): with the real bureau, staff file at its
// system and record what it answered. Beian texts no code; the applicant
// is told where to confirm the bureau's SMS; recorded numbers are checked
// (shape, province, website numbers extending the subject number, held by
// nobody else) and reach the records and the public lookup; the SMS lapse
// returns the application; a CSV batch records several outcomes.
func TestRelayMode(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		tok, rev, id := readyForBureau(t, e)
		path := "/api/v1/applications/" + id
		if a := e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil); a.status != 200 || a.json(t)["state"] != "bureau_review" {
			t.Fatalf("submit to the real bureau: %d %s", a.status, a.body)
		}
		e.drain()
		if a := e.do("POST", path+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": "123456", "code": "123456"}); a.status != 409 {
			t.Errorf("confirming a code at Beian in relay mode: %d %s", a.status, a.body)
		}
		acc, err := e.svc.Authenticate(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		app, err := e.svc.GetApplication(context.Background(), acc, id)
		if err != nil || app.Progress.Situation != service.SituationSMSAtBureau || len(app.Progress.SMSAtBureau) != 1 ||
			app.Progress.SMSAtBureau[0].Mobile != "139****0001" || len(app.SMS) != 0 {
			t.Errorf("the progress does not tell where to confirm the bureau's SMS: %+v %v", app.Progress, err)
		}
		mails := e.outbox("email", "li@example.com")
		if len(mails) == 0 || !strings.Contains(mails[0]["body"].(string), "https://beian.miit.gov.cn") || !strings.Contains(mails[0]["body"].(string), "12381") {
			t.Errorf("the submission mail does not say where to confirm the bureau's SMS: %v", mails)
		}

		q := e.do("GET", "/api/v1/admin/bureau/applications", e.admin, nil)
		if q.status != 200 || q.json(t)["mode"] != "relay" || len(q.json(t)["items"].([]any)) != 1 {
			t.Fatalf("relay console: %d %s", q.status, q.body)
		}
		dec := "/api/v1/admin/bureau/applications/" + id + "/decision"
		approve := func(subject string, websites ...string) answer {
			return e.do("POST", dec, e.admin, map[string]any{"decision": "approve", "numbers": map[string]any{"subject": subject, "websites": websites}})
		}
		for _, bad := range []struct {
			name              string
			subject           string
			websites          []string
			status            int
			code, field, frag string
		}{
			{"no numbers", "", nil, 422, "bureau.number.invalid", "numbers.subject", ""},
			{"malformed", "京ICP备123号", []string{"京ICP备123号-1"}, 422, "bureau.number.invalid", "numbers.subject", ""},
			{"another province", "沪ICP备2026000777号", []string{"沪ICP备2026000777号-1"}, 422, "bureau.number.invalid", "numbers.subject", "北京"},
			{"website under another subject", "京ICP备2026000777号", []string{"京ICP备2026000778号-1"}, 422, "bureau.number.invalid", "numbers.websites[0]", ""},
			{"one website number too many", "京ICP备2026000777号", []string{"京ICP备2026000777号-1", "京ICP备2026000777号-2"}, 422, "bureau.number.invalid", "numbers.websites", ""},
			{"a seeded subject's number", "京ICP备2019012345号", []string{"京ICP备2019012345号-2"}, 409, "bureau.number_taken", "numbers.subject", ""},
		} {
			a := approve(bad.subject, bad.websites...)
			if a.status != bad.status || a.code(t) != bad.code {
				t.Errorf("%s: %d %s", bad.name, a.status, a.body)
				continue
			}
			found := false
			for _, v := range a.json(t)["error"].(map[string]any)["violations"].([]any) {
				vm := v.(map[string]any)
				found = found || (vm["field"] == bad.field && strings.Contains(vm["message"].(string), bad.frag))
			}
			if !found {
				t.Errorf("%s: no violation on %s: %s", bad.name, bad.field, a.body)
			}
		}
		if s := e.do("GET", path, tok, nil).json(t)["state"]; s != "bureau_review" {
			t.Fatalf("a refused record moved the application: %v", s)
		}
		// The bureau's numbers, with the spaces its pages show them with.
		a := approve("京ICP备 2026000777号", "京ICP备2026000777号－1")
		if a.status != 200 || a.json(t)["state"] != "approved" {
			t.Fatalf("record approval: %d %s", a.status, a.body)
		}
		n := e.do("GET", path, tok, nil).json(t)["numbers"].(map[string]any)
		if n["subject"] != "京ICP备2026000777号" || n["websites"].([]any)[0] != "京ICP备2026000777号-1" {
			t.Fatalf("numbers %v", n)
		}
		if a := approve("京ICP备2026000777号", "京ICP备2026000777号-1"); a.status != 409 || a.code(t) != "invalid_transition" {
			t.Errorf("recording twice: %d %s", a.status, a.body)
		}
		pub := e.do("GET", "/api/v1/public/filings?q=京ICP备2026000777号-1", "", nil).json(t)["items"].([]any)
		if len(pub) != 1 || pub[0].(map[string]any)["domain"] != "bj-lifecycle-a.cn" || pub[0].(map[string]any)["subject_number"] != "京ICP备2026000777号" {
			t.Errorf("public lookup: %v", pub)
		}
		if f := e.do("GET", "/api/v1/filings", tok, nil); !strings.Contains(string(f.body), "京ICP备2026000777号-1") {
			t.Errorf("my filings: %s", f.body)
		}
		// Beian texted no code: not one SMS from 12381.
		for _, m := range e.outbox("sms", "") {
			if m["subject"] == "12381" {
				t.Errorf("an SMS from 12381 in relay mode: %v", m)
			}
		}

		// A second filing: the number Beian recorded for the first is taken.
		id2, _ := relayReady(t, e, tok, rev, 2)
		e.do("POST", "/api/v1/review/applications/"+id2+"/submit-to-bureau", rev, nil)
		dec2 := "/api/v1/admin/bureau/applications/" + id2 + "/decision"
		if a := e.do("POST", dec2, e.admin, map[string]any{"decision": "approve", "numbers": map[string]any{"subject": "京ICP备2026000777号", "websites": []string{"京ICP备2026000777号-2"}}}); a.status != 409 || a.code(t) != "bureau.number_taken" {
			t.Errorf("a number Beian recorded for another subject: %d %s", a.status, a.body)
		}
		// The leaders let the bureau's SMS lapse: back to ready_for_bureau.
		if a := e.do("POST", dec2, e.admin, map[string]any{"decision": "sms_expired"}); a.status != 200 || a.json(t)["state"] != "ready_for_bureau" {
			t.Fatalf("sms lapsed: %d %s", a.status, a.body)
		}
		if a := e.do("POST", "/api/v1/review/applications/"+id2+"/submit-to-bureau", rev, nil); a.json(t)["state"] != "bureau_review" {
			t.Fatalf("resubmit: %s", a.body)
		}

		// A CSV batch from the bureau's system: one line recorded, one refused, each on its own.
		csv := "\ufeffapplication,decision,subject_number,website_numbers,reason\n" +
			"0190aaaa-0000-7000-8000-00000000abcd,approve,京ICP备2026000888号,京ICP备2026000888号-1,\n" +
			id2 + ",approve,京ICP备2026000889号,京ICP备2026000889号-1,\n"
		imp := e.send(e.csvRequest("/api/v1/admin/bureau/outcomes", csv), e.admin)
		if imp.status != 200 {
			t.Fatalf("import: %d %s", imp.status, imp.body)
		}
		res := imp.json(t)
		items := res["items"].([]any)
		if res["recorded"] != float64(1) || res["failed"] != float64(1) || len(items) != 2 ||
			items[0].(map[string]any)["recorded"] != false || items[1].(map[string]any)["state"] != "approved" {
			t.Fatalf("import result: %s", imp.body)
		}
		if items[0].(map[string]any)["line"] != float64(2) || items[0].(map[string]any)["error"].(map[string]any)["code"] != "not_found" {
			t.Errorf("the refused line: %v", items[0])
		}
		if n := e.do("GET", "/api/v1/applications/"+id2, tok, nil).json(t)["numbers"].(map[string]any); n["subject"] != "京ICP备2026000889号" {
			t.Errorf("imported numbers: %v", n)
		}
		for _, bad := range []string{"", "decision\napprove\n", "application,decision\n\"broken\n"} {
			if a := e.send(e.csvRequest("/api/v1/admin/bureau/outcomes", bad), e.admin); a.status != 422 || a.code(t) != "bureau.import.invalid" {
				t.Errorf("import %q: %d %s", bad, a.status, a.body)
			}
		}
		if a := e.send(e.csvRequest("/api/v1/admin/bureau/outcomes", csv), rev); a.status != 403 {
			t.Errorf("a reviewer importing: %d", a.status)
		}
		if a := e.send(e.csvRequest("/api/v1/admin/bureau/outcomes", csv), tok); a.status != 404 {
			t.Errorf("an applicant importing: %d", a.status)
		}
	}, bureau.ModeRelay)
}
