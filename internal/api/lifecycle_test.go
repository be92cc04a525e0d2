package api_test

import (
	"beian/internal/domainreg"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/app"
	"beian/internal/bureau"
	"beian/internal/ident"
	"beian/internal/jobs"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
	"beian/internal/workdays"
)

// lcEnv is a whole Beian: the real router, service, bureau simulator at
// time scale 0, notifier (outbox) and job runner, on one database, with
// a clock the test moves.
type lcEnv struct {
	*env
	svc    *service.Service
	sim    *bureau.Simulator // nil in relay mode
	relay  *bureau.Relay     // relay mode only
	flaky  *flakyBureau      // the adapter the service calls: the simulator, whose hand-overs a test may make fail
	runner *jobs.Runner
	admin  string // admin token
	// domains is the domain registry: the demo seed's, with registrations
	// a test sets (domains_test.go).
	domains *testDomains
}

// flakyBureau is the simulator with hand-overs a test can make fail, as a
// bureau that is briefly unreachable does.
type flakyBureau struct {
	bureau.Bureau
	mu       sync.Mutex
	failNext int // hand-overs still to fail
	calls    int
}

func (f *flakyBureau) Submit(ctx context.Context, sub bureau.Submission) error {
	f.mu.Lock()
	f.calls++
	fail := f.failNext > 0
	if fail {
		f.failNext--
	}
	f.mu.Unlock()
	if fail {
		return errors.New("the bureau is unreachable")
	}
	return f.Bureau.Submit(ctx, sub)
}

// eachLifecycleEnv runs fn on an lcEnv of every available database, its
// bureau in mode (default auto).
func eachLifecycleEnv(t *testing.T, fn func(t *testing.T, e *lcEnv), mode ...string) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) { fn(t, newLifecycleEnv(t, url, mode...)) })
}

func newLifecycleEnv(t *testing.T, url string, mode ...string) *lcEnv {
	t.Helper()
	bmode := bureau.ModeAuto
	if len(mode) > 0 {
		bmode = mode[0]
	}
	flaky := &flakyBureau{}
	doms := &testDomains{set: map[string]*domainreg.Registration{}}
	k := testkit.New(t, testkit.DB(url), testkit.Env("BEIAN_BUREAU_MODE", bmode), testkit.Env("BEIAN_RATE_LIMITS", "off"),
		testkit.With(app.WithBureau(func(b bureau.Bureau) bureau.Bureau { flaky.Bureau = b; return flaky }),
			app.WithDomains(func(r domainreg.Registry) domainreg.Registry { doms.Registry = r; return doms })))
	if k.Relay != nil {
		// The demo registry, as filings the operator seeded the relay's mirror with.
		if err := k.Relay.LoadSeed(context.Background(), bureau.DemoSeed()); err != nil {
			t.Fatal(err)
		}
	}
	lc := &lcEnv{env: envOf(t, url, k), svc: k.Service, sim: k.Simulator, relay: k.Relay, flaky: flaky, runner: k.Runner, domains: doms}
	lc.admin = k.AdminToken()
	return lc
}

// drain runs every due job until none is left.
func (e *lcEnv) drain() int { return e.kit.RunJobs() }

func (e *lcEnv) outbox(channel, to string) []map[string]any {
	e.t.Helper()
	a := e.do("GET", "/api/v1/admin/outbox?channel="+channel+"&to="+to, e.admin, nil)
	if a.status != 200 {
		e.t.Fatalf("outbox: %d %s", a.status, a.body)
	}
	var out []map[string]any
	for _, it := range a.json(e.t)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

var codeRE = regexp.MustCompile(`\b([0-9]{6})\b`)

// latestCode is the newest SMS code texted to mobile.
func (e *lcEnv) latestCode(mobile string) string {
	e.t.Helper()
	msgs := e.outbox("sms", mobile)
	if len(msgs) == 0 {
		e.t.Fatalf("no SMS to %s", mobile)
	}
	if msgs[0]["subject"] != "12381" {
		e.t.Errorf("SMS sender %v, want 12381", msgs[0]["subject"])
	}
	if to := msgs[0]["to"].(string); strings.Contains(to, mobile) {
		e.t.Errorf("outbox shows the mobile in clear: %s", to)
	}
	m := codeRE.FindStringSubmatch(msgs[0]["body"].(string))
	if m == nil {
		e.t.Fatalf("no code in %q", msgs[0]["body"])
	}
	return m[1]
}

// beijingDocument is a Beijing enterprise with two websites: the subject
// leader leads the first, another person the second.
func beijingDocument(t *testing.T) map[string]any {
	doc := exampleDocument(t)
	credit := "91110105MA01LC7Q2"
	credit += string(ident.USCCCheckChar(credit))
	leaderA := "11010519880315231"
	leaderA += string(ident.IDCheckChar(leaderA))
	leaderB := "11010819900620452"
	leaderB += string(ident.IDCheckChar(leaderB))
	s := doc["subject"].(map[string]any)
	s["province"], s["city"], s["county"] = "110000", "110100", "110105"
	s["cert_number"], s["name"], s["investor"] = credit, "北京示例生命周期科技有限公司", "北京示例生命周期科技有限公司"
	s["cert_address"] = "北京市朝阳区建国路88号"
	s["mailing_address"] = "北京市朝阳区建国路88号SOHO现代城5号楼1201室"
	s["emergency_phone"] = "13911119999"
	la := s["leader"].(map[string]any)
	la["name"], la["cert_number"], la["mobile"], la["office_phone"], la["email"] = "李明", leaderA, "13911110001", "010-65001234", "liming@example.com"
	w0 := doc["websites"].([]any)[0].(map[string]any)
	w0["name"], w0["domain"], w0["homepage_url"] = "示例生命周期官网", "bj-lifecycle-a.cn", "www.bj-lifecycle-a.cn"
	w0["leader"] = clone(la)
	w1 := clone(w0)
	w1["name"], w1["domain"], w1["homepage_url"] = "示例生命周期文档", "bj-lifecycle-b.cn", "www.bj-lifecycle-b.cn"
	lb := clone(la)
	lb["name"], lb["cert_number"], lb["mobile"], lb["email"] = "王芳", leaderB, "13911110002", "wangfang@example.com"
	w1["leader"] = lb
	doc["websites"] = []any{w0, w1}
	return doc
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

var attachmentField = regexp.MustCompile(`^attachments\.([a-z_]+)(?:\[([0-9]+)\])?$`)

// TestLifecycle is issue 4's held-back script, through the real router on
// every database: a Beijing enterprise with two websites from submission
// to an ICP number, with a rejection, a resubmission, verification by mail,
// five wrong SMS codes, and the milestone emails.
func TestLifecycle(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) { lifecycle(t, url) })
}

func lifecycle(t *testing.T, url string) {
	e := newLifecycleEnv(t, url)

	// Accounts: an applicant, a reviewer created by the admin.
	if a := e.do("POST", "/api/v1/accounts", "", map[string]any{"email": "li@example.com", "phone": "13900005555", "password": "Appl1cant-pass", "name": "李明"}); a.status != 201 {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	tok := e.login("li@example.com", "Appl1cant-pass")
	staff := map[string]any{"email": "rev@beian.test", "phone": "13900006666", "password": "Rev1ewer-pass", "name": "审核员", "role": "reviewer"}
	if a := e.do("POST", "/api/v1/admin/users", tok, staff); a.status != 404 {
		t.Errorf("applicant creating staff: %d %s", a.status, a.body)
	}
	if a := e.do("POST", "/api/v1/admin/users", e.admin, staff); a.status != 201 || a.json(t)["role"] != "reviewer" {
		t.Fatalf("create reviewer: %d %s", a.status, a.body)
	}
	rev := e.login("rev@beian.test", "Rev1ewer-pass")
	if a := e.do("GET", "/api/v1/admin/outbox", rev, nil); a.status != 403 || a.code(t) != "forbidden" {
		t.Errorf("reviewer reading the outbox: %d %s", a.status, a.body)
	}

	// A Beijing enterprise with two websites, submitted.
	doc := beijingDocument(t)
	subj := doc["subject"].(map[string]any)
	pc := map[string]any{"domain": "bj-lifecycle-a.cn", "cert_type": "business_license", "cert_number": subj["cert_number"]}
	cr := e.do("POST", "/api/v1/applications", tok, pc)
	if cr.status != 201 {
		t.Fatalf("create: %d %s", cr.status, cr.body)
	}
	id := cr.json(t)["id"].(string)
	appPath := "/api/v1/applications/" + id
	sv := e.do("PUT", appPath, tok, doc)
	if sv.status != 200 {
		t.Fatalf("save: %d %s", sv.status, sv.body)
	}
	if errs := errorViolations(sv.json(t)); len(errs) > 0 {
		t.Fatalf("the Beijing document has error violations: %v", errs)
	}
	sub := e.do("POST", appPath+"/submit", tok, nil)
	if sub.status != 422 {
		t.Fatalf("submit without attachments: %d %s", sub.status, sub.body)
	}
	for _, v := range sub.json(t)["error"].(map[string]any)["violations"].([]any) {
		m := attachmentField.FindStringSubmatch(v.(map[string]any)["field"].(string))
		if m == nil {
			t.Fatalf("unexpected violation: %v", v)
		}
		fields := map[string]string{"kind": m[1]}
		if m[2] != "" {
			fields["website"] = m[2]
		}
		if m[1] == "verification_form" {
			fields["signed_on"] = e.day(-1)
		}
		if a := e.upload(appPath+"/attachments", tok, fields, photo(t, 800, 600)); a.status != 201 {
			t.Fatalf("upload %v: %d %s", fields, a.status, a.body)
		}
	}
	if a := e.do("POST", appPath+"/submit", tok, nil); a.status != 200 || a.json(t)["state"] != "initial_review" {
		t.Fatalf("submit: %d %s", a.status, a.body)
	}

	// An applicant cannot act as a reviewer.
	for _, req := range []struct{ method, path string }{
		{"GET", "/api/v1/review/queue"}, {"GET", "/api/v1/review/applications/" + id},
		{"POST", "/api/v1/review/applications/" + id + "/decision"}, {"POST", "/api/v1/review/applications/" + id + "/materials-received"},
		{"POST", "/api/v1/review/applications/" + id + "/submit-to-bureau"}, {"GET", "/api/v1/admin/outbox"}, {"GET", "/api/v1/admin/audit"},
		{"POST", "/api/v1/admin/bureau/applications/" + id + "/decision"},
	} {
		var body any
		if req.method == "POST" {
			body = map[string]any{"decision": "approve"}
		}
		if a := e.do(req.method, req.path, tok, body); a.status != 404 || a.code(t) != "not_found" {
			t.Errorf("applicant %s %s: %d %s", req.method, req.path, a.status, a.body)
		}
	}
	if a := e.do("GET", appPath, tok, nil); a.json(t)["state"] != "initial_review" {
		t.Fatalf("the applicant's attempts changed the state: %s", a.body)
	}

	// The queue: due 2 working days after submission.
	q := e.do("GET", "/api/v1/review/queue?province=110000", rev, nil)
	if q.status != 200 {
		t.Fatalf("queue: %d %s", q.status, q.body)
	}
	items := q.json(t)["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != id || items[0].(map[string]any)["overdue"] != false {
		t.Fatalf("queue items: %v", items)
	}
	if due := items[0].(map[string]any)["due_at"]; due != dueAfter(e.clock.Now(), 2*workdays.HoursPerDay) {
		t.Errorf("initial review due %v, want 2 working days later (Wed 10:00 CST)", due)
	}
	if a := e.do("GET", "/api/v1/review/queue?province=310000", rev, nil); len(a.json(t)["items"].([]any)) != 0 {
		t.Errorf("province filter: %s", a.body)
	}
	if a := e.do("GET", "/api/v1/review/queue?state=material_review", rev, nil); len(a.json(t)["items"].([]any)) != 0 {
		t.Errorf("state filter: %s", a.body)
	}
	if a := e.do("GET", "/api/v1/review/queue?limit=1", rev, nil); a.status != 200 || len(a.json(t)["items"].([]any)) != 1 {
		t.Errorf("a page of one: %d %s", a.status, a.body)
	}
	for _, bad := range []string{"0", "1001", "x"} {
		if a := e.do("GET", "/api/v1/review/queue?limit="+bad, rev, nil); a.status != 422 || !strings.Contains(string(a.body), "review.limit.invalid") {
			t.Errorf("limit=%s: %d %s", bad, a.status, a.body)
		}
	}

	// A rejection needs a reason; one naming websites[0].name reaches the applicant.
	decide := func(body map[string]any) answer {
		return e.do("POST", "/api/v1/review/applications/"+id+"/decision", rev, body)
	}
	if a := decide(map[string]any{"decision": "reject"}); a.status != 422 {
		t.Errorf("reject without reasons: %d %s", a.status, a.body)
	}
	if a := decide(map[string]any{"decision": "reject", "reasons": []any{}}); a.status != 422 {
		t.Errorf("reject with an empty list: %d %s", a.status, a.body)
	}
	if a := decide(map[string]any{"decision": "reject_materials", "reasons": []any{map[string]any{"field": "attachments.site_photo[0]", "message": "x"}}}); a.status != 409 || a.code(t) != "invalid_transition" {
		t.Errorf("reject materials in initial review: %d %s", a.status, a.body)
	}
	reason := "网站名称与网站内容不符，请修改"
	rj := decide(map[string]any{"decision": "reject", "reasons": []any{map[string]any{"field": "websites[0].name", "rule": "website.name.content", "message": reason}}})
	if rj.status != 200 || rj.json(t)["state"] != "initial_rejected" {
		t.Fatalf("reject: %d %s", rj.status, rj.body)
	}
	view := e.do("GET", appPath, tok, nil).json(t)
	rejection := view["rejection"].([]any)
	if len(rejection) != 1 || rejection[0].(map[string]any)["field"] != "websites[0].name" || rejection[0].(map[string]any)["message"] != reason {
		t.Errorf("the applicant does not see the reason: %v", view["rejection"])
	}
	hist := view["history"].([]any)
	last := hist[len(hist)-1].(map[string]any)
	if last["actor"] != "reviewer" || last["from"] != "initial_review" || last["to"] != "initial_rejected" || len(last["reasons"].([]any)) != 1 {
		t.Errorf("history: %v", last)
	}

	// The applicant renames the website and resubmits; the reviewer sees exactly that change.
	doc["websites"].([]any)[0].(map[string]any)["name"] = "示例生命周期科技官网"
	if a := e.do("PUT", appPath, tok, doc); a.status != 200 {
		t.Fatalf("save after rejection: %d %s", a.status, a.body)
	}
	if a := e.do("POST", appPath+"/submit", tok, nil); a.status != 200 || a.json(t)["state"] != "initial_review" {
		t.Fatalf("resubmit: %d %s", a.status, a.body)
	}
	rv := e.do("GET", "/api/v1/review/applications/"+id, rev, nil)
	if rv.status != 200 {
		t.Fatalf("review view: %d %s", rv.status, rv.body)
	}
	changed := rv.json(t)["changed_fields"].([]any)
	if len(changed) != 1 || changed[0] != "websites[0].name" {
		t.Errorf("changed fields %v, want [websites[0].name]", changed)
	}
	// Staff see personal data in clear, and the read is audited.
	if m := rv.json(t)["document"].(map[string]any)["subject"].(map[string]any)["leader"].(map[string]any)["mobile"]; m != "13911110001" {
		t.Errorf("reviewer sees leader mobile %v", m)
	}

	// Initial review passed: verification (first filing), by mail.
	if a := decide(map[string]any{"decision": "approve"}); a.status != 200 || a.json(t)["state"] != "verification" {
		t.Fatalf("approve initial: %d %s", a.status, a.body)
	}
	if a := e.do("POST", appPath+"/verification", tok, map[string]any{"method": "carrier_pigeon"}); a.status != 422 {
		t.Errorf("unknown method: %d %s", a.status, a.body)
	}
	if a := e.do("POST", appPath+"/verification", tok, map[string]any{"method": "onsite", "office": "beijing", "date": e.offday()}); a.status != 422 {
		t.Errorf("signing on a day off: %d %s", a.status, a.body)
	}
	vr := e.do("POST", appPath+"/verification", tok, map[string]any{"method": "mail", "tracking_number": "SF1234567890"})
	if vr.status != 200 || vr.json(t)["verification"].(map[string]any)["tracking_number"] != "SF1234567890" || len(vr.json(t)["offices"].([]any)) != 2 {
		t.Fatalf("verification by mail: %d %s", vr.status, vr.body)
	}
	e.clock.Set(e.clock.Now().Add(26 * time.Hour)) // the originals arrive the next day, 12:00
	received := e.clock.Now()
	mr := e.do("POST", "/api/v1/review/applications/"+id+"/materials-received", rev, map[string]any{"note": "顺丰已签收"})
	if mr.status != 200 || mr.json(t)["state"] != "material_review" {
		t.Fatalf("materials received: %d %s", mr.status, mr.body)
	}
	if due := mr.json(t)["due_at"]; due != dueAfter(received, 1.5*workdays.HoursPerDay) {
		t.Errorf("material review due %v, want 1.5 working days after receipt (Wed 16:30 CST)", due)
	}
	if a := decide(map[string]any{"decision": "approve"}); a.status != 200 || a.json(t)["state"] != "ready_for_bureau" {
		t.Fatalf("approve materials: %d %s", a.status, a.body)
	}
	if a := e.do("POST", appPath+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": "123456", "code": "000000"}); a.status != 409 || a.code(t) != "invalid_transition" {
		t.Errorf("SMS before submission: %d %s", a.status, a.body)
	}

	// To the bureau: codes from 12381 to both leaders; five wrong ones return it.
	toBureau := func() {
		t.Helper()
		a := e.do("POST", "/api/v1/review/applications/"+id+"/submit-to-bureau", rev, nil)
		if a.status != 200 || a.json(t)["state"] != "bureau_sms" {
			t.Fatalf("submit to bureau: %d %s", a.status, a.body)
		}
		e.drain()
	}
	toBureau()
	got := e.do("GET", appPath, tok, nil).json(t)
	if sms := got["sms"].([]any); len(sms) != 2 || sms[0].(map[string]any)["status"] != "pending" || sms[0].(map[string]any)["attempts_left"].(float64) != 5 {
		t.Errorf("sms status: %v", got["sms"])
	}
	leaderA := subj["leader"].(map[string]any)["cert_number"].(string)
	leaderB := doc["websites"].([]any)[1].(map[string]any)["leader"].(map[string]any)["cert_number"].(string)
	codeA := e.latestCode("13911110001")
	wrong := fmt.Sprintf("%06d", (atoi6(codeA)+1)%1000000)
	for i := 1; i <= 5; i++ {
		a := e.do("POST", appPath+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": leaderA[len(leaderA)-6:], "code": wrong})
		if a.status != 422 || a.code(t) != "sms.code_wrong" {
			t.Fatalf("wrong code %d: %d %s", i, a.status, a.body)
		}
		if left := a.json(t)["error"].(map[string]any)["attempts_left"].(float64); int(left) != 5-i {
			t.Errorf("wrong code %d: attempts_left %v", i, left)
		}
	}
	if s := e.do("GET", appPath, tok, nil).json(t)["state"]; s != "ready_for_bureau" {
		t.Fatalf("after five wrong codes: %v", s)
	}
	e.drain()

	// Resubmitted: new codes, confirmed with mobile + last 6 + code.
	toBureau()
	codeA2, codeB := e.latestCode("13911110001"), e.latestCode("13911110002")
	ok := e.do("POST", appPath+"/sms", tok, map[string]any{"mobile": "13911110001", "cert_last6": leaderA[len(leaderA)-6:], "code": codeA2})
	if ok.status != 200 || len(ok.json(t)["sms"].([]any)) != 2 {
		t.Fatalf("confirm A: %d %s", ok.status, ok.body)
	}
	ok = e.do("POST", appPath+"/sms", tok, map[string]any{"mobile": "139 1111 0002", "cert_last6": strings.ToLower(leaderB[len(leaderB)-6:]), "code": codeB})
	if ok.status != 200 {
		t.Fatalf("confirm B: %d %s", ok.status, ok.body)
	}
	if s := e.do("GET", appPath, tok, nil).json(t)["state"]; s != "bureau_review" {
		t.Fatalf("after both codes: %v", s)
	}
	e.drain() // time scale 0: the bureau decides at once

	final := e.do("GET", appPath, tok, nil).json(t)
	if final["state"] != "approved" {
		t.Fatalf("final state %v: %v", final["state"], final["history"])
	}
	nums, _ := final["numbers"].(map[string]any)
	subjectNo, _ := nums["subject"].(string)
	if !regexp.MustCompile(`^京ICP备[0-9]{10}号$`).MatchString(subjectNo) {
		t.Errorf("subject number %q", subjectNo)
	}
	if ws, _ := nums["websites"].([]any); len(ws) != 2 || ws[0] != subjectNo+"-1" || ws[1] != subjectNo+"-2" {
		t.Errorf("website numbers %v", nums["websites"])
	}
	if final["eta"] != nil {
		t.Errorf("an approved application has no ETA: %v", final["eta"])
	}
	// Approval wrote the filing records.
	rec, err := e.store.SubjectRecordByNumber(context.Background(), subjectNo)
	if err != nil || rec.Status != storage.RecordActive || rec.ApplicationID != id {
		t.Fatalf("subject record: %v %+v", err, rec)
	}
	if sites, err := e.store.WebsiteRecordsBySubject(context.Background(), rec.ID); err != nil || len(sites) != 2 || sites[1].Number != subjectNo+"-2" || sites[1].Domain != "bj-lifecycle-b.cn" {
		t.Errorf("website records: %v %v", err, sites)
	}
	// Every transition went through the state machine and is on record.
	var path []string
	for _, h := range final["history"].([]any) {
		path = append(path, h.(map[string]any)["to"].(string))
	}
	want := []string{"initial_review", "initial_rejected", "initial_review", "verification", "material_review", "ready_for_bureau",
		"bureau_sms", "ready_for_bureau", "bureau_sms", "bureau_review", "approved"}
	if !slices.Equal(path, want) {
		t.Errorf("history %v\nwant    %v", path, want)
	}
	if a := decide(map[string]any{"decision": "approve"}); a.status != 409 || a.code(t) != "invalid_transition" {
		t.Errorf("deciding an approved application: %d %s", a.status, a.body)
	}

	// An email for each milestone.
	var subjects []string
	for _, m := range e.outbox("email", "li@example.com") {
		subjects = append(subjects, m["subject"].(string))
		if m["to"] == "li@example.com" {
			t.Errorf("outbox shows the address in clear")
		}
	}
	for _, want := range []string{"已提交", "驳回", "初审通过", "核验材料已收到", "已提交管局", "退回", "备案成功：" + subjectNo} {
		if !slices.ContainsFunc(subjects, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no email about %q among %q", want, subjects)
		}
	}
	for _, m := range e.outbox("email", "li@example.com") {
		if strings.HasPrefix(m["subject"].(string), "备案成功") && (!strings.Contains(m["body"].(string), "https://beian.miit.gov.cn") || !strings.Contains(m["body"].(string), "30 日内")) {
			t.Errorf("approval mail lacks the footer link or the 30-day reminder:\n%s", m["body"])
		}
	}

	// The leaders named in the filing hear of the approval too, by email
	// and SMS (seed 6.5): 李明 leads the subject and website 1 and gets one
	// of each naming both roles; 王芳 leads website 2.
	for _, l := range []struct{ email, mobile, roles string }{
		{"liming@example.com", "13911110001", "主体负责人、网站负责人"}, {"wangfang@example.com", "13911110002", "网站负责人"}} {
		var mails []map[string]any
		for _, m := range e.outbox("email", l.email) {
			if strings.HasPrefix(m["subject"].(string), "备案成功") {
				mails = append(mails, m)
			}
		}
		if len(mails) != 1 || !strings.Contains(mails[0]["body"].(string), "您是北京示例生命周期科技有限公司备案中的"+l.roles) ||
			!strings.Contains(mails[0]["body"].(string), subjectNo+"-2") {
			t.Errorf("approval mails to %s: %v", l.email, mails)
		}
		texts := e.outbox("sms", l.mobile)
		if len(texts) == 0 || !strings.Contains(texts[0]["body"].(string), "主体备案号 "+subjectNo) ||
			!strings.Contains(texts[0]["body"].(string), subjectNo+"-1（bj-lifecycle-a.cn）") || texts[0]["subject"] == "12381" {
			t.Errorf("approval SMS to %s: %v", l.mobile, texts)
		}
	}

	// The audit log records staff reads of personal data; CSV export.
	au := e.do("GET", "/api/v1/admin/audit?object_id="+id, e.admin, nil)
	if au.status != 200 || !strings.Contains(string(au.body), `"application.read"`) || !strings.Contains(string(au.body), `"application.reject"`) {
		t.Errorf("audit: %d %.500s", au.status, au.body)
	}
	csv := e.do("GET", "/api/v1/admin/audit?format=csv", e.admin, nil)
	if csv.status != 200 || !strings.HasPrefix(string(csv.body), "at,actor_id,actor_role,action") || !strings.Contains(csv.header.Get("Content-Type"), "text/csv") {
		t.Errorf("audit csv: %d %.200s", csv.status, csv.body)
	}
}

func atoi6(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
