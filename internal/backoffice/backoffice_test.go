package backoffice_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"beian/internal/bureau"
	"beian/internal/clock"
	"beian/internal/examples"
	"beian/internal/filing"
	"beian/internal/jobs"
	"beian/internal/middleware"
	"beian/internal/notify"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
	"beian/internal/words"
	"beian/internal/workdays"
)

// harness is the applicant UI and the back office on one mux, over the
// real service and a real database, served on loopback.
type harness struct {
	t        testing.TB
	srv      *httptest.Server
	svc      *service.Service
	st       *storage.Store
	runner   *jobs.Runner
	notifier *notify.Notifier
}

// drain runs the queued jobs (the notifications) until none is due.
func (h *harness) drain() error {
	for {
		n, err := h.runner.RunDue(context.Background())
		if err != nil || n == 0 {
			return err
		}
	}
}

// besideField reports whether the form field named name carries a
// rejection with msg inside its own field box.
func besideField(page, name, msg string) bool {
	i := strings.Index(page, `name="`+name+`"`)
	if i < 0 {
		return false
	}
	start := strings.LastIndex(page[:i], `<div class="field`)
	end := strings.Index(page[i:], "</div>")
	if start < 0 || end < 0 {
		return false
	}
	box := page[start : i+end]
	return strings.Contains(box, "has-rejection") && strings.Contains(box, `<p class="frej">`) && strings.Contains(box, msg)
}

func newHarness(t testing.TB, withBureau ...bool) *harness {
	t.Helper()
	mode := bureau.ModeAuto
	if len(withBureau) > 0 && withBureau[0] {
		mode = bureau.ModeManual
	}
	return newHarnessMode(t, mode)
}

// eachHarness runs fn on a harness of every available database, its
// bureau in mode.
func eachHarness(t *testing.T, mode string, fn func(t *testing.T, h *harness)) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) { fn(t, newHarnessMode(t, mode, url)) })
}

// newHarnessMode is Beian as production wires it (testkit), with the
// bureau of mode, served on loopback, on the database dbURL names or a
// fresh SQLite file.
func newHarnessMode(t testing.TB, mode string, dbURL ...string) *harness {
	t.Helper()
	opts := []testkit.Option{testkit.Env("BEIAN_BUREAU_MODE", mode), testkit.Env("BEIAN_BASE_URL", "http://127.0.0.1")}
	if len(dbURL) > 0 {
		opts = append(opts, testkit.DB(dbURL[0]))
	}
	k := testkit.New(t, opts...)
	srv := httptest.NewServer(k.Handler())
	t.Cleanup(srv.Close)
	return &harness{t: t, srv: srv, svc: k.Service, st: k.Store, runner: k.Runner, notifier: k.Notifier}
}

func testJPEG(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := range 600 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), uint8((x ^ y) & 0xff), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// submitted registers an applicant and submits the spec's example filing
// with every required attachment; it returns the applicant and the id.
func (h *harness) submitted(email string) (*service.Session, string) {
	h.t.Helper()
	return h.submittedWith(email, nil)
}

// submittedWith is submitted with the example changed by mod first.
func (h *harness) submittedWith(email string, mod func(*filing.Document)) (*service.Session, string) {
	t := h.t
	t.Helper()
	ctx := context.Background()
	b := examples.MustRead(examples.Enterprise)
	var doc filing.Document
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if mod != nil {
		mod(&doc)
	}
	if _, err := h.svc.Register(ctx, service.RegisterInput{Email: email, Phone: "13900007777", Password: "Appl1cant-pass", Name: "赵敏"}); err != nil {
		t.Fatal(err)
	}
	sess, err := h.svc.Login(ctx, email, "Appl1cant-pass", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	app, err := h.svc.CreateApplication(ctx, sess.Account, service.CreateInput{Domain: doc.Websites[0].Domain, CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber})
	if err != nil {
		t.Fatal(err)
	}
	if app, err = h.svc.SaveDocument(ctx, sess.Account, app.ID, doc); err != nil {
		t.Fatal(err)
	}
	fieldRE := regexp.MustCompile(`^attachments\.([a-z_]+)(?:\[([0-9]+)\])?$`)
	for _, v := range h.svc.Missing(app) {
		m := fieldRE.FindStringSubmatch(v.Field)
		if m == nil {
			t.Fatalf("the example cannot be submitted: %v", v)
		}
		in := service.AttachmentInput{Kind: m[1], Website: -1, File: bytes.NewReader(testJPEG(t))}
		if m[2] != "" {
			in.Website = int(m[2][0] - '0')
		}
		if m[1] == service.KindVerificationForm {
			in.SignedOn = clock.TestNow().In(workdays.CST).Format(time.DateOnly)
		}
		if _, err := h.svc.AddAttachment(ctx, sess.Account, app.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.svc.Submit(ctx, sess.Account, app.ID); err != nil {
		t.Fatal(err)
	}
	return sess, app.ID
}

func (h *harness) staff(email, role string) *service.Session {
	h.t.Helper()
	ctx := context.Background()
	if _, err := h.svc.CreateStaff(ctx, nil, service.RegisterInput{Email: email, Password: "Staff-pass-2026", Name: "审核员"}, role); err != nil {
		h.t.Fatal(err)
	}
	sess, err := h.svc.Login(ctx, email, "Staff-pass-2026", "127.0.0.1")
	if err != nil {
		h.t.Fatal(err)
	}
	return sess
}

// client is a visitor (testkit's) holding one session cookie, not
// following redirects.
type client struct {
	h     *harness
	v     *testkit.Visitor
	token string
}

func (h *harness) client(token string) *client {
	v := testkit.NewVisitor(h.t, h.srv.URL)
	if token != "" {
		v.SetCookie(middleware.SessionCookie, token)
	}
	return &client{h: h, token: token, v: v}
}

// answer is an answer with its body as text.
type answer struct {
	status int
	header http.Header
	body   string
}

func textOf(a testkit.Answer) answer { return answer{a.Status, a.Header, string(a.Body)} }

func (c *client) get(path string) answer {
	c.h.t.Helper()
	return textOf(c.v.Get(path))
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

// csrf is the form token a page of the back office gives its forms.
func (c *client) csrf() string {
	c.h.t.Helper()
	m := csrfInput.FindStringSubmatch(c.get("/").body) // the token is the session's, the same on every door
	if m == nil {
		c.h.t.Fatal("no CSRF token on the home page")
	}
	return m[1]
}

func (c *client) post(path string, form url.Values, withCSRF bool) answer {
	c.h.t.Helper()
	if withCSRF {
		form.Set("csrf", c.csrf())
	}
	return textOf(c.v.PostForm(path, form))
}

// verifying is a submitted application approved at initial review whose
// applicant chose to mail the originals, with a reviewer and an admin.
func (h *harness) verifying() (applicant *service.Session, id string, rev, adm *service.Session) {
	h.t.Helper()
	ctx := context.Background()
	applicant, id = h.submitted("zhao@example.com")
	rev = h.staff("rev@example.com", service.RoleReviewer)
	adm = h.staff("adm@example.com", service.RoleAdmin)
	if _, err := h.svc.Decide(ctx, rev.Account, id, service.DecisionInput{Decision: "approve"}); err != nil {
		h.t.Fatal(err)
	}
	if _, err := h.svc.ChooseVerification(ctx, applicant.Account, id, service.VerificationInput{Method: "mail", TrackingNumber: "SF0000111122"}); err != nil {
		h.t.Fatal(err)
	}
	return applicant, id, rev, adm
}

// TestBackOffice: only staff enter; CSRF; a rejection needs a reason; a
// field-level rejection reaches the applicant's form beside that field;
// admin pages are for admins.
func TestBackOffice(t *testing.T) {
	eachHarness(t, bureau.ModeAuto, func(t *testing.T, h *harness) {
		applicant, id := h.submitted("zhao@example.com")
		rev := h.staff("rev@example.com", service.RoleReviewer)
		adm := h.staff("adm@example.com", service.RoleAdmin)

		anon, app, rc, ac := h.client(""), h.client(applicant.Token), h.client(rev.Token), h.client(adm.Token)
		if a := anon.get("/review"); a.status != http.StatusSeeOther || a.header.Get("Location") != "/login?next=%2Freview" {
			t.Errorf("anonymous: %d %s", a.status, a.header.Get("Location"))
		}
		for _, p := range []string{"/review", "/review/applications/" + id, "/admin/outbox", "/admin/audit", "/admin/staff"} {
			if a := app.get(p); a.status != http.StatusNotFound || strings.Contains(a.body, "审核队列") {
				t.Errorf("applicant GET %s: %d", p, a.status)
			}
		}
		if a := app.post("/review/applications/"+id+"/decision", url.Values{"decision": {"approve"}}, true); a.status != http.StatusNotFound {
			t.Errorf("applicant deciding: %d", a.status)
		}

		// The queue lists the application with its due time.
		q := rc.get("/review")
		if q.status != 200 || !strings.Contains(q.body, `data-id="`+id+`"`) || !strings.Contains(q.body, "杭州示例网络科技有限公司") {
			t.Fatalf("queue: %d\n%s", q.status, q.body)
		}
		if a := rc.get("/review?province=110000"); strings.Contains(a.body, `data-id="`+id+`"`) {
			t.Errorf("province filter ignored")
		}
		view := rc.get("/review/applications/" + id)
		if view.status != 200 || !strings.Contains(view.body, `<option value="websites[0].name"`) || !strings.Contains(view.body, "13805815678") {
			t.Fatalf("application view: %d\n%.3000s", view.status, view.body)
		}
		thumb := regexp.MustCompile(`<img src="(/review/applications/[^"]+/attachments/[^"]+)"`).FindStringSubmatch(view.body)
		if thumb == nil {
			t.Fatalf("no attachment thumbnails")
		}
		if a := rc.get(thumb[1]); a.status != 200 || a.header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(a.body, "\xff\xd8") {
			t.Errorf("thumbnail: %d %s", a.status, a.header.Get("Content-Type"))
		}
		if a := app.get(thumb[1]); a.status != http.StatusNotFound {
			t.Errorf("applicant through the back office: %d", a.status)
		}

		// CSRF, and a rejection without reasons.
		if a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"reject"}}, false); a.status != http.StatusForbidden {
			t.Errorf("no CSRF token: %d", a.status)
		}
		if a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"reject"}, "reason_field": {""}, "reason_message": {""}}, true); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="decision-error"`) {
			t.Errorf("reject without reasons: %d", a.status)
		}
		reason := "网站名称请与网站实际内容一致"
		a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"reject"},
			"reason_field": {"websites[0].name", ""}, "reason_pick": {"", ""}, "reason_message": {reason, ""}}, true)
		if a.status != http.StatusSeeOther {
			t.Fatalf("reject: %d\n%.2000s", a.status, a.body)
		}
		got, err := h.svc.GetApplication(context.Background(), applicant.Account, id)
		if err != nil || got.State != "initial_rejected" || len(got.Rejection) != 1 || got.Rejection[0].Field != "websites[0].name" {
			t.Fatalf("after the rejection: %v %+v", err, got)
		}
		// The applicant's form shows the reason beside the field.
		step := app.get("/applications/" + id + "/websites")
		if !besideField(step.body, "websites[0].name", reason) {
			t.Errorf("the reason is not beside websites[0].name:\n%.4000s", step.body)
		}

		// Admin pages: reviewers 403, admins see masked recipients, audit CSV.
		if a := rc.get("/admin/outbox"); a.status != http.StatusForbidden {
			t.Errorf("reviewer on the outbox: %d", a.status)
		}
		if err := h.drain(); err != nil {
			t.Fatal(err)
		}
		ob := ac.get("/admin/outbox?channel=email&to=zhao@example.com")
		if ob.status != 200 || !strings.Contains(ob.body, "备案申请") || strings.Contains(ob.body, "zhao@example.com</td>") {
			t.Errorf("outbox: %d\n%.2000s", ob.status, ob.body)
		}
		csv := ac.get("/admin/audit.csv?object_id=" + id)
		if csv.status != 200 || !strings.HasPrefix(csv.body, "at,actor_id") || !strings.Contains(csv.body, "application.read") || !strings.Contains(csv.body, "application.reject") {
			t.Errorf("audit csv: %d\n%s", csv.status, csv.body)
		}
		if a := ac.post("/admin/staff", url.Values{"email": {"rev2@example.com"}, "password": {"Staff-pass-2026"}, "name": {"新审核员"}, "role": {"reviewer"}}, true); a.status != http.StatusSeeOther {
			t.Errorf("create staff: %d\n%.1000s", a.status, a.body)
		}
		if a := ac.get("/admin/staff"); !strings.Contains(a.body, "rev2@example.com") {
			t.Errorf("new staff not listed")
		}
		// The bureau simulator (auto mode) is wired as in production: its console is an admin's page.
		if a := ac.get("/admin/bureau"); a.status != http.StatusOK {
			t.Errorf("the simulator's console: %d", a.status)
		}
		if a := rc.get("/admin/bureau"); a.status != http.StatusForbidden && a.status != http.StatusNotFound {
			t.Errorf("a reviewer on the simulator's console: %d", a.status)
		}
	})
}

// TestBureauConsole: the admin decides as the simulated bureau (manual
// mode) in the console; the application is approved with its numbers.
func TestBureauConsole(t *testing.T) {
	eachHarness(t, bureau.ModeManual, func(t *testing.T, h *harness) {
		ctx := context.Background()
		applicant, id, rev, adm := h.verifying()
		rc, ac := h.client(rev.Token), h.client(adm.Token)
		if a := rc.post("/review/applications/"+id+"/materials-received", url.Values{"note": {"已签收"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("materials received: %d %.1000s", a.status, a.body)
		}
		if a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"approve"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("approve materials: %d", a.status)
		}
		if a := rc.post("/review/applications/"+id+"/submit-to-bureau", url.Values{}, true); a.status != http.StatusSeeOther {
			t.Fatalf("submit to bureau: %d %.1000s", a.status, a.body)
		}
		if err := h.drain(); err != nil {
			t.Fatal(err)
		}
		msgs, err := h.notifier.Outbox.List(ctx, notify.OutboxQuery{Channel: notify.SMS, To: "13805815678"})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("sms: %v %v", err, msgs)
		}
		code := regexp.MustCompile(`[0-9]{6}`).FindString(msgs[0].Body)
		if _, err := h.svc.ConfirmSMS(ctx, applicant.Account, id, service.SMSInput{Mobile: "13805815678", CertLast6: "143281", Code: code}); err != nil {
			t.Fatal(err)
		}
		if a := rc.get("/admin/bureau"); a.status != http.StatusForbidden {
			t.Errorf("reviewer in the console: %d", a.status)
		}
		page := ac.get("/admin/bureau")
		if page.status != 200 || !strings.Contains(page.body, "/admin/bureau/applications/"+id+"/decision") || !strings.Contains(page.body, "manual") {
			t.Fatalf("console: %d\n%.2000s", page.status, page.body)
		}
		if a := ac.post("/admin/bureau/applications/"+id+"/decision", url.Values{"decision": {"reject"}}, true); a.status != http.StatusUnprocessableEntity {
			t.Errorf("reject without reason: %d", a.status)
		}
		if a := ac.post("/admin/bureau/applications/"+id+"/decision", url.Values{"decision": {"approve"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("approve: %d %.1000s", a.status, a.body)
		}
		got, err := h.svc.GetApplication(ctx, applicant.Account, id)
		if err != nil || got.State != "approved" || got.Numbers == nil || !strings.HasPrefix(got.Numbers.Subject, "浙ICP备") {
			t.Fatalf("after the console: %v %+v", err, got)
		}
		if a := ac.get("/review/applications/" + id); !strings.Contains(a.body, got.Numbers.Websites[0]) {
			t.Errorf("numbers not shown to staff")
		}
	})
}

// TestRelayConsole (issue 14 item 1): in relay mode the console records
// the real bureau's outcomes: the numbers it issued (checked, the error
// shown on the page) and a CSV batch whose lines are answered one by one.
func TestRelayConsole(t *testing.T) {
	h := newHarnessMode(t, bureau.ModeRelay)
	ctx := context.Background()
	applicant, id, rev, adm := h.verifying()
	rc, ac := h.client(rev.Token), h.client(adm.Token)
	for _, step := range []struct{ path, decision string }{{"/materials-received", ""}, {"/decision", "approve"}, {"/submit-to-bureau", ""}} {
		form := url.Values{}
		if step.decision != "" {
			form.Set("decision", step.decision)
		}
		if a := rc.post("/review/applications/"+id+step.path, form, true); a.status != http.StatusSeeOther {
			t.Fatalf("%s: %d %.800s", step.path, a.status, a.body)
		}
	}
	if err := h.drain(); err != nil {
		t.Fatal(err)
	}
	if sms, _ := h.notifier.Outbox.List(ctx, notify.OutboxQuery{Channel: notify.SMS}); len(sms) != 0 {
		t.Errorf("Beian texted in relay mode: %v", sms)
	}
	page := ac.get("/admin/bureau")
	if page.status != 200 || !strings.Contains(page.body, `name="subject_number"`) || !strings.Contains(page.body, `name="website_numbers"`) ||
		!strings.Contains(page.body, `value="sms_expired"`) || !strings.Contains(page.body, `action="/admin/bureau/outcomes"`) {
		t.Fatalf("relay console: %d\n%.3000s", page.status, page.body)
	}
	dec := "/admin/bureau/applications/" + id + "/decision"
	bad := ac.post(dec, url.Values{"decision": {"approve"}, "subject_number": {"京ICP备2026000555号"}, "website_numbers": {"京ICP备2026000555号-1"}}, true)
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "浙") {
		t.Errorf("a number of another province: %d %.2000s", bad.status, bad.body)
	}
	// The batch: a line for an unknown application, and this one.
	csv := fmt.Appendf(nil, "application,decision,subject_number,website_numbers,reason\n0190aaaa-0000-7000-8000-00000000abcd,reject,,,x\n%s,approve,浙ICP备2026000555号,浙ICP备2026000555号-1,\n", id)
	imported := textOf(ac.v.PostFiles("/admin/bureau/outcomes", map[string]string{"csrf": ac.csrf()}, map[string][]byte{"file": csv}))
	if imported.status != 200 || !strings.Contains(imported.body, "已登记") || strings.Count(imported.body, `class="error"`) != 1 {
		t.Fatalf("import page: %d %.3000s", imported.status, imported.body)
	}
	got, err := h.svc.GetApplication(ctx, applicant.Account, id)
	if err != nil || got.State != "approved" || got.Numbers == nil || got.Numbers.Subject != "浙ICP备2026000555号" {
		t.Fatalf("after the import: %v %+v", err, got)
	}
}

// TestTemplateWords: every word a back-office template names is in the
// one catalogue (package words keeps both languages complete).
func TestTemplateWords(t *testing.T) {
	names, err := filepath.Glob("templates/*.html")
	if err != nil || len(names) < 5 {
		t.Fatalf("templates: %v %v", names, err)
	}
	key := regexp.MustCompile(`\bT "([a-z0-9_.]+)"`)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if !words.Has(m[1]) {
				t.Errorf("%s names the missing word %q", n, m[1])
			}
		}
	}
}
