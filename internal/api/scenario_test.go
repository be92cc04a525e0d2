package api_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"beian/internal/storage/storagetest"
)

func hasViolation(m map[string]any, key, rule, field string) bool {
	var vs []any
	if e, ok := m["error"].(map[string]any); ok {
		vs, _ = e["violations"].([]any)
	} else {
		vs, _ = m[key].([]any)
	}
	for _, v := range vs {
		v := v.(map[string]any)
		if v["rule"] == rule && (field == "" || v["field"] == field) {
			return true
		}
	}
	return false
}

func errorViolations(m map[string]any) []string {
	var out []string
	vs, _ := m["violations"].([]any)
	for _, v := range vs {
		v := v.(map[string]any)
		if v["severity"] == "error" {
			out = append(out, v["rule"].(string)+" @ "+v["field"].(string)+": "+v["message"].(string))
		}
	}
	return out
}

// TestApplicantJourney runs issue 3's held-back script through the real
// router on every database: accounts, pre-check, draft that survives a
// restart, refusal without attachments, uploads, submission, isolation.
func TestApplicantJourney(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) { journey(t, url, storagetest.Name(url) == "sqlite") })
}

func journey(t *testing.T, url string, sqlite bool) {
	e := newEnv(t, url)

	// Accounts.
	reg := map[string]any{"email": "Zhao@Example.com", "phone": "13900001111", "password": "Str0ng-pass!", "name": "赵敏"}
	if a := e.do("POST", "/api/v1/accounts", "", reg); a.status != 201 || a.json(t)["email"] != "zhao@example.com" {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	dupEmail := map[string]any{"email": "zhao@example.com", "phone": "13900002222", "password": "Str0ng-pass!"}
	if a := e.do("POST", "/api/v1/accounts", "", dupEmail); a.status != 409 || a.code(t) != "account.email_taken" {
		t.Errorf("duplicate email: %d %s", a.status, a.body)
	}
	dupPhone := map[string]any{"email": "other@example.com", "phone": "13900001111", "password": "Str0ng-pass!"}
	if a := e.do("POST", "/api/v1/accounts", "", dupPhone); a.status != 409 || a.code(t) != "account.phone_taken" {
		t.Errorf("duplicate phone: %d %s", a.status, a.body)
	}
	weak := map[string]any{"email": "weak@example.com", "phone": "13900003333", "password": "password12"}
	if a := e.do("POST", "/api/v1/accounts", "", weak); a.status != 422 || !hasViolation(a.json(t), "", "account.password.weak", "password") {
		t.Errorf("weak password: %d %s", a.status, a.body)
	}
	bad := map[string]any{"email": "not-an-email", "phone": "12345", "password": "Str0ng-pass!"}
	if a := e.do("POST", "/api/v1/accounts", "", bad); a.status != 422 || !hasViolation(a.json(t), "", "account.email.format", "") ||
		!hasViolation(a.json(t), "", "account.phone.format", "") {
		t.Errorf("bad email and phone: %d %s", a.status, a.body)
	}
	if a := e.do("POST", "/api/v1/accounts", "", []byte(`{"email": `)); a.status != 400 {
		t.Errorf("malformed JSON: %d", a.status)
	}
	if a := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "zhao@example.com", "password": "wrong-Pass1"}); a.status != 401 || a.code(t) != "unauthorized" {
		t.Errorf("wrong password: %d %s", a.status, a.body)
	}
	login := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "zhao@example.com", "password": "Str0ng-pass!"})
	if login.status != 201 {
		t.Fatalf("login: %d %s", login.status, login.body)
	}
	tok := login.json(t)["token"].(string)
	if me := e.do("GET", "/api/v1/me", tok, nil); me.status != 200 || me.json(t)["role"] != "applicant" || me.json(t)["phone"] != "13900001111" {
		t.Errorf("me: %d %s", me.status, me.body)
	}
	if a := e.do("GET", "/api/v1/me", "", nil); a.status != 401 || a.code(t) != "unauthorized" {
		t.Errorf("me without token: %d %s", a.status, a.body)
	}
	if a := e.do("GET", "/api/v1/applications", "not-a-token", nil); a.status != 401 {
		t.Errorf("bad token: %d", a.status)
	}

	// Pre-check and create.
	pc := map[string]any{"domain": "Example-HZ.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}
	if a := e.do("POST", "/api/v1/precheck", tok, pc); a.status != 200 || a.json(t)["flow"] != "first_filing" || a.json(t)["subject"] != nil {
		t.Fatalf("precheck: %d %s", a.status, a.body)
	}
	if a := e.do("POST", "/api/v1/precheck", tok, map[string]any{"domain": "http://x", "cert_type": "nope", "cert_number": ""}); a.status != 422 {
		t.Errorf("bad precheck input: %d %s", a.status, a.body)
	}
	cr := e.do("POST", "/api/v1/applications", tok, pc)
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	app := cr.json(t)
	id := app["id"].(string)
	if app["state"] != "draft" || app["flow"] != "first_filing" {
		t.Errorf("created: %v %v", app["state"], app["flow"])
	}
	doc0 := app["document"].(map[string]any)
	if w := doc0["websites"].([]any)[0].(map[string]any); w["domain"] != "example-hz.cn" {
		t.Errorf("domain not pre-filled: %v", w)
	}
	if s := doc0["subject"].(map[string]any); s["cert_number"] != "91330106E3PWQ30LC5" {
		t.Errorf("certificate not pre-filled: %v", s)
	}
	// A second application for the same subject is refused while this one is open.
	if a := e.do("POST", "/api/v1/precheck", tok, map[string]any{"domain": "another-hz.cn", "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}); a.status != 409 || a.code(t) != "precheck.subject_in_progress" {
		t.Errorf("subject in progress: %d %s", a.status, a.body)
	}

	// Save the example document; the locked domain cannot change.
	doc := exampleDocument(t)
	changed := exampleDocument(t)
	changed["websites"].([]any)[0].(map[string]any)["domain"] = "other-hz.cn"
	if a := e.do("PUT", "/api/v1/applications/"+id, tok, changed); a.status != 409 || a.code(t) != "application.locked_field" {
		t.Errorf("changing the locked domain: %d %s", a.status, a.body)
	}
	sv := e.do("PUT", "/api/v1/applications/"+id, tok, doc)
	if sv.status != 200 {
		t.Fatalf("save: %d %s", sv.status, sv.body)
	}
	if errs := errorViolations(sv.json(t)); len(errs) > 0 {
		t.Fatalf("the example document has error violations: %v", errs)
	}
	// A draft with violations saves too and reports them.
	broken := exampleDocument(t)
	broken["subject"].(map[string]any)["mailing_address"] = ""
	if a := e.do("PUT", "/api/v1/applications/"+id, tok, broken); a.status != 200 || !hasViolation(a.json(t), "violations", "subject.mailing_address.required", "subject.mailing_address") {
		t.Errorf("save with violations: %d %s", a.status, a.body)
	}
	if a := e.do("PUT", "/api/v1/applications/"+id, tok, doc); a.status != 200 {
		t.Fatalf("save again: %d", a.status)
	}

	// The draft survives a restart.
	e.reopen()
	got := e.do("GET", "/api/v1/applications/"+id, tok, nil)
	if got.status != 200 {
		t.Fatalf("get after restart: %d %s", got.status, got.body)
	}
	if s := got.json(t)["document"].(map[string]any)["subject"].(map[string]any); s["name"] != "杭州示例网络科技有限公司" || s["leader"].(map[string]any)["mobile"] != "13805815678" {
		t.Errorf("draft lost: %v", s)
	}

	// Submission needs the attachments.
	sub := e.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil)
	if sub.status != 422 {
		t.Fatalf("submit without attachments: %d %s", sub.status, sub.body)
	}
	for _, f := range []string{"attachments.subject_certificate", "attachments.subject_leader_id", "attachments.verification_form[0]", "attachments.site_photo[0]"} {
		if !hasViolation(sub.json(t), "", "attachment.missing", f) {
			t.Errorf("submit: no attachment.missing for %s: %s", f, sub.body)
		}
	}
	if hasViolation(sub.json(t), "", "attachment.missing", "attachments.website_leader_id[0]") {
		t.Errorf("website leader is the subject leader, no separate ID needed: %s", sub.body)
	}

	// Uploads.
	appPath := "/api/v1/applications/" + id
	if a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "subject_certificate"}, []byte("%PDF-1.4 not a jpeg")); a.status != 415 || a.code(t) != "attachment.not_jpeg" {
		t.Errorf("not a JPEG: %d %s", a.status, a.body)
	}
	if a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "subject_certificate"}, photo(t, 300, 200)); a.status != 422 || a.code(t) != "attachment.too_small" {
		t.Errorf("too small: %d %s", a.status, a.body)
	}
	if a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "subject_certificate"}, bytes.Repeat([]byte{0xff}, 12<<20)); a.status != 413 || a.code(t) != "attachment.too_large" {
		t.Errorf("too large: %d %.200s", a.status, a.body)
	}
	if a := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "no_such_kind"}, photo(t, 800, 600)); a.status != 422 {
		t.Errorf("unknown kind: %d %s", a.status, a.body)
	}
	var attIDs []string
	for _, up := range []map[string]string{
		{"kind": "subject_certificate"},
		{"kind": "subject_leader_id"},
		{"kind": "verification_form", "website": "0", "signed_on": e.day(-1)},
		{"kind": "site_photo", "website": "0"},
	} {
		a := e.upload(appPath+"/attachments", tok, up, photo(t, 800, 600))
		if a.status != 201 {
			t.Fatalf("upload %v: %d %s", up, a.status, a.body)
		}
		m := a.json(t)
		if m["width"].(float64) != 800 || m["height"].(float64) != 600 || len(m["sha256"].(string)) != 64 {
			t.Errorf("upload answer: %v", m)
		}
		attIDs = append(attIDs, m["id"].(string))
	}
	// An extra one, deleted again.
	extra := e.upload(appPath+"/attachments", tok, map[string]string{"kind": "security_letter"}, photo(t, 800, 600))
	if extra.status != 201 {
		t.Fatalf("extra upload: %d", extra.status)
	}
	extraID := extra.json(t)["id"].(string)
	img := e.do("GET", appPath+"/attachments/"+attIDs[0], tok, nil)
	if img.status != 200 || img.header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(img.body, []byte{0xff, 0xd8}) {
		t.Errorf("download: %d %s", img.status, img.header)
	}

	// A second applicant sees nothing of it.
	e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "li@example.com", "phone": "13900004444", "password": "An0ther-pass"})
	tok2 := e.do("POST", "/api/v1/sessions", "", map[string]any{"email": "li@example.com", "password": "An0ther-pass"}).json(t)["token"].(string)
	for _, req := range []struct{ method, path string }{
		{"GET", appPath}, {"PUT", appPath}, {"POST", appPath + "/submit"}, {"POST", appPath + "/withdraw"},
		{"GET", appPath + "/attachments/" + attIDs[0]}, {"DELETE", appPath + "/attachments/" + attIDs[0]},
		{"GET", "/api/v1/applications/00000000-0000-0000-0000-000000000000"}, {"GET", "/api/v1/applications/nonsense"},
	} {
		var body any
		if req.method == "PUT" {
			body = doc
		}
		if a := e.do(req.method, req.path, tok2, body); a.status != 404 || a.code(t) != "not_found" {
			t.Errorf("second applicant %s %s: %d %s", req.method, req.path, a.status, a.body)
		}
	}
	if a := e.upload(appPath+"/attachments", tok2, map[string]string{"kind": "site_photo", "website": "0"}, photo(t, 800, 600)); a.status != 404 {
		t.Errorf("second applicant upload: %d", a.status)
	}
	if a := e.do("GET", "/api/v1/applications", tok2, nil); a.status != 200 || len(a.json(t)["items"].([]any)) != 0 {
		t.Errorf("second applicant's list: %d %s", a.status, a.body)
	}
	// The first applicant's draft reserves nothing (workflow.md): a second
	// account may start on the same domain; the first to submit wins.
	if a := e.do("POST", "/api/v1/precheck", tok2, map[string]any{"domain": "example-hz.cn", "cert_type": "business_license", "cert_number": "91110105MA01ABCD13"}); a.status != 200 || a.json(t)["flow"] != "first_filing" {
		t.Errorf("a domain in another account's draft: %d %s", a.status, a.body)
	}
	if a := e.do("DELETE", appPath+"/attachments/"+extraID, tok, nil); a.status != 204 {
		t.Errorf("delete attachment: %d %s", a.status, a.body)
	}

	// Restart, then submit.
	e.reopen()
	sub = e.do("POST", appPath+"/submit", tok, nil)
	if sub.status != 200 {
		t.Fatalf("submit: %d %s", sub.status, sub.body)
	}
	m := sub.json(t)
	if m["state"] != "initial_review" || m["due_at"] == nil || m["eta"] == nil || len(m["attachments"].([]any)) != 4 {
		t.Errorf("submitted: state %v due %v eta %v attachments %d", m["state"], m["due_at"], m["eta"], len(m["attachments"].([]any)))
	}
	if h := m["history"].([]any); len(h) != 1 || h[0].(map[string]any)["to"] != "initial_review" {
		t.Errorf("history: %v", h)
	}
	if a := e.do("POST", appPath+"/submit", tok, nil); a.status != 409 || a.code(t) != "invalid_transition" {
		t.Errorf("second submit: %d %s", a.status, a.body)
	}
	if a := e.do("PUT", appPath, tok, doc); a.status != 409 || a.code(t) != "application.locked" {
		t.Errorf("save while locked: %d %s", a.status, a.body)
	}
	if a := e.do("DELETE", appPath+"/attachments/"+attIDs[0], tok, nil); a.status != 409 {
		t.Errorf("delete while locked: %d %s", a.status, a.body)
	}
	list := e.do("GET", "/api/v1/applications", tok, nil).json(t)["items"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["state"] != "initial_review" || list[0].(map[string]any)["subject_name"] != "杭州示例网络科技有限公司" {
		t.Errorf("list: %v", list)
	}

	// Logout ends the token.
	if a := e.do("DELETE", "/api/v1/sessions/current", tok, nil); a.status != 204 {
		t.Errorf("logout: %d", a.status)
	}
	if a := e.do("GET", "/api/v1/me", tok, nil); a.status != 401 {
		t.Errorf("token after logout: %d", a.status)
	}

	if sqlite {
		assertNoClearPII(t, e, []string{"91330106E3PWQ30LC5", "330106198702143281", "13805815678", "13805745679", "13900001111", "13900004444"})
	}
}

// assertNoClearPII reads the SQLite files byte for byte (main file and WAL).
func assertNoClearPII(t *testing.T, e *env, secrets []string) {
	t.Helper()
	path := strings.TrimPrefix(e.url, "sqlite:")
	found, control := 0, false
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil {
			if f == path {
				t.Fatal(err)
			}
			continue
		}
		found++
		// Positive control: the (not secret) login email is stored in clear,
		// so a miss below means the secrets are really not there.
		control = control || bytes.Contains(b, []byte("zhao@example.com"))
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %s in clear", f, s)
			}
		}
	}
	if found == 0 || !control {
		t.Errorf("database files not read (%d files, control found %v)", found, control)
	}
}
