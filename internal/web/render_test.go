package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/refdata"
	"beian/internal/service"
)

// sampleApp is an application in the middle of being filled in, with a
// violation on a nested field and a rejection reason.
func sampleApp() *service.Application {
	doc := filing.Document{Flow: "first_filing", Subject: filing.Subject{Province: "330000", City: "330100", County: "330106",
		Nature: "enterprise", CertType: "business_license", CertNumber: "91330106E3PWQ30LC5", Name: "杭州示例网络科技有限公司",
		Leader: filing.Person{Name: "赵敏", CertType: "resident_id", CertValidUntil: "long_term", Mobile: "13805815678"}},
		Websites: []filing.Website{{Name: "示例", Domain: "example-hz.cn", ContentTypes: []string{"corporate_portal"},
			Languages: []string{"zh-Hans"}, PreApprovals: []filing.PreApproval{{Category: "news", Number: ""}},
			Access: filing.Access{Method: "cloud", IPs: []string{"42.159.88.1", "10.0.0.1"}, ServerLocation: "310000"}}}}
	return &service.Application{ID: "app1", Flow: "first_filing", State: "initial_rejected", Document: doc,
		Violations: []filing.Violation{
			{Rule: "person.mobile.format", Field: "subject.leader.mobile", Severity: "error", Message: filing.Text{ZH: "手机号码格式不正确", EN: "bad mobile"}},
			{Rule: "access.ips.not_public", Field: "websites[0].access.ips[1]", Severity: "error", Message: filing.Text{ZH: "不是公网地址", EN: "not public"}},
			{Rule: "website.pre_approvals.number_required", Field: "websites[0].pre_approvals[0].number", Severity: "error", Message: filing.Text{ZH: "缺少审批文号", EN: "number missing"}},
			{Rule: "application.flow.invalid", Field: "flow", Severity: "error", Message: filing.Text{ZH: "未知备案类型", EN: "unknown flow"}},
			{Rule: "website.name.needs_pre_approval", Field: "websites[0].name", Severity: "warning", Message: filing.Text{ZH: "可能需要前置审批", EN: "may need pre-approval"}},
		},
		Attachments: []service.Attachment{{ID: "att1", Kind: "subject_leader_id", Website: -1, Bytes: 120000, Width: 800, Height: 600}},
		History: []service.Transition{{At: time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC), Actor: "applicant", From: "draft", To: "initial_review"},
			{At: time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC), Actor: "reviewer", From: "initial_review", To: "initial_rejected",
				Reasons: []filing.Reason{{Field: "subject.name", Message: "与营业执照不一致"}}}},
		Rejection: []filing.Reason{{Field: "subject.name", Message: "与营业执照不一致"}},
		CreatedAt: time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC), ETA: "2026-12-15",
	}
}

func testWeb(t *testing.T) *Web {
	t.Helper()
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	return &Web{cfg: config.Config{Provider: config.DefaultProvider()}, ref: refdata.Default(), pages: p, now: clock.Fixed(clock.TestNow())}
}

// TestPagesRender executes every template with realistic data, so a
// template that parses but fails at run time is caught here.
func TestPagesRender(t *testing.T) {
	wb := testWeb(t)
	for _, lang := range []string{"zh", "en"} {
		req := func() *http.Request {
			r := httptest.NewRequest("GET", "/applications/app1/subject", nil)
			r.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			r.SetPathValue("id", "app1")
			return r
		}
		app := sampleApp()
		cases := map[string]page{}
		for _, s := range formSteps {
			cases["step_"+s] = wb.buildStep(req(), app, s)
		}
		up := &uploadsPage{appPage: wb.newAppPage(req(), app, "uploads", app.Violations)}
		app.Plan = service.AttachmentPlan(app.Document, app.Attachments, app.State)
		up.Groups = slotsFor(lang, app)
		cases["uploads"] = up
		cases["submit"] = wb.buildSubmit(req(), app, app.Violations)
		doc := wb.newAppPage(req(), app, "", nil)
		cases["document"] = &doc
		cases["progress"] = &progressPage{appPage: wb.newAppPage(req(), app, "", nil), Events: []event{{Label: "初审中", Current: true}}}
		cases["home"] = &homePage{Tab: "apply", Items: []homeItem{{ApplicationSummary: service.ApplicationSummary{ID: "a", Flow: "first_filing", State: "draft", Domains: []string{"x.cn"}}, Editable: true}},
			Withdrawn: []homeItem{{ApplicationSummary: service.ApplicationSummary{ID: "b", Flow: "first_filing", State: "withdrawn", Domains: []string{"y.cn"}, Copyable: true}}}}
		cases["precheck"] = wb.newPrecheckPage(req())
		cases["login"] = newAuthPage(req(), "login.title")
		cases["register"] = newAuthPage(req(), "register.title")
		cases["forgot"] = newAuthPage(req(), "forgot.title")
		cases["reset"] = newAuthPage(req(), "reset.title")
		cases["error"] = &errorPage{Status: 404, Message: "x"}
		cases["duties"] = &dutiesPage{Errors: []string{"x"}, Duties: []service.Duty{
			{Kind: "psb_filing", Subject: "浙ICP备2026000001号", Website: "浙ICP备2026000001号-1", Domain: "x.cn", DueOn: "2026-12-30", DaysLeft: 7, State: "due", Reminded: []int{30, 7}, MayMarkDone: true},
			{Kind: "leader_id", Subject: "浙ICP备2026000001号", Role: "subject_leader", Person: "赵敏", DueOn: "2027-01-30", DaysLeft: 60, State: "due", Reminded: []int{90}},
			{Kind: "business_licence", Subject: "浙ICP备2026000001号", State: "ok", Value: "long_term", MaySetValidity: true},
			{Kind: "domain", Subject: "浙ICP备2026000001号", Website: "浙ICP备2026000001号-1", Domain: "x.cn", DueOn: "2026-01-30", DaysLeft: -3, State: "overdue"}}}
		for _, st := range []string{"verification", "bureau_sms", "approved", "sms_at_bureau"} {
			a := sampleApp()
			a.State = st
			if st == "sms_at_bureau" { // relay mode: the real bureau's SMS, confirmed at its site
				a.State = "bureau_review"
			}
			a.SMS = []service.SMSStatus{{Role: "subject_leader", Mobile: "138****5678", Status: "pending", AttemptsLeft: 5}}
			a.Numbers = &service.Numbers{Subject: "浙ICP备2026000001号", Websites: []string{"浙ICP备2026000001号-1"}}
			a.Progress = service.Progress{Situation: st, Numbers: []service.IssuedNumber{{Number: "浙ICP备2026000001号", Subject: true, Status: "active"},
				{Number: "浙ICP备2026000001号-1", Domain: "example-hz.cn", Status: "active"}}}
			if st == "sms_at_bureau" {
				a.SMS, a.Numbers, a.Progress.Numbers = nil, nil, nil
				a.Progress.SMSAtBureau = []service.SMSStatus{{Role: "subject_leader", Mobile: "138****5678"}}
			}
			pp := &progressPage{appPage: wb.newAppPage(req(), a, "", nil), Events: []event{{Label: "x", Current: true}},
				VOptions: service.VerificationOptions{Offices: config.DefaultProvider().Offices, MailingAddress: "北京"},
				VErrors:  map[string][]string{"date": {"面签日期须为工作日"}}, SMSErrors: map[string][]string{"code": {"验证码为 6 位数字"}},
				Photos: []sitePhoto{{Domain: "example-hz.cn"}}}
			rec := httptest.NewRecorder()
			if err := wb.render(rec, req(), 200, "progress", pp); err != nil {
				t.Fatalf("progress %s: %v", st, err)
			}
			body := rec.Body.String()
			want := map[string]string{"verification": `action="/applications/app1/verification"`, "bureau_sms": `action="/applications/app1/sms"`,
				"approved": "浙ICP备2026000001号-1", "sms_at_bureau": `href="https://beian.miit.gov.cn"`}[st]
			if !strings.Contains(body, want) {
				t.Errorf("progress in %s lacks %s", st, want)
			}
			if st == "sms_at_bureau" && (strings.Contains(body, `action="/applications/app1/sms"`) || !strings.Contains(body, "138****5678") || !strings.Contains(body, "12381")) {
				t.Errorf("relay progress: no code form here, the leader and 12381 named: %s", body)
			}
		}
		for _, tab := range []string{"change", "cancel"} {
			hp := &homePage{Tab: tab, Records: []service.FilingSubject{{Number: "浙ICP备2026000001号", Status: "active", Name: "杭州示例",
				Changes: []string{"change_subject"}, Cancels: []string{"cancel_subject"},
				Websites: []service.FilingWebsite{{Number: "浙ICP备2026000001号-1", Status: "active", Domain: "x.cn", AccessStatus: "active",
					Changes: []string{"change_website", "change_access"}, Cancels: []string{"cancel_website", "cancel_access"}}}}}}
			rec := httptest.NewRecorder()
			if err := wb.render(rec, req(), 200, "home", hp); err != nil {
				t.Fatalf("home %s: %v", tab, err)
			}
			want := map[string]string{"change": "变更接入", "cancel": "/records/cancel?record="}[tab]
			if lang == "zh" && !strings.Contains(rec.Body.String(), want) {
				t.Errorf("home %s tab lacks %s", tab, want)
			}
		}
		for k, v := range filingRenderCases(wb, req) { // filings_test.go
			cases[k] = v
		}
		for name := range wb.pages.byName {
			if _, ok := cases[name]; !ok {
				t.Errorf("page %s has no render case", name)
			}
		}
		for name, p := range cases {
			rec := httptest.NewRecorder()
			if err := wb.render(rec, req(), 200, name, p); err != nil {
				t.Fatalf("%s/%s: %v", lang, name, err)
			}
			body := rec.Body.String()
			if strings.Contains(body, "step.") && strings.Contains(body, ">step.") || strings.Contains(body, ">kind.") {
				t.Errorf("%s/%s shows an untranslated key", lang, name)
			}
		}
	}
}

// TestViolationsBesideFields checks that each violation lands beside its
// input: nested paths (ips[1], pre_approvals[0].number) included, and a
// violation without an input on the page is listed at the top.
func TestViolationsBesideFields(t *testing.T) {
	wb := testWeb(t)
	app := sampleApp()
	r := httptest.NewRequest("GET", "/", nil)
	cases := []struct {
		step, field, msg string
	}{
		{"subject", "subject.leader.mobile", "手机号码格式不正确"},
		{"access", "websites[0].access.ips", "不是公网地址"},
		{"websites", "websites[0].pre_approvals[0].number", "缺少审批文号"},
		{"websites", "websites[0].name", "可能需要前置审批"},
		{"subject", "subject.name", "驳回：与营业执照不一致"},
	}
	for _, c := range cases {
		p := wb.buildStep(r, app, c.step)
		f := p.F(c.field, "person.name", "")
		all := strings.Join(append(append(f.Errors, f.Warnings...), f.Rejected...), "|")
		if !strings.Contains(all, c.msg) {
			t.Errorf("%s: field %s shows %q, want %q", c.step, c.field, all, c.msg)
		}
	}
	p := wb.buildStep(r, app, "subject")
	if len(p.Unplaced) != 0 {
		t.Errorf("subject step lists %v at the top; every subject violation has an input", p.Unplaced)
	}
	if p.Other != 3 { // access, pre-approval number, flow
		t.Errorf("subject step counts %d problems elsewhere, want 3", p.Other)
	}
}

func TestFieldLabel(t *testing.T) {
	cases := map[string]string{
		"subject.leader.mobile":               "主办单位负责人 · 手机号码",
		"subject.name":                        "主办单位名称",
		"websites[1].access.ips[0]":           "网站 2 · 网站 IP 地址",
		"websites[0].leader.email":            "网站 1 · 网站负责人 · 电子邮箱",
		"websites[0].name":                    "网站 1 · 网站名称",
		"websites[0].pre_approvals[1].number": "网站 1 · 审批文号",
	}
	for in, want := range cases {
		if got := fieldLabel("zh", in); got != want {
			t.Errorf("fieldLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTemplateKeys checks that every key a template or the Go code names
// is in the catalogue (package words keeps both languages complete).
func TestTemplateKeys(t *testing.T) {
	names, _ := fs.Glob(templateFS, "templates/*.html")
	keyRE := regexp.MustCompile(`\bT "([a-z0-9_.]+)"`)
	for _, n := range names {
		b, _ := templateFS.ReadFile(n)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if !known(m[1]) {
				t.Errorf("%s names the missing key %q", n, m[1])
			}
		}
	}
	goKeys := regexp.MustCompile(`(?:tr\(\w+, |setFlash\(w, r, |known\()"([a-z0-9_.]*[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, m := range goKeys.FindAllStringSubmatch(string(b), -1) {
			if !known(m[1]) {
				t.Errorf("%s names the missing key %q", f, m[1])
			}
		}
	}
}

// TestStepIndicatorFollowsFlow: a cancellation shows only its steps, and
// 上一步 on the submit step goes back to the step before it in that flow.
func TestStepIndicatorFollowsFlow(t *testing.T) {
	wb := testWeb(t)
	cases := []struct {
		flow, prev string
		steps      int
	}{{"first_filing", "uploads", 5}, {"cancel_website", "websites", 2}, {"change_access", "uploads", 3}, {"change_subject", "subject", 2}}
	for _, c := range cases {
		app := sampleApp()
		app.Flow, app.State = c.flow, "draft"
		r := httptest.NewRequest("GET", "/applications/app1/submit", nil)
		rec := httptest.NewRecorder()
		if err := wb.render(rec, r, 200, "submit", wb.buildSubmit(r, app, nil)); err != nil {
			t.Fatal(err)
		}
		body := rec.Body.String()
		if n := strings.Count(body, `<span class="num">`); n != c.steps {
			t.Errorf("%s: %d steps, want %d", c.flow, n, c.steps)
		}
		if !strings.Contains(body, `href="/applications/app1/`+c.prev+`">`) {
			t.Errorf("%s: 上一步 does not lead to %s", c.flow, c.prev)
		}
	}
}

// filingRenderCases are the render cases of the filing pages, for TestPagesRender.
func filingRenderCases(wb *Web, req func() *http.Request) map[string]page {
	recs := []service.FilingSubject{{Number: "京ICP备2019012345号", Status: "active", Name: "北京星河云图科技有限公司", Nature: "enterprise", Version: 2,
		Websites: []service.FilingWebsite{
			{Number: "京ICP备2019012345号-1", Status: "active", Domain: "xinghe-cloud.cn", Name: "星河云图官网", AccessStatus: "active",
				Website: filing.Website{Access: filing.Access{Method: "cloud", IPs: []string{"42.159.10.10"}}}},
			{Number: "京ICP备2019012345号-2", Status: "no_access", Domain: "xinghe-blog.cn", Name: "博客", AccessStatus: "cancelled"},
			{Number: "京ICP备2019012345号-3", Status: "cancelled", Domain: "xinghe-old.cn", Name: "旧站"}}},
		{Number: "京ICP备2019000001号", Status: "cancelled", Name: "旧公司", OpenApplication: "app1"}}
	return map[string]page{
		"filings": &filingsPage{Records: recs},
		"cancel":  &cancelPage{Record: "京ICP备2019012345号-1", Hosted: true, Flow: "cancel_access", Reason: "停止运营", Errors: []string{"x"}},
		"lookup": &lookupPage{Q: "xinghe-cloud.cn", Asked: true, Items: []service.PublicFiling{{SubjectName: "北京星河云图科技有限公司", Nature: "enterprise",
			SubjectNumber: "京ICP备2019012345号", WebsiteName: "星河云图官网", Domain: "xinghe-cloud.cn", WebsiteNumber: "京ICP备2019012345号-1", ApprovedOn: "2026-11-30"}}},
	}
}
