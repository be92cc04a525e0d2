package api_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"beian/internal/bureau"
	"beian/internal/jobs"
	"beian/internal/storage/storagetest"
)

// readyForBureau registers an applicant and a reviewer and walks a
// one-website Beijing first filing to ready_for_bureau; it returns the
// applicant's and the reviewer's tokens and the application id.
func readyForBureau(t *testing.T, e *lcEnv) (tok, rev, id string) {
	t.Helper()
	if a := e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "li@example.com", "phone": "13900005555", "password": "Appl1cant-pass", "name": "李明"}); a.status != 201 {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	tok = e.login("li@example.com", "Appl1cant-pass")
	if a := e.do("POST", "/api/v1/admin/users", e.admin, map[string]any{"email": "rev@beian.test", "password": "Rev1ewer-pass", "name": "审核员", "role": "reviewer"}); a.status != 201 {
		t.Fatalf("reviewer: %d %s", a.status, a.body)
	}
	rev = e.login("rev@beian.test", "Rev1ewer-pass")
	doc := beijingDocument(t)
	doc["websites"] = doc["websites"].([]any)[:1]
	subj := doc["subject"].(map[string]any)
	return tok, rev, toBureau(t, e, tok, rev, "bj-lifecycle-a.cn", subj["cert_number"].(string), doc)
}

// toBureau files doc for domain as the applicant tok, with every
// attachment, and walks it through Beian's reviews (rev) to ready_for_bureau.
func toBureau(t *testing.T, e *lcEnv, tok, rev, domain, cert string, doc map[string]any) (id string) {
	t.Helper()
	cr := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": cert})
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	id = cr.json(t)["id"].(string)
	path := "/api/v1/applications/" + id
	if a := e.do("PUT", path, tok, doc); a.status != 200 || len(errorViolations(a.json(t))) > 0 {
		t.Fatalf("save: %d %v", a.status, errorViolations(a.json(t)))
	}
	for _, f := range []map[string]string{{"kind": "subject_certificate"}, {"kind": "subject_leader_id"},
		{"kind": "verification_form", "website": "0", "signed_on": e.day(-1)}, {"kind": "site_photo", "website": "0"}} {
		if a := e.upload(path+"/attachments", tok, f, photo(t, 800, 600)); a.status != 201 {
			t.Fatalf("upload %v: %d %s", f, a.status, a.body)
		}
	}
	if a := e.do("POST", path+"/submit", tok, nil); a.status != 200 {
		t.Fatalf("submit: %d %s", a.status, a.body)
	}
	review := "/api/v1/review/applications/" + id
	for _, st := range []struct {
		path string
		body any
		want string
	}{
		{review + "/decision", map[string]any{"decision": "approve"}, "verification"},
		{review + "/materials-received", nil, "material_review"},
		{review + "/decision", map[string]any{"decision": "approve"}, "ready_for_bureau"},
	} {
		if a := e.do("POST", st.path, rev, st.body); a.status != 200 || a.json(t)["state"] != st.want {
			t.Fatalf("%s: %d %s", st.path, a.status, a.body)
		}
	}
	return id
}

// TestSMSExpiry: 24 hours without confirmation return the application
// (the bureau's scheduled job), and the applicant is told.
func TestSMSExpiry(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		tok, rev, id := readyForBureau(t, e)
		if a := e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil); a.json(t)["state"] != "bureau_sms" {
			t.Fatalf("submit to bureau: %s", a.body)
		}
		e.drain()
		e.clock.Set(e.clock.Now().Add(23 * time.Hour))
		e.drain()
		if s := e.do("GET", "/api/v1/applications/"+id, tok, nil).json(t)["state"]; s != "bureau_sms" {
			t.Fatalf("returned before 24 hours: %v", s)
		}
		e.clock.Set(e.clock.Now().Add(61 * time.Minute))
		e.drain()
		app := e.do("GET", "/api/v1/applications/"+id, tok, nil).json(t)
		if app["state"] != "ready_for_bureau" {
			t.Fatalf("after 24 hours: %v", app["state"])
		}
		h := app["history"].([]any)
		last := h[len(h)-1].(map[string]any)
		if last["actor"] != "bureau" || !strings.Contains(last["reasons"].([]any)[0].(map[string]any)["message"].(string), "24") {
			t.Errorf("history: %v", last)
		}
		if sms := app["sms"].([]any); len(sms) != 1 || sms[0].(map[string]any)["status"] != "expired" {
			t.Errorf("sms after expiry: %v", app["sms"])
		}
		found := false
		for _, m := range e.outbox("email", "li@example.com") {
			found = found || strings.Contains(m["subject"].(string), "退回")
		}
		if !found {
			t.Errorf("no email about the return")
		}
	})
}

// TestRestartSendsQueuedOnce: the process dies (kill -9) after claiming
// the notification jobs of a submission to the bureau and before sending
// any; a new process picks them up once their lease ran out and sends each
// exactly once, and running again sends nothing more.
func TestRestartSendsQueuedOnce(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		_, rev, id := readyForBureau(t, e)
		e.drain()
		before := len(e.outbox("", ""))
		if a := e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil); a.status != 200 {
			t.Fatalf("submit to bureau: %d %s", a.status, a.body)
		}
		// The dying worker: claims everything due, sends nothing.
		claimed, err := e.store.ClaimJobs(context.Background(), e.clock.Now(), 100, 2*time.Minute)
		if err != nil || len(claimed) < 2 {
			t.Fatalf("claimed %d jobs: %v", len(claimed), err)
		}
		// The restarted process: a new runner on the same database.
		restarted := &jobs.Runner{Store: e.store, Log: e.runner.Log, Handlers: e.runner.Handlers, Now: e.clock.Now}
		if n, err := restarted.RunDue(context.Background()); err != nil || n != 0 {
			t.Fatalf("jobs leased to the dead worker ran at once: %d %v", n, err)
		}
		e.clock.Set(e.clock.Now().Add(3 * time.Minute))
		e.runner, e.kit.Runner = restarted, restarted
		ran := e.drain()
		if ran < len(claimed) {
			t.Errorf("ran %d jobs after the restart, %d were claimed", ran, len(claimed))
		}
		msgs := e.outbox("", "")
		sent := len(msgs) - before
		if sent != len(claimed) {
			t.Errorf("%d messages sent for %d queued notifications", sent, len(claimed))
		}
		seen := map[string]bool{}
		for _, m := range msgs[:sent] {
			k := m["channel"].(string) + m["to"].(string) + m["subject"].(string)
			if seen[k] {
				t.Errorf("sent twice: %v", k)
			}
			seen[k] = true
		}
		// A late re-run of the same jobs (the dead worker's lease) changes nothing.
		for _, j := range claimed {
			if err := restarted.Handlers[j.Kind](context.Background(), j); err != nil {
				t.Fatalf("re-running %s: %v", j.Kind, err)
			}
		}
		if n := len(e.outbox("", "")); n != len(msgs) {
			t.Errorf("re-running delivered jobs sent %d more", n-len(msgs))
		}
		counts, _ := e.store.JobCounts(context.Background())
		// Left: only the SMS expiry, due in 24 hours.
		if counts["queued"] != 1 || counts["running"] != 0 || counts["failed"] != 0 {
			t.Errorf("jobs left: %v", counts)
		}
	})
}

// TestManualBureau: in manual mode an admin decides in the console; a
// rejection needs a reason and reaches the applicant, who resubmits.
func TestManualBureau(t *testing.T) {
	eachLifecycleEnv(t, func(t *testing.T, e *lcEnv) {
		tok, rev, id := readyForBureau(t, e)
		e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil)
		e.drain()
		path := "/api/v1/applications/" + id
		cert := beijingDocument(t)["subject"].(map[string]any)["leader"].(map[string]any)["cert_number"].(string)
		if a := e.do("POST", path+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": cert[len(cert)-6:], "code": e.latestCode("13911110001")}); a.status != 200 {
			t.Fatalf("confirm: %d %s", a.status, a.body)
		}
		e.drain()
		if s := e.do("GET", path, tok, nil).json(t)["state"]; s != "bureau_review" {
			t.Fatalf("manual mode decided by itself: %v", s)
		}
		q := e.do("GET", "/api/v1/admin/bureau/applications", e.admin, nil)
		if q.status != 200 || q.json(t)["mode"] != "manual" || len(q.json(t)["items"].([]any)) != 1 {
			t.Fatalf("console: %d %s", q.status, q.body)
		}
		dec := "/api/v1/admin/bureau/applications/" + id + "/decision"
		if a := e.do("POST", dec, rev, map[string]any{"decision": "approve"}); a.status != 403 {
			t.Errorf("reviewer deciding as the bureau: %d", a.status)
		}
		if a := e.do("POST", dec, e.admin, map[string]any{"decision": "reject"}); a.status != 422 {
			t.Errorf("reject without reason: %d %s", a.status, a.body)
		}
		rj := e.do("POST", dec, e.admin, map[string]any{"decision": "reject", "reason": "网站名称不规范"})
		if rj.status != 200 || rj.json(t)["state"] != "bureau_rejected" {
			t.Fatalf("bureau reject: %d %s", rj.status, rj.body)
		}
		if a := e.do("POST", dec, e.admin, map[string]any{"decision": "approve"}); a.status != 409 || a.code(t) != "invalid_transition" {
			t.Errorf("deciding twice: %d %s", a.status, a.body)
		}
		app := e.do("GET", path, tok, nil).json(t)
		if rs := app["rejection"].([]any); len(rs) != 1 || rs[0].(map[string]any)["message"] != "网站名称不规范" {
			t.Errorf("bureau rejection not shown: %v", app["rejection"])
		}
		if a := e.do("POST", path+"/submit", tok, nil); a.status != 200 || a.json(t)["state"] != "initial_review" {
			t.Fatalf("resubmit after the bureau: %d %s", a.status, a.body)
		}
		review := "/api/v1/review/applications/" + id
		for _, st := range []struct{ p, want string }{{"/decision", "verification"}, {"/materials-received", "material_review"}, {"/decision", "ready_for_bureau"}, {"/submit-to-bureau", "bureau_sms"}} {
			var body any
			if st.p == "/decision" {
				body = map[string]any{"decision": "approve"}
			}
			if a := e.do("POST", review+st.p, rev, body); a.json(t)["state"] != st.want {
				t.Fatalf("%s: %s", st.p, a.body)
			}
		}
		e.drain()
		e.do("POST", path+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": cert[len(cert)-6:], "code": e.latestCode("13911110001")})
		if a := e.do("POST", dec, e.admin, map[string]any{"decision": "approve"}); a.status != 200 || a.json(t)["state"] != "approved" {
			t.Fatalf("bureau approve: %d %s", a.status, a.body)
		}
		e.drain()
		n := e.do("GET", path, tok, nil).json(t)["numbers"].(map[string]any)
		if !regexp.MustCompile(`^京ICP备[0-9]{10}号$`).MatchString(n["subject"].(string)) || n["websites"].([]any)[0] != n["subject"].(string)+"-1" {
			t.Errorf("numbers %v", n)
		}
	}, bureau.ModeManual)
}

// TestRefusalsWhenReady: in ready_for_bureau the materials cannot be
// rejected nor uploads made (409), withdrawing works and empties the
// reviewer's queue.
func TestRefusalsWhenReady(t *testing.T) {
	e := newLifecycleEnv(t, storagetest.URLs(t)["sqlite"])
	tok, rev, id := readyForBureau(t, e)
	path, review := "/api/v1/applications/"+id, "/api/v1/review/applications/"+id
	if a := e.do("POST", review+"/decision", rev, map[string]any{"decision": "reject_materials", "reasons": []any{map[string]any{"field": "attachments.site_photo[0]", "message": "照片模糊"}}}); a.status != 409 || a.code(t) != "invalid_transition" {
		t.Fatalf("reject materials when ready for the bureau: %d %s", a.status, a.body)
	}
	if a := e.upload(path+"/attachments", tok, map[string]string{"kind": "site_photo", "website": "0"}, photo(t, 800, 600)); a.status != 409 {
		t.Errorf("upload when ready for the bureau: %d %s", a.status, a.body)
	}
	if a := e.do("POST", path+"/withdraw", tok, nil); a.status != 200 || a.json(t)["state"] != "withdrawn" {
		t.Fatalf("withdraw: %d %s", a.status, a.body)
	}
	if a := e.do("GET", "/api/v1/review/queue", rev, nil); len(a.json(t)["items"].([]any)) != 0 {
		t.Errorf("a withdrawn application in the queue: %s", a.body)
	}
}

// TestVerificationReupload: reject_materials → verification → new photo.
func TestVerificationReupload(t *testing.T) {
	e := newLifecycleEnv(t, storagetest.URLs(t)["sqlite"])
	if a := e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "li@example.com", "phone": "13900005555", "password": "Appl1cant-pass", "name": "李明"}); a.status != 201 {
		t.Fatal(a.status)
	}
	tok := e.login("li@example.com", "Appl1cant-pass")
	e.do("POST", "/api/v1/admin/users", e.admin, map[string]any{"email": "rev@beian.test", "password": "Rev1ewer-pass", "role": "reviewer"})
	rev := e.login("rev@beian.test", "Rev1ewer-pass")
	doc := beijingDocument(t)
	doc["websites"] = doc["websites"].([]any)[:1]
	cr := e.do("POST", "/api/v1/applications", tok, map[string]any{"domain": "bj-lifecycle-a.cn", "cert_type": "business_license", "cert_number": doc["subject"].(map[string]any)["cert_number"]})
	id := cr.json(t)["id"].(string)
	path, review := "/api/v1/applications/"+id, "/api/v1/review/applications/"+id
	e.do("PUT", path, tok, doc)
	for _, f := range []map[string]string{{"kind": "subject_certificate"}, {"kind": "subject_leader_id"},
		{"kind": "verification_form", "website": "0", "signed_on": e.day(-1)}, {"kind": "site_photo", "website": "0"}} {
		e.upload(path+"/attachments", tok, f, photo(t, 800, 600))
	}
	e.do("POST", path+"/submit", tok, nil)
	e.do("POST", review+"/decision", rev, map[string]any{"decision": "approve"})
	if a := e.do("POST", path+"/verification", tok, map[string]any{"method": "onsite", "office": "beijing", "date": e.workday()}); a.status != 200 {
		t.Fatalf("book signing: %d %s", a.status, a.body)
	}
	e.do("POST", review+"/materials-received", rev, map[string]any{})
	rj := e.do("POST", review+"/decision", rev, map[string]any{"decision": "reject_materials", "reasons": []any{map[string]any{"field": "attachments.site_photo[0]", "message": "照片模糊，请重拍"}}})
	if rj.status != 200 || rj.json(t)["state"] != "verification" {
		t.Fatalf("reject materials: %d %s", rj.status, rj.body)
	}
	if a := e.upload(path+"/attachments", tok, map[string]string{"kind": "site_photo", "website": "0"}, photo(t, 900, 600)); a.status != 201 {
		t.Errorf("new backdrop photo in verification: %d %s", a.status, a.body)
	}
	if a := e.upload(path+"/attachments", tok, map[string]string{"kind": "subject_certificate"}, photo(t, 900, 600)); a.status != 409 {
		t.Errorf("other attachment in verification: %d %s", a.status, a.body)
	}
	if a := e.do("PUT", path, tok, doc); a.status != 409 {
		t.Errorf("document edit in verification: %d", a.status)
	}
	v := e.do("GET", path+"/verification", tok, nil).json(t)["verification"].(map[string]any)
	// The refused round's receipt is forgotten: the progress page must not
	// say 资料已签收 while the applicant is asked for new materials.
	if v["method"] != "onsite" || v["received_at"] != nil {
		t.Errorf("verification after rejection: %v", v)
	}
	if a := e.do("POST", path+"/verification", tok, map[string]any{"method": "mail", "tracking_number": "YT99887766"}); a.status != 200 || a.json(t)["verification"].(map[string]any)["received_at"] != nil {
		t.Errorf("choose again: %d %s", a.status, a.body)
	}
	if a := e.do("POST", review+"/materials-received", rev, nil); a.status != 200 || a.json(t)["state"] != "material_review" {
		t.Errorf("receipt again: %d %s", a.status, a.body)
	}
	e.drain()
	var emails []string
	for _, m := range e.outbox("email", "li@example.com") {
		emails = append(emails, m["subject"].(string))
	}
	if !slices.ContainsFunc(emails, func(s string) bool { return strings.Contains(s, "核验材料需要补正") }) {
		t.Errorf("no mail about the rejected materials: %q", emails)
	}
}
