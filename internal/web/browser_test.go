package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"beian/internal/browsertest"
	"beian/internal/clock"
	"beian/internal/service"
	"beian/internal/testkit"
	"beian/internal/workdays"
)

// journey drives one page step by step, failing the test with the step's
// name and the page's text when something does not appear.
type journey struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (j *journey) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	browsertest.Do(j.t, j.ctx, what, steps...)
}

// text is the visible text of the page.
func (j *journey) text() string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.Evaluate[string]("document.body.innerText"))
	if err != nil {
		j.t.Fatal(err)
	}
	return s
}

// choose picks an option of a select as a person does, firing change.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		js := `(function(){var s=document.querySelector(` + quoteJS(sel) + `); if(!s) return false; s.value=` + quoteJS(value) +
			`; s.dispatchEvent(new Event('change',{bubbles:true})); return s.value===` + quoteJS(value) + `;})()`
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err == nil && !ok {
			err = &chooseError{sel, value}
		}
		return chromedp.Void{}, err
	}
}

type chooseError struct{ sel, value string }

func (e *chooseError) Error() string { return "cannot choose " + e.value + " in " + e.sel }

func quoteJS(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func typeIn(name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SendKeys(chromedp.CSS(`[name="`+name+`"]`), value)
}

func setIn(name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(`[name="`+name+`"]`), value)
}

func waitFor(css string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(css))
}

// shot saves a full-page PNG when screenshots were asked for.
func (j *journey) shot(name string) {
	j.t.Helper()
	browsertest.Shot(j.t, j.ctx, name)
}

// TestBrowserJourney registers, logs in, pre-checks, fills every step,
// uploads generated JPEGs, submits and sees 初审中, in real Chromium. With
// BEIAN_SCREENSHOTS=dir it also saves a PNG of each applicant page.
func TestBrowserJourney(t *testing.T) {
	ctx := browsertest.Within(t, 3*time.Minute)
	h := newHarness(t)
	j := &journey{t: t, ctx: ctx, base: h.srv.URL}
	doc := exampleDoc(t)
	s, l, w := doc.Subject, doc.Subject.Leader, doc.Websites[0]

	// Pictures to upload, as a scanner would produce them.
	jpg := testkit.File(t, "scan.jpg", testJPEG(t, 900, 600))

	j.do("open the registration page",
		chromedp.Navigate(j.base+"/lang?to=zh&back=/register"),
		waitFor(`form[action="/register"]`))
	j.shot("01-register")
	j.do("register",
		typeIn("email", "zhaomin@example.com"), typeIn("phone", "13805815678"), typeIn("name", "赵敏"),
		typeIn("password", "Zhao-min-2026"), typeIn("password2", "Zhao-min-2026"),
		chromedp.Click(chromedp.CSS(`form[action="/register"] button[type=submit]`)),
		waitFor(`form[action="/login"]`))
	if !strings.Contains(j.text(), "注册成功") {
		t.Fatalf("no 注册成功 after registering:\n%s", j.text())
	}
	j.shot("02-login")
	j.do("log in",
		typeIn("email", "zhaomin@example.com"), typeIn("password", "Zhao-min-2026"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		waitFor(`.tabs`))
	j.shot("03-home-empty")

	j.do("pre-check",
		chromedp.Click(chromedp.CSS(`.tab-intro a.btn-primary`)),
		waitFor(`form[action="/apply"]`),
		typeIn("domain", w.Domain), choose(`select[name="cert_type"]`, s.CertType), typeIn("cert_number", s.CertNumber))
	j.shot("04-precheck")
	j.do("submit the pre-check",
		chromedp.Click(chromedp.CSS(`form[action="/apply"] button[type=submit]`)),
		waitFor(`select[name="subject.province"]`))
	if txt := j.text(); !strings.Contains(txt, "首次备案") {
		t.Fatalf("the subject step does not name the flow 首次备案:\n%s", txt)
	}

	// 主体信息: the address selects are filled by the page's script.
	j.do("fill the subject",
		choose(`select[name="subject.province"]`, s.Province),
		chromedp.WaitReady(chromedp.CSS(`select[name="subject.city"] option[value="`+s.City+`"]`)),
		choose(`select[name="subject.city"]`, s.City),
		chromedp.WaitReady(chromedp.CSS(`select[name="subject.county"] option[value="`+s.County+`"]`)),
		choose(`select[name="subject.county"]`, s.County),
		choose(`select[name="subject.nature"]`, s.Nature),
		typeIn("subject.name", s.Name), typeIn("subject.cert_address", s.CertAddress),
		typeIn("subject.mailing_address", s.MailingAddress), typeIn("subject.investor", s.Investor),
		typeIn("subject.leader.name", l.Name), choose(`select[name="subject.leader.cert_type"]`, l.CertType),
		typeIn("subject.leader.cert_number", l.CertNumber),
		setIn("subject.leader.cert_valid_from", l.CertValidFrom), setIn("subject.leader.cert_valid_until", l.CertValidUntil),
		typeIn("subject.leader.office_phone", l.OfficePhone),
		typeIn("subject.leader.mobile", "1380581567"), // one digit short, fixed below
		typeIn("subject.leader.email", l.Email), typeIn("subject.emergency_phone", s.EmergencyPhone),
		chromedp.Click(chromedp.CSS(`button[value="next"]`)),
		waitFor(`.has-error [name="subject.leader.mobile"]`))
	j.shot("05-subject-with-error")
	j.do("fix the mobile",
		setIn("subject.leader.mobile", l.Mobile),
		chromedp.Click(chromedp.CSS(`button[value="next"]`)),
		waitFor(`input[name="websites[0].name"]`))

	// 网站信息.
	j.do("fill the website",
		typeIn("websites[0].name", w.Name), typeIn("websites[0].homepage_url", w.HomepageURL),
		chromedp.Click(chromedp.CSS(`input[name="websites[0].content_types"][value="corporate_portal"]`)),
		chromedp.Click(chromedp.CSS(`input[name="websites[0].languages"][value="zh-Hans"]`)),
		chromedp.Click(chromedp.CSS(`input[name="websites[0].languages"][value="en"]`)))
	j.shot("06-websites")
	j.do("save the website",
		chromedp.Click(chromedp.CSS(`button[value="next"]`)),
		waitFor(`textarea[name="websites[0].access.ips"]`))

	// 接入信息.
	j.do("fill the access",
		choose(`select[name="websites[0].access.method"]`, w.Access.Method),
		typeIn("websites[0].access.ips", w.Access.IPs[0]),
		choose(`select[name="websites[0].access.server_location"]`, w.Access.ServerLocation))
	j.shot("07-access")
	j.do("save the access",
		chromedp.Click(chromedp.CSS(`button[value="next"]`)),
		waitFor(`.upload-form`))

	// 提交备案 before the uploads lists what is missing.
	j.do("look at the submit step", chromedp.Navigate(strings.TrimSuffix(mustLocation(j), "/uploads")+"/submit"), waitFor(`.missing-list`))
	if txt := j.text(); !strings.Contains(txt, "缺少附件") {
		t.Fatalf("the submit step does not list the missing attachments:\n%s", txt)
	}
	j.shot("08-submit-missing")
	j.do("back to the uploads", chromedp.Click(chromedp.CSS(`.steps li:nth-child(4) a`)), waitFor(`.upload-form`))

	// A file over the provider's limit is refused in the page, before it is sent.
	big := testkit.File(t, "huge.jpg", append([]byte{0xff, 0xd8, 0xff}, make([]byte, 11<<20)...))
	j.do("choose a file too large", chromedp.SetUploadFiles(chromedp.CSS(`#subject_certificate--1 input[type=file]`), []string{big}),
		waitFor(`#subject_certificate--1 .upload-status.bad`))
	if txt := j.text(); !strings.Contains(txt, "超过 10 MB 的上限") {
		t.Fatalf("the too-large file is not refused beside its slot:\n%s", txt)
	}

	// 上传资料: one picture per required kind.
	today := clock.TestNow().In(workdays.CST).Format("2006-01-02")
	for _, slot := range []string{"subject_certificate--1", "subject_leader_id--1", "verification_form-0", "domain_certificate-0"} {
		// One step: choosing the file sends it (the signing date first where one is asked).
		var steps []chromedp.Action[chromedp.Void]
		if strings.HasPrefix(slot, "verification_form") {
			steps = append(steps, chromedp.SetValue(chromedp.CSS(`#`+slot+` input[type=date]`), today))
		}
		steps = append(steps, chromedp.SetUploadFiles(chromedp.CSS(`#`+slot+` input[type=file]`), []string{jpg}), waitFor(`#`+slot+` .thumbs img`))
		j.do("upload "+slot, steps...)
	}
	j.shot("09-uploads")

	j.do("go to submit", chromedp.Click(chromedp.CSS(`.app-main > .actions a.btn-primary`)), waitFor(`form[action$="/submit"] button`))
	if txt := j.text(); strings.Contains(txt, "缺少附件") {
		t.Fatalf("still missing after uploading:\n%s", txt)
	}
	j.shot("10-submit-ready")
	j.do("submit", chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)), waitFor(`.timeline`))
	if txt := j.text(); !strings.Contains(txt, "初审中") {
		t.Fatalf("the progress page does not show 初审中:\n%s", txt)
	}
	j.shot("11-progress")

	// The reviewer passes the initial review; the applicant books 面签.
	appURL := mustLocation(j)
	appID := appURL[strings.LastIndexByte(appURL, '/')+1:]
	if _, _, err := h.svc.EnsureAdmin(ctx, "admin@example.com", "Admin-pass-2026!"); err != nil {
		t.Fatal(err)
	}
	sess, err := h.svc.Login(ctx, "admin@example.com", "Admin-pass-2026!", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Decide(ctx, sess.Account, appID, service.DecisionInput{Decision: "approve"}); err != nil {
		t.Fatal(err)
	}
	cal, _ := workdays.New(nil)
	day := clock.TestNow().In(workdays.CST).AddDate(0, 0, 1)
	for !cal.IsWorkday(day) {
		day = day.AddDate(0, 0, 1)
	}
	j.do("open the verification choice", chromedp.Navigate(appURL), waitFor(`form[action$="/verification"]`))
	j.shot("12-verification")
	j.do("book face-to-face signing",
		chromedp.SetValue(chromedp.CSS(`#v-date`), day.Format("2006-01-02")),
		chromedp.Click(chromedp.CSS(`form[action$="/verification"] input[value="onsite"] ~ button`)),
		waitFor(`.panel .ok-banner`))
	if txt := j.text(); !strings.Contains(txt, "现场面签") || !strings.Contains(txt, "待核验") {
		t.Fatalf("the booking is not shown:\n%s", txt)
	}

	j.do("home", chromedp.Navigate(j.base+"/"), waitFor(`.table`))
	if txt := j.text(); !strings.Contains(txt, "待核验") || !strings.Contains(txt, w.Domain) {
		t.Fatalf("the home page does not list the application:\n%s", txt)
	}
	j.shot("13-home")
	j.do("english", chromedp.Navigate(j.base+"/lang?to=en&back=/"), waitFor(`.table`))
	if txt := j.text(); !strings.Contains(txt, "Awaiting verification") {
		t.Fatalf("the English home page does not show the state in English:\n%s", txt)
	}
	j.shot("14-home-en")

	// A phone-sized window: the step indicator folds above the form.
	j.do("phone", chromedp.EmulateViewport(390, 844), chromedp.Navigate(j.base+"/lang?to=zh&back="+url.QueryEscape(strings.TrimPrefix(appURL, j.base))),
		waitFor(`.timeline`))
	j.shot("15-phone-progress")
}

func mustLocation(j *journey) string {
	j.t.Helper()
	loc, err := chromedp.Run(j.ctx, chromedp.Location())
	if err != nil {
		j.t.Fatal(err)
	}
	return loc
}
