package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"beian/internal/jobs"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
	"beian/internal/workdays"
)

// The registry seed of issue 5's held-back scenario (config.md format): a
// Beijing enterprise whose website is filed and hosted by another provider.
const (
	seedSubjectNumber = "京ICP备2019012345号"
	seedCert          = "91110108MA01XK3NX8"
	seedDomain        = "xinghe-cloud.cn"
	seedLeaderMobile  = "13910001234"
	seedLeaderCert    = "110108198503152312"
)

func registrySeed() map[string]any {
	leader := map[string]any{"name": "王建国", "cert_type": "resident_id", "cert_number": seedLeaderCert, "cert_valid_from": "2018-05-10",
		"cert_valid_until": "2038-05-10", "office_phone": "010-82561234", "mobile": seedLeaderMobile, "email": "wangjianguo@xinghe-cloud.cn"}
	return map[string]any{
		"subjects": []any{map[string]any{
			"number": seedSubjectNumber,
			"subject": map[string]any{"province": "110000", "city": "110100", "county": "110108", "nature": "enterprise",
				"cert_type": "business_license", "cert_number": seedCert, "name": "北京星河云图科技有限公司",
				"cert_address": "北京市海淀区中关村大街27号", "mailing_address": "北京市海淀区中关村大街27号中关村大厦12层1203室",
				"investor": "北京星河云图科技有限公司", "leader": leader, "emergency_phone": "13910005678", "remark": ""},
			"websites": []any{map[string]any{"number": seedSubjectNumber + "-1", "providers": []any{"北京某某云计算有限公司"},
				"website": map[string]any{"name": "星河云图官网", "domain": seedDomain, "homepage_url": "www." + seedDomain,
					"content_types": []any{"corporate_portal"}, "languages": []any{"zh-Hans"}, "pre_approvals": []any{}, "leader": leader, "remark": ""}}},
		}},
		"domains":   []any{},
		"blacklist": []any{},
	}
}

// fullEnv is Beian with the bureau simulator (auto mode, decisions at once),
// the SMS outbox and the job runner, seeded from a registry file.
type fullEnv struct {
	*env
	runner *jobs.Runner
	admin  string // admin token
	rev    string // reviewer token
}

func newFullEnv(t *testing.T, url string) *fullEnv {
	t.Helper()
	ctx := context.Background()
	// The seed goes through the file format of config.md, as BEIAN_BUREAU_SEED does.
	b, _ := json.Marshal(registrySeed())
	seedFile := testkit.File(t, "seed.json", b)
	k := testkit.New(t, testkit.DB(url), testkit.Env("BEIAN_BUREAU_SEED", seedFile), testkit.Env("BEIAN_RATE_LIMITS", "off"))
	e := envOf(t, url, k)
	runner, svc := k.Runner, k.Service
	f := &fullEnv{env: e, runner: runner}
	if _, _, err := svc.EnsureAdmin(ctx, "admin@beian.test", "Adm1n-pass!x"); err != nil {
		t.Fatal(err)
	}
	f.admin = f.login("admin@beian.test", "Adm1n-pass!x")
	staff := map[string]any{"email": "rev@beian.test", "phone": "13700000001", "password": "Rev1ew-pass!", "name": "审核员", "role": "reviewer"}
	if a := f.do("POST", "/api/v1/admin/users", f.admin, staff); a.status != 201 {
		t.Fatalf("create reviewer: %d %s", a.status, a.body)
	}
	f.rev = f.login("rev@beian.test", "Rev1ew-pass!")
	return f
}

// drain runs the due jobs (notifications, the bureau's decisions) until none is left.
func (f *fullEnv) drain() { f.kit.RunJobs() }

func (f *fullEnv) state(tok, id string) map[string]any {
	f.t.Helper()
	a := f.do("GET", "/api/v1/applications/"+id, tok, nil)
	if a.status != 200 {
		f.t.Fatalf("get %s: %d %s", id, a.status, a.body)
	}
	return a.json(f.t)
}

func (f *fullEnv) must(a answer, status int, what string) map[string]any {
	f.t.Helper()
	if a.status != status {
		f.t.Fatalf("%s: %d %s", what, a.status, a.body)
	}
	return a.json(f.t)
}

var smsCode = regexp.MustCompile(`\b(\d{6})\b`)

// confirmSMS reads the newest code texted to mobile from the admin outbox and confirms it.
func (f *fullEnv) confirmSMS(tok, id, mobile, certLast6 string) {
	f.t.Helper()
	f.drain()
	ob := f.must(f.do("GET", "/api/v1/admin/outbox?channel=sms&to="+mobile, f.admin, nil), 200, "outbox")
	items := ob["items"].([]any)
	if len(items) == 0 {
		f.t.Fatalf("no SMS to %s", mobile)
	}
	m := smsCode.FindStringSubmatch(items[0].(map[string]any)["body"].(string))
	if m == nil {
		f.t.Fatalf("no code in %v", items[0])
	}
	f.must(f.do("POST", "/api/v1/applications/"+id+"/sms", tok, map[string]any{"mobile": mobile, "cert_last6": certLast6, "code": m[1]}), 200, "confirm SMS")
}

// toApproval drives a submitted application through review, verification
// when needed, the bureau's SMS and its decision; it returns the approved application.
func (f *fullEnv) toApproval(tok, id string, wantVerification bool, smsMobile string) map[string]any {
	f.t.Helper()
	return f.toApprovalAs(tok, id, wantVerification, smsMobile, seedLeaderCert)
}

func (f *fullEnv) toApprovalAs(tok, id string, wantVerification bool, smsMobile, leaderCert string) map[string]any {
	f.t.Helper()
	rp := "/api/v1/review/applications/" + id
	app := f.must(f.do("POST", rp+"/decision", f.rev, map[string]any{"decision": "approve"}), 200, "initial review")
	if wantVerification {
		if app["state"] != "verification" {
			f.t.Fatalf("after initial review: %v, want verification", app["state"])
		}
		f.must(f.do("POST", "/api/v1/applications/"+id+"/verification", tok, map[string]any{"method": "mail", "tracking_number": "SF1234567890"}), 200, "verification by mail")
		f.must(f.do("POST", rp+"/materials-received", f.rev, map[string]any{"note": "原件已收到"}), 200, "materials received")
		app = f.must(f.do("POST", rp+"/decision", f.rev, map[string]any{"decision": "approve"}), 200, "material review")
	}
	if app["state"] != "ready_for_bureau" {
		f.t.Fatalf("state %v, want ready_for_bureau (verification wanted: %v)", app["state"], wantVerification)
	}
	app = f.must(f.do("POST", rp+"/submit-to-bureau", f.rev, nil), 200, "submit to bureau")
	if smsMobile == "" && app["state"] != "bureau_review" {
		f.t.Fatalf("after submission without SMS: %v, want bureau_review", app["state"])
	}
	if smsMobile != "" {
		if app["state"] != "bureau_sms" {
			f.t.Fatalf("after submission: %v, want bureau_sms", app["state"])
		}
		f.confirmSMS(tok, id, smsMobile, leaderCert[len(leaderCert)-6:])
	}
	f.drain()
	app = f.state(tok, id)
	if app["state"] != "approved" {
		f.t.Fatalf("state %v, want approved; history %v", app["state"], app["history"])
	}
	return app
}

func (f *fullEnv) uploadAll(tok, id string, kinds ...map[string]string) {
	f.t.Helper()
	for _, up := range kinds {
		if a := f.upload("/api/v1/applications/"+id+"/attachments", tok, up, photo(f.t, 800, 600)); a.status != 201 {
			f.t.Fatalf("upload %v: %d %s", up, a.status, a.body)
		}
	}
}

func (f *fullEnv) lookup(q string) []any {
	f.t.Helper()
	a := f.must(f.do("GET", "/api/v1/public/filings?q="+q, "", nil), 200, "public lookup "+q)
	return a["items"].([]any)
}

// TestFilingRecordsScenario is issue 5's held-back scenario, through the
// API, on every database.
func TestFilingRecordsScenario(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) { filingScenario(t, url) })
}

func filingScenario(t *testing.T, url string) {
	f := newFullEnv(t, url)
	f.must(f.do("POST", "/api/v1/accounts", "", map[string]any{"email": "xinghe@example.com", "phone": "13900009999", "password": "Str0ng-pass!", "name": "王建国"}), 201, "register")
	tok := f.login("xinghe@example.com", "Str0ng-pass!")
	seed := registrySeed()["subjects"].([]any)[0].(map[string]any)
	seedSubject := seed["subject"].(map[string]any)
	seedSite := seed["websites"].([]any)[0].(map[string]any)["website"].(map[string]any)

	// Another certificate with the seeded domain.
	other := map[string]any{"domain": seedDomain, "cert_type": "business_license", "cert_number": "91310115MA1H7Q2R7C"}
	if a := f.do("POST", "/api/v1/precheck", tok, other); a.status != 409 || a.code(t) != "precheck.domain_filed_by_other" {
		t.Fatalf("another subject's domain: %d %s", a.status, a.body)
	}

	// The lookup knows filings of other providers through the registry, without personal data.
	if items := f.lookup(seedDomain); len(items) != 1 || items[0].(map[string]any)["website_number"] != seedSubjectNumber+"-1" ||
		items[0].(map[string]any)["subject_name"] != "北京星河云图科技有限公司" {
		t.Errorf("lookup of a site filed elsewhere: %v", items)
	}
	if items := f.lookup("unknown-site.cn"); len(items) != 0 {
		t.Errorf("lookup of an unknown domain: %v", items)
	}

	// A new domain of the seeded subject: new_website, the subject pre-filled.
	newDomain := "xinghe-blog.cn"
	pc := map[string]any{"domain": newDomain, "cert_type": "business_license", "cert_number": seedCert}
	res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck new website")
	if res["flow"] != "new_website" || res["subject"].(map[string]any)["name"] != "北京星河云图科技有限公司" {
		t.Fatalf("precheck: %v", res)
	}
	if strings.Contains(string(f.do("POST", "/api/v1/precheck", tok, pc).body), seedLeaderMobile) {
		t.Errorf("the pre-check shows the registry's leader mobile in clear")
	}
	app := f.must(f.do("POST", "/api/v1/applications", tok, pc), 201, "create new_website")
	id := app["id"].(string)
	if d := app["document"].(map[string]any); d["subject"].(map[string]any)["name"] != "北京星河云图科技有限公司" || d["flow"] != "new_website" {
		t.Fatalf("new_website document: %v", d)
	}
	// A second pre-check of the subject while it is open.
	if a := f.do("POST", "/api/v1/precheck", tok, map[string]any{"domain": "xinghe-shop.cn", "cert_type": "business_license", "cert_number": seedCert}); a.status != 409 || a.code(t) != "precheck.subject_in_progress" {
		t.Fatalf("second pre-check: %d %s", a.status, a.body)
	}
	// The subject entered must match the registry.
	site := map[string]any{}
	for k, v := range seedSite {
		site[k] = v
	}
	site["name"], site["domain"], site["homepage_url"] = "星河云图技术博客", newDomain, "www."+newDomain
	site["access"] = map[string]any{"method": "cloud", "ips": []any{"42.159.10.20"}, "server_location": "110000"}
	wrong := map[string]any{}
	for k, v := range seedSubject {
		wrong[k] = v
	}
	wrong["name"] = "北京星河云图网络有限公司"
	if a := f.must(f.do("PUT", "/api/v1/applications/"+id, tok, map[string]any{"flow": "new_website", "subject": wrong, "websites": []any{site}}), 200, "save mismatch"); !hasViolation(a, "violations", "precheck.subject_mismatch", "subject.name") {
		t.Errorf("a subject differing from the registry passes: %v", a["violations"])
	}
	sv := f.must(f.do("PUT", "/api/v1/applications/"+id, tok, map[string]any{"flow": "new_website", "subject": seedSubject, "websites": []any{site}}), 200, "save new_website")
	if errs := errorViolations(sv); len(errs) > 0 {
		t.Fatalf("new_website document: %v", errs)
	}
	today := workdays.Date(f.clock.Now())
	f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
		map[string]string{"kind": "verification_form", "website": "0", "signed_on": today}, map[string]string{"kind": "site_photo", "website": "0"})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit new_website")
	app = f.toApproval(tok, id, true, seedLeaderMobile)
	nums := app["numbers"].(map[string]any)
	newNumber := seedSubjectNumber + "-2"
	if nums["subject"] != seedSubjectNumber || len(nums["websites"].([]any)) != 1 || nums["websites"].([]any)[0] != newNumber {
		t.Fatalf("new_website numbers: %v", nums)
	}

	// The seeded domain: new_access, subject and website pre-filled from the registry.
	pc = map[string]any{"domain": seedDomain, "cert_type": "business_license", "cert_number": seedCert}
	if res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck new access"); res["flow"] != "new_access" {
		t.Fatalf("precheck seeded domain: %v", res)
	}
	app = f.must(f.do("POST", "/api/v1/applications", tok, pc), 201, "create new_access")
	id = app["id"].(string)
	doc := app["document"].(map[string]any)
	ws := doc["websites"].([]any)[0].(map[string]any)
	if doc["flow"] != "new_access" || doc["subject"].(map[string]any)["name"] != "北京星河云图科技有限公司" || ws["name"] != "星河云图官网" || ws["domain"] != seedDomain {
		t.Fatalf("new_access not pre-filled: %v", doc)
	}
	// Only the access is entered; what is sent for the rest is the filed data.
	ws["access"] = map[string]any{"method": "cloud", "ips": []any{"42.159.10.21"}, "server_location": "110000"}
	ws["name"] = "改不了的名字"
	sv = f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save new_access")
	if errs := errorViolations(sv); len(errs) > 0 {
		t.Fatalf("new_access document: %v", errs)
	}
	if n := sv["document"].(map[string]any)["websites"].([]any)[0].(map[string]any)["name"]; n != "星河云图官网" {
		t.Errorf("new_access website is not read-only: %v", n)
	}
	f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
		map[string]string{"kind": "verification_form", "website": "0", "signed_on": today}, map[string]string{"kind": "site_photo", "website": "0"})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit new_access")
	app = f.toApproval(tok, id, true, seedLeaderMobile)
	if nums := app["numbers"].(map[string]any); nums["subject"] != seedSubjectNumber || nums["websites"].([]any)[0] != seedSubjectNumber+"-1" {
		t.Fatalf("new_access numbers: %v", nums)
	}
	if a := f.do("POST", "/api/v1/precheck", tok, pc); a.status != 409 || a.code(t) != "precheck.already_filed_here" {
		t.Errorf("hosted here now: %d %s", a.status, a.body)
	}

	// change_website of the new site with a fresh verification form: no verification step.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_website", "record": newNumber}), 201, "create change_website")
	id = app["id"].(string)
	doc = app["document"].(map[string]any)
	ws = doc["websites"].([]any)[0].(map[string]any)
	if ws["name"] != "星河云图技术博客" || ws["domain"] != newDomain || ws["leader"].(map[string]any)["mobile"] != seedLeaderMobile {
		t.Fatalf("change_website not pre-filled from the record: %v", ws)
	}
	ws["name"] = "星河云图开发者社区"
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save change_website")
	ws["domain"] = "other-domain.cn"
	if a := f.do("PUT", "/api/v1/applications/"+id, tok, doc); a.status != 409 || a.code(t) != "application.locked_field" {
		t.Errorf("change_website changing the domain: %d %s", a.status, a.body)
	}
	f.uploadAll(tok, id, map[string]string{"kind": "verification_form", "website": "0", "signed_on": today})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit change_website")
	f.toApproval(tok, id, false, seedLeaderMobile)
	items := f.lookup(newDomain)
	if len(items) != 1 || items[0].(map[string]any)["website_name"] != "星河云图开发者社区" || items[0].(map[string]any)["website_number"] != newNumber {
		t.Fatalf("public lookup after the change: %v", items)
	}

	// cancel_website of the new site.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "cancel_website", "record": newNumber}), 201, "create cancel_website")
	id = app["id"].(string)
	doc = app["document"].(map[string]any)
	doc["websites"].([]any)[0].(map[string]any)["remark"] = "网站停止运营"
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save cancel_website")
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit cancel_website")
	f.toApproval(tok, id, false, seedLeaderMobile)
	if items := f.lookup(newNumber); len(items) != 0 {
		t.Errorf("a cancelled number is still shown: %v", items)
	}
	if items := f.lookup(newDomain); len(items) != 0 {
		t.Errorf("a cancelled website is still shown by domain: %v", items)
	}
	items = f.lookup(seedSubjectNumber)
	if len(items) != 1 || items[0].(map[string]any)["website_number"] != seedSubjectNumber+"-1" || items[0].(map[string]any)["nature"] != "enterprise" {
		t.Errorf("lookup by subject number: %v", items)
	}
	body := string(f.do("GET", "/api/v1/public/filings?q="+seedSubjectNumber, "", nil).body)
	for _, secret := range []string{seedLeaderMobile, seedLeaderCert, "王建国", "wangjianguo"} {
		if strings.Contains(body, secret) {
			t.Errorf("the public lookup shows %s", secret)
		}
	}

	// 我的备案 lists the subject with both websites; personal data masked.
	fl := f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings")
	subs := fl["subjects"].([]any)
	if len(subs) != 1 {
		t.Fatalf("filings: %v", fl)
	}
	sub := subs[0].(map[string]any)
	if sub["number"] != seedSubjectNumber || sub["status"] != "active" || len(sub["websites"].([]any)) != 2 {
		t.Fatalf("filings subject: %v", sub)
	}
	status := map[string]string{}
	for _, w := range sub["websites"].([]any) {
		w := w.(map[string]any)
		status[w["number"].(string)] = w["status"].(string)
	}
	if status[seedSubjectNumber+"-1"] != "active" || status[newNumber] != "cancelled" {
		t.Errorf("website statuses: %v", status)
	}
	raw := string(f.do("GET", "/api/v1/filings", tok, nil).body)
	if strings.Contains(raw, seedLeaderMobile) || strings.Contains(raw, seedLeaderCert) || strings.Contains(raw, "wangjianguo@") {
		t.Errorf("filings show personal data in clear")
	}
	if a := f.do("GET", "/api/v1/filings", "", nil); a.status != 401 {
		t.Errorf("filings without a token: %d", a.status)
	}
	// A cancelled number is never issued again: the next new website is -3.
	pc = map[string]any{"domain": "xinghe-next.cn", "cert_type": "business_license", "cert_number": seedCert}
	app = f.must(f.do("POST", "/api/v1/applications", tok, pc), 201, "create another new_website")
	id = app["id"].(string)
	site["name"], site["domain"], site["homepage_url"] = "星河云图文档中心", "xinghe-next.cn", "www.xinghe-next.cn"
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, map[string]any{"subject": seedSubject, "websites": []any{site}}), 200, "save")
	f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
		map[string]string{"kind": "verification_form", "website": "0", "signed_on": today}, map[string]string{"kind": "site_photo", "website": "0"})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit")
	app = f.toApproval(tok, id, true, seedLeaderMobile)
	if n := app["numbers"].(map[string]any)["websites"].([]any)[0]; n != seedSubjectNumber+"-3" {
		t.Errorf("after a cancellation the next number is %v, want -3", n)
	}

	// cancel_access of the seeded site: another provider still hosts it, so it stays filed.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "cancel_access", "record": seedSubjectNumber + "-1"}), 201, "create cancel_access")
	id = app["id"].(string)
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit cancel_access")
	f.toApproval(tok, id, false, "")
	w1 := websiteOf(f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings"), seedSubjectNumber+"-1")
	if w1["status"] != "active" || w1["access"].(map[string]any)["status"] != "cancelled" {
		t.Errorf("cancel_access of a site hosted elsewhere too: %v", w1)
	}
	pc = map[string]any{"domain": seedDomain, "cert_type": "business_license", "cert_number": seedCert}
	if res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck after cancel_access"); res["flow"] != "new_access" {
		t.Errorf("after cancel_access: %v", res)
	}
}

func websiteOf(filings map[string]any, number string) map[string]any {
	for _, s := range filings["subjects"].([]any) {
		for _, w := range s.(map[string]any)["websites"].([]any) {
			if w := w.(map[string]any); w["number"] == number {
				return w
			}
		}
	}
	return map[string]any{}
}

// TestFilingChangesAndCancellations files a subject here, then changes and
// cancels it: the locked fields, the 3-month verification-form rule, the SMS
// recipients, the refusals while applications are open, and the effects of
// cancellations on the records and the public lookup.
func TestFilingChangesAndCancellations(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) { changesScenario(t, url) })
}

func changesScenario(t *testing.T, url string) {
	f := newFullEnv(t, url)
	f.must(f.do("POST", "/api/v1/accounts", "", map[string]any{"email": "zhao@example.com", "phone": "13900001111", "password": "Str0ng-pass!"}), 201, "register")
	tok := f.login("zhao@example.com", "Str0ng-pass!")
	f.must(f.do("POST", "/api/v1/accounts", "", map[string]any{"email": "other@example.com", "phone": "13900002222", "password": "Str0ng-pass!"}), 201, "register other")
	otherTok := f.login("other@example.com", "Str0ng-pass!")
	const cert, domain, mobile, leaderCert = "91330106E3PWQ30LC5", "example-hz.cn", "13805815678", "330106198702143281"
	today := workdays.Date(f.clock.Now())
	pc := map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": cert}

	// First filing.
	app := f.must(f.do("POST", "/api/v1/applications", tok, pc), 201, "create first_filing")
	id := app["id"].(string)
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, exampleDocument(t)), 200, "save")
	f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
		map[string]string{"kind": "verification_form", "website": "0", "signed_on": today}, map[string]string{"kind": "site_photo", "website": "0"})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit first_filing")
	app = f.toApprovalAs(tok, id, true, mobile, leaderCert)
	subjectNumber := app["numbers"].(map[string]any)["subject"].(string)
	siteNumber := subjectNumber + "-1"
	if !strings.HasPrefix(subjectNumber, "浙ICP备"+strconv.Itoa(f.clock.Now().In(workdays.CST).Year())) || app["numbers"].(map[string]any)["websites"].([]any)[0] != siteNumber {
		t.Fatalf("first filing numbers: %v", app["numbers"])
	}
	if a := f.do("POST", "/api/v1/precheck", tok, pc); a.status != 409 || a.code(t) != "precheck.already_filed_here" {
		t.Errorf("already filed here: %d %s", a.status, a.body)
	}
	// Another account cannot start from these records.
	if a := f.do("POST", "/api/v1/applications", otherTok, map[string]any{"flow": "cancel_subject", "record": subjectNumber}); a.status != 404 {
		t.Errorf("someone else's record: %d %s", a.status, a.body)
	}

	// change_subject: not the province, certificate type or number.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_subject", "record": subjectNumber}), 201, "create change_subject")
	id = app["id"].(string)
	doc := app["document"].(map[string]any)
	subj := doc["subject"].(map[string]any)
	if subj["name"] != "杭州示例网络科技有限公司" || subj["leader"].(map[string]any)["mobile"] != mobile {
		t.Fatalf("change_subject not pre-filled: %v", subj)
	}
	for field, v := range map[string]string{"province": "310000", "cert_number": "91330106MA2B0KQ97C", "cert_type": "org_code"} {
		bad := map[string]any{}
		for k, x := range subj {
			bad[k] = x
		}
		bad[field] = v
		if a := f.do("PUT", "/api/v1/applications/"+id, tok, map[string]any{"subject": bad}); a.status != 409 || a.code(t) != "application.locked_field" {
			t.Errorf("change_subject changing %s: %d %s", field, a.status, a.body)
		}
	}
	subj["name"] = "杭州示例数字科技有限公司"
	subj["investor"] = "杭州示例数字科技有限公司"
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save change_subject")
	// While the subject change is open: no new website, no other change.
	if a := f.do("POST", "/api/v1/precheck", tok, map[string]any{"domain": "example-hz2.cn", "cert_type": "business_license", "cert_number": cert}); a.status != 409 || a.code(t) != "precheck.subject_change_in_progress" {
		t.Errorf("new website during a subject change: %d %s", a.status, a.body)
	}
	if a := f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_website", "record": siteNumber}); a.status != 409 {
		t.Errorf("second change during a subject change: %d %s", a.status, a.body)
	}
	// A renamed company files its new licence (seed 5.1); the plan says why.
	if a := f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil); a.status != 422 || !hasViolation(a.json(t), "", "attachment.missing", "attachments.subject_certificate") ||
		!strings.Contains(string(a.body), "主办单位名称已变更") || hasViolation(a.json(t), "", "attachment.missing", "attachments.subject_leader_id") {
		t.Errorf("renaming the subject without its new licence: %d %s", a.status, a.body)
	}
	f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"})
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit change_subject")
	rp := "/api/v1/review/applications/" + id
	// The reviewer sees the change against the filed record: the renamed
	// fields (with the filed values) and the new licence.
	rv := f.must(f.do("GET", rp, f.rev, nil), 200, "review change_subject")
	if got := fmt.Sprint(rv["changed_fields"]); got != "[subject.name subject.investor attachments.subject_certificate]" {
		t.Errorf("change_subject changed_fields %s", got)
	}
	if filed, _ := rv["filed"].(map[string]any); filed == nil || filed["subject"].(map[string]any)["name"] != "杭州示例网络科技有限公司" {
		t.Errorf("change_subject filed record %v", rv["filed"])
	}
	app = f.must(f.do("POST", rp+"/decision", f.rev, map[string]any{"decision": "approve"}), 200, "initial review")
	// A subject change carries no website and so no verification form: no signing to repeat.
	if app["state"] != "ready_for_bureau" {
		t.Fatalf("change_subject after initial review: %v, want ready_for_bureau", app["state"])
	}
	app = f.must(f.do("POST", rp+"/submit-to-bureau", f.rev, nil), 200, "submit to bureau")
	if sms := app["sms"].([]any); app["state"] != "bureau_sms" || len(sms) != 1 || sms[0].(map[string]any)["role"] != "subject_leader" {
		t.Fatalf("change_subject SMS: %v %v", app["state"], app["sms"])
	}
	f.confirmSMS(tok, id, mobile, leaderCert[len(leaderCert)-6:])
	f.drain()
	if app = f.state(tok, id); app["state"] != "approved" {
		t.Fatalf("change_subject: %v", app["state"])
	}
	if items := f.lookup(domain); len(items) != 1 || items[0].(map[string]any)["subject_name"] != "杭州示例数字科技有限公司" || items[0].(map[string]any)["subject_number"] != subjectNumber {
		t.Errorf("lookup after change_subject: %v", items)
	}

	// change_website with a verification form older than 3 months: verification again.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_website", "record": siteNumber}), 201, "create change_website")
	id = app["id"].(string)
	doc = app["document"].(map[string]any)
	doc["websites"].([]any)[0].(map[string]any)["name"] = "示例数字科技官网"
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save change_website")
	if a := f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil); a.status != 422 || !hasViolation(a.json(t), "", "attachment.missing", "attachments.verification_form[0]") {
		t.Errorf("change_website without a verification form: %d %s", a.status, a.body)
	}
	f.uploadAll(tok, id, map[string]string{"kind": "verification_form", "website": "0", "signed_on": f.day(-150)},
		map[string]string{"kind": "site_photo", "website": "0"})
	// Before submission the applicant is told the old form means signing again.
	if a := f.state(tok, id); !hasViolation(a, "violations", "attachment.verification_form_outdated", "attachments.verification_form[0]") {
		t.Errorf("no warning of the outdated form: %v", a["violations"])
	}
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit change_website")
	f.toApprovalAs(tok, id, true, mobile, leaderCert)

	// Every approved change is a new version of the record, linked to its application.
	wr, err := f.store.WebsiteRecordByNumber(context.Background(), siteNumber)
	if err != nil {
		t.Fatal(err)
	}
	vers, err := f.store.RecordVersions(context.Background(), "website", wr.ID)
	if err != nil || len(vers) != 2 || vers[1].ApplicationID != id || vers[0].ApplicationID == id {
		t.Errorf("website versions: %+v %v", vers, err)
	}

	// change_access: no SMS at all.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_access", "record": siteNumber}), 201, "create change_access")
	id = app["id"].(string)
	doc = app["document"].(map[string]any)
	doc["websites"].([]any)[0].(map[string]any)["access"] = map[string]any{"method": "cloud", "ips": []any{"139.217.1.2"}, "server_location": "310000"}
	f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save change_access")
	f.uploadAll(tok, id, map[string]string{"kind": "verification_form", "website": "0", "signed_on": today})
	if a := f.state(tok, id); hasViolation(a, "violations", "attachment.verification_form_outdated", "") {
		t.Errorf("a fresh form warned of: %v", a["violations"])
	}
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit change_access")
	f.toApprovalAs(tok, id, false, "", leaderCert)
	w := websiteOf(f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings"), siteNumber)
	if w["name"] != "示例数字科技官网" || w["status"] != "active" || w["version"].(float64) != 2 {
		t.Errorf("website record after the changes: %v", w)
	}
	if acc := w["access"].(map[string]any); acc["status"] != "active" || acc["access"].(map[string]any)["ips"].([]any)[0] != "139.217.1.2" {
		t.Errorf("access after change_access: %v", acc)
	}

	// cancel_access: the domain is in a submitted application meanwhile (a
	// draft reserves nothing), then the site is left without access.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "cancel_access", "record": siteNumber}), 201, "create cancel_access")
	id = app["id"].(string)
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit cancel_access")
	if a := f.do("POST", "/api/v1/precheck", otherTok, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": "91310115MA1H7Q2R7C"}); a.status != 409 || a.code(t) != "precheck.domain_in_progress" {
		t.Errorf("domain in an open cancellation: %d %s", a.status, a.body)
	}
	f.toApprovalAs(tok, id, false, "", leaderCert)
	w = websiteOf(f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings"), siteNumber)
	if w["status"] != "no_access" || w["access"].(map[string]any)["status"] != "cancelled" {
		t.Errorf("after cancel_access: %v", w)
	}
	if res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck after cancel_access"); res["flow"] != "new_access" {
		t.Errorf("precheck after cancel_access: %v", res)
	}

	// cancel_subject: the subject and its websites are void, the lookup forgets them, the subject may file anew.
	app = f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "cancel_subject", "record": subjectNumber}), 201, "create cancel_subject")
	id = app["id"].(string)
	if !hasViolation(app, "violations", "cancel.reason.missing", "subject.remark") {
		t.Errorf("no reminder of the reason: %v", app["violations"])
	}
	doc = app["document"].(map[string]any)
	doc["subject"].(map[string]any)["remark"] = "公司注销"
	doc["subject"].(map[string]any)["name"] = "别的名字"
	sv := f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save cancel_subject")
	if s := sv["document"].(map[string]any)["subject"].(map[string]any); s["remark"] != "公司注销" || s["name"] != "杭州示例数字科技有限公司" {
		t.Errorf("a cancellation edits only its reason: %v", s)
	}
	f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit cancel_subject")
	f.toApprovalAs(tok, id, false, mobile, leaderCert)
	fl := f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings")
	if s := fl["subjects"].([]any)[0].(map[string]any); s["status"] != "cancelled" || websiteOf(fl, siteNumber)["status"] != "cancelled" {
		t.Errorf("after cancel_subject: %v", s)
	}
	if items := f.lookup(subjectNumber); len(items) != 0 {
		t.Errorf("lookup of a cancelled subject: %v", items)
	}
	if items := f.lookup(siteNumber); len(items) != 0 {
		t.Errorf("lookup of a cancelled website: %v", items)
	}
	if a := f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "change_subject", "record": subjectNumber}); a.status != 409 || a.code(t) != "record.cancelled" {
		t.Errorf("changing a cancelled subject: %d %s", a.status, a.body)
	}
	if res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck after cancel_subject"); res["flow"] != "first_filing" {
		t.Errorf("a cancelled subject files anew: %v", res)
	}
	// Bad lookups.
	if a := f.do("GET", "/api/v1/public/filings?q=", "", nil); a.status != 422 || a.code(t) != "validation_failed" {
		t.Errorf("empty lookup: %d %s", a.status, a.body)
	}
	if items := f.lookup("not%20a%20domain"); len(items) != 0 {
		t.Errorf("nonsense lookup: %v", items)
	}
}

// TestShellSubjectFilesAnew: a subject whose only website was cancelled
// (空壳) counts as unknown: it files again as a first filing, under a new
// number, and the old subject record is void.
func TestShellSubjectFilesAnew(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) {
		f := newFullEnv(t, url)
		f.must(f.do("POST", "/api/v1/accounts", "", map[string]any{"email": "zhao@example.com", "phone": "13900001111", "password": "Str0ng-pass!"}), 201, "register")
		tok := f.login("zhao@example.com", "Str0ng-pass!")
		const mobile, leaderCert = "13805815678", "330106198702143281"
		today := workdays.Date(f.clock.Now())
		file := func(domain string) map[string]any {
			pc := map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": "91330106E3PWQ30LC5"}
			if res := f.must(f.do("POST", "/api/v1/precheck", tok, pc), 200, "precheck "+domain); res["flow"] != "first_filing" {
				t.Fatalf("precheck %s: %v", domain, res)
			}
			app := f.must(f.do("POST", "/api/v1/applications", tok, pc), 201, "create")
			id := app["id"].(string)
			doc := exampleDocument(t)
			w := doc["websites"].([]any)[0].(map[string]any)
			w["domain"], w["homepage_url"] = domain, "www."+domain
			f.must(f.do("PUT", "/api/v1/applications/"+id, tok, doc), 200, "save")
			f.uploadAll(tok, id, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
				map[string]string{"kind": "verification_form", "website": "0", "signed_on": today}, map[string]string{"kind": "site_photo", "website": "0"})
			f.must(f.do("POST", "/api/v1/applications/"+id+"/submit", tok, nil), 200, "submit")
			return f.toApprovalAs(tok, id, true, mobile, leaderCert)["numbers"].(map[string]any)
		}
		first := file("example-hz.cn")
		app := f.must(f.do("POST", "/api/v1/applications", tok, map[string]any{"flow": "cancel_website", "record": first["websites"].([]any)[0]}), 201, "cancel_website")
		f.must(f.do("POST", "/api/v1/applications/"+app["id"].(string)+"/submit", tok, nil), 200, "submit cancel")
		f.toApprovalAs(tok, app["id"].(string), false, mobile, leaderCert)

		again := file("example-hz2.cn")
		if again["subject"] == first["subject"] || again["websites"].([]any)[0] != again["subject"].(string)+"-1" {
			t.Fatalf("filed anew: %v after %v", again, first)
		}
		status := map[string]string{}
		for _, s := range f.must(f.do("GET", "/api/v1/filings", tok, nil), 200, "filings")["subjects"].([]any) {
			s := s.(map[string]any)
			status[s["number"].(string)] = s["status"].(string)
		}
		if status[first["subject"].(string)] != "cancelled" || status[again["subject"].(string)] != "active" {
			t.Errorf("subject records: %v", status)
		}
	})
}
