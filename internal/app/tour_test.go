package app

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
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"beian/internal/api/apitest"
	"beian/internal/config"
	"beian/internal/examples"
	"beian/internal/filing"
	"beian/internal/ident"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/webhooks"
	"beian/internal/workdays"
)

// The tour: the whole system (build, as `beian serve` wires it) with an
// application in every state and situation the pages show, made through
// the service as applicants and staff would. The tests that look at every
// page — links (linkwalk_test.go), the progress page's truth, the
// accessibility check, phone widths and screenshots (browser_test.go) —
// all start from it.

// tourPassword is every tour account's password.
const tourPassword = "Tour-pass-2026"

type tour struct {
	t   testing.TB
	ctx context.Context
	sys *System
	st  *storage.Store
	srv *httptest.Server
	cfg config.Config

	admin, reviewer, applicant, second *service.Account
	tokens                             map[string]string // account email → session token
	apps                               map[string]string // situation label → application id
	order                              []string          // labels in the order made
	n                                  int               // filings made, for unique subjects
	scan                               []byte
}

// newTour builds the system on SQLite, the bureau in manual mode (staff
// decide for it, so every bureau state can be held), and makes the tour's
// accounts and applications. It takes a while: skipped with -short.
func newTour(t testing.TB) *tour {
	t.Helper()
	if testing.Short() {
		t.Skip("the tour takes a while; skipped with -short")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "BEIAN_DATA_DIR":
			return dir
		case "BEIAN_BUREAU_MODE":
			return "manual"
		case "BEIAN_RATE_LIMITS":
			return "off"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	sys := running(t, cfg)
	st := sys.Store
	tr := &tour{t: t, ctx: ctx, sys: sys, st: st, cfg: cfg, tokens: map[string]string{}, apps: map[string]string{}, scan: scanJPEG(t)}
	tr.srv = httptest.NewServer(apitest.Checked(t, sys.Handler()))
	t.Cleanup(tr.srv.Close)

	if _, _, err := sys.Service.EnsureAdmin(ctx, "admin@beian.test", tourPassword); err != nil {
		t.Fatal(err)
	}
	tr.admin = tr.login("admin@beian.test")
	tr.reviewer = tr.staff("reviewer@beian.test", "13700001111", "周审核", service.RoleReviewer)
	tr.applicant = tr.register("zhaomin@example.com", "13805815678", "赵敏")
	tr.second = tr.register("chenchen@example.net", "13802315679", "陈晨")
	// The provider's system hears every state change (partner webhooks):
	// it takes the first few and then fails, so the log shows both.
	var heard atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if heard.Add(1) > 5 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	t.Cleanup(hook.Close)
	_, _, err = sys.Webhooks.Create(ctx, tr.admin, webhooks.CreateInput{URL: hook.URL + "/beian", Description: "本公司工单系统", Provider: true})
	tr.must(err, "webhook endpoint")
	tr.makeApplications()
	return tr
}

func (tr *tour) must(err error, what string) {
	tr.t.Helper()
	if err != nil {
		tr.t.Fatalf("%s: %v", what, err)
	}
}

func (tr *tour) login(email string) *service.Account {
	tr.t.Helper()
	s, err := tr.sys.Service.Login(tr.ctx, email, tourPassword, "127.0.0.1")
	tr.must(err, "login "+email)
	tr.tokens[email] = s.Token
	return s.Account
}

func (tr *tour) register(email, phone, name string) *service.Account {
	tr.t.Helper()
	_, err := tr.sys.Service.Register(tr.ctx, service.RegisterInput{Email: email, Phone: phone, Password: tourPassword, Name: name})
	tr.must(err, "register "+email)
	return tr.login(email)
}

func (tr *tour) staff(email, phone, name, role string) *service.Account {
	tr.t.Helper()
	_, err := tr.sys.Service.CreateStaff(tr.ctx, tr.admin, service.RegisterInput{Email: email, Phone: phone, Password: tourPassword, Name: name}, role)
	tr.must(err, "staff "+email)
	return tr.login(email)
}

// drain runs every due job (mails, SMS, the bureau's work).
func (tr *tour) drain() {
	tr.t.Helper()
	for range 50 {
		n, err := tr.sys.Runner.RunDue(tr.ctx)
		tr.must(err, "jobs")
		if n == 0 {
			return
		}
	}
	tr.t.Fatal("the job queue does not drain")
}

func (tr *tour) keep(label, id string) {
	tr.apps[label] = id
	tr.order = append(tr.order, label)
}

// scanJPEG draws a page-like picture the image checks accept.
func scanJPEG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	for y := range 600 {
		for x := range 900 {
			c := color.RGBA{246, 244, 238, 255}
			if y%40 < 4 && x > 90 && x < 810-(y*37%180) {
				c = color.RGBA{60, 64, 72, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// document is filing n: the spec's enterprise example (or individual one)
// with its own credit code, domain, leader and mobiles.
func (tr *tour) document(individual bool) (filing.Document, string) {
	tr.t.Helper()
	tr.n++
	n := tr.n
	raw, err := examples.Read(examples.Enterprise)
	if individual {
		raw, err = os.ReadFile("../api/testdata/validate-individual.json")
	}
	tr.must(err, "example")
	var doc filing.Document
	tr.must(json.Unmarshal(raw, &doc), "example")
	doc.AsOf = ""
	leader := fmt.Sprintf("3301061987%02d%02d%03d", 1+n%12, 1+n%28, 100+n)
	leader += string(ident.IDCheckChar(leader))
	l := &doc.Subject.Leader
	l.CertNumber, l.Mobile = leader, fmt.Sprintf("1380581%04d", n) // a Hangzhou mobile
	if individual {
		l.Mobile = fmt.Sprintf("1380231%04d", n) // a Guangzhou one, as the subject's province
		doc.Subject.CertNumber = leader
	} else {
		credit := fmt.Sprintf("91330106MA%07d", 2700000+n)
		doc.Subject.CertNumber = credit + string(ident.USCCCheckChar(credit))
		doc.Subject.Name = fmt.Sprintf("杭州示例%s网络科技有限公司", []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "云", "海", "山", "川", "星", "月", "风", "雨"}[n%18])
		doc.Subject.Investor = doc.Subject.Name
		doc.Subject.EmergencyPhone = fmt.Sprintf("1380574%04d", n)
	}
	w := &doc.Websites[0]
	w.Domain = fmt.Sprintf("tour-%02d.cn", n)
	w.HomepageURL = "www." + w.Domain
	w.Leader = *l
	return doc, w.Domain
}

// draft pre-checks and creates a first filing of acc, saves its document
// and, when full, uploads every attachment submission asks for.
func (tr *tour) draft(acc *service.Account, individual, full bool) string {
	tr.t.Helper()
	doc, domain := tr.document(individual)
	app, err := tr.sys.Service.CreateApplication(tr.ctx, acc, service.CreateInput{Domain: domain, CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber})
	tr.must(err, "create "+domain)
	if !full {
		return app.ID
	}
	doc.Flow = app.Flow
	app, err = tr.sys.Service.SaveDocument(tr.ctx, acc, app.ID, doc)
	tr.must(err, "save "+domain)
	tr.attach(acc, app)
	return app.ID
}

var attachmentPath = regexp.MustCompile(`^attachments\.([a-z_]+)(?:\[([0-9]+)\])?$`)

// attach uploads every attachment the application still misses.
func (tr *tour) attach(acc *service.Account, app *service.Application) {
	tr.t.Helper()
	for _, v := range tr.sys.Service.Missing(app) {
		m := attachmentPath.FindStringSubmatch(v.Field)
		if m == nil {
			tr.t.Fatalf("%s: %s %s", app.ID, v.Field, v.Message.ZH)
		}
		in := service.AttachmentInput{Kind: m[1], Website: -1, File: bytes.NewReader(tr.scan)}
		if m[2] != "" {
			in.Website = int(m[2][0] - '0')
		}
		if in.Kind == "verification_form" {
			in.SignedOn = workdays.Date(tr.st.Now())
		}
		_, err := tr.sys.Service.AddAttachment(tr.ctx, acc, app.ID, in)
		tr.must(err, "upload "+v.Field)
	}
}

func (tr *tour) get(acc *service.Account, id string) *service.Application {
	tr.t.Helper()
	app, err := tr.sys.Service.GetApplication(tr.ctx, acc, id)
	tr.must(err, "get "+id)
	return app
}

func (tr *tour) submit(acc *service.Account, id string) {
	tr.t.Helper()
	_, err := tr.sys.Service.Submit(tr.ctx, acc, id)
	tr.must(err, "submit "+id)
}

func (tr *tour) decide(id, decision string, reasons ...filing.Reason) {
	tr.t.Helper()
	_, err := tr.sys.Service.Decide(tr.ctx, tr.reviewer, id, service.DecisionInput{Decision: decision, Reasons: reasons})
	tr.must(err, decision+" "+id)
}

// workday is the next working day, for a signing appointment.
func (tr *tour) workday() string {
	cal, _ := workdays.New(nil)
	day := tr.st.Now().In(workdays.CST).AddDate(0, 0, 1)
	for !cal.IsWorkday(day) {
		day = day.AddDate(0, 0, 1)
	}
	return day.Format(time.DateOnly)
}

func (tr *tour) verify(acc *service.Account, id string) {
	tr.t.Helper()
	_, err := tr.sys.Service.ChooseVerification(tr.ctx, acc, id, service.VerificationInput{Method: service.VerifyOnsite, Office: "beijing", Date: tr.workday()})
	tr.must(err, "verification "+id)
}

func (tr *tour) received(id string) {
	tr.t.Helper()
	_, err := tr.sys.Service.MaterialsReceived(tr.ctx, tr.reviewer, id, "面签完成")
	tr.must(err, "received "+id)
}

func (tr *tour) toBureau(id string) {
	tr.t.Helper()
	_, err := tr.sys.Service.SubmitToBureau(tr.ctx, tr.reviewer, id)
	tr.must(err, "to the bureau "+id)
	tr.drain()
}

var smsCode = regexp.MustCompile(`\b([0-9]{6})\b`)

// confirmSMS enters the code each leader of the application received.
func (tr *tour) confirmSMS(acc *service.Account, id string) {
	tr.t.Helper()
	app := tr.get(acc, id)
	people := []filing.Person{app.Document.Subject.Leader}
	for _, w := range app.Document.Websites {
		people = append(people, w.Leader)
	}
	seen := map[string]bool{}
	for _, p := range people {
		if p.Mobile == "" || seen[p.Mobile] {
			continue
		}
		seen[p.Mobile] = true
		msgs, err := tr.sys.Service.Outbox(tr.ctx, tr.admin, service.OutboxQuery{Channel: "sms", To: p.Mobile, Limit: 1})
		tr.must(err, "outbox")
		if len(msgs) == 0 {
			continue // this leader gets no code in this flow
		}
		m := smsCode.FindStringSubmatch(msgs[0].Body)
		if m == nil {
			tr.t.Fatalf("no code in %q", msgs[0].Body)
		}
		_, err = tr.sys.Service.ConfirmSMS(tr.ctx, acc, id, service.SMSInput{Mobile: p.Mobile, CertLast6: p.CertNumber[len(p.CertNumber)-6:], Code: m[1]})
		tr.must(err, "confirm sms "+id)
	}
	tr.drain()
}

func (tr *tour) bureau(id string, approve bool, reason string) {
	tr.t.Helper()
	decision := "reject"
	if approve {
		decision = "approve"
	}
	_, err := tr.sys.Service.BureauDecide(tr.ctx, tr.admin, id, service.BureauDecisionInput{Decision: decision, Reason: reason})
	tr.must(err, "bureau decides "+id)
	tr.drain()
}

// advance takes application id of acc on, each step the one its state
// asks for on the way to approval (a flow without verification or SMS
// skips them), until it is in state stop.
func (tr *tour) advance(acc *service.Account, id, stop string) {
	tr.t.Helper()
	for range 10 {
		st := tr.get(acc, id).State
		if st == stop {
			return
		}
		switch st {
		case "draft":
			tr.submit(acc, id)
		case "initial_review", "material_review":
			tr.decide(id, "approve")
		case "verification":
			tr.verify(acc, id)
			tr.received(id)
		case "ready_for_bureau":
			tr.toBureau(id)
		case "bureau_sms":
			tr.confirmSMS(acc, id)
		case "bureau_review":
			tr.bureau(id, true, "")
		default:
			tr.t.Fatalf("%s: no way on from %s to %s", id, st, stop)
		}
	}
	tr.t.Fatalf("%s: does not reach %s", id, stop)
}

// upTo is a new complete first filing of acc taken on to state stop.
func (tr *tour) upTo(acc *service.Account, stop string) string {
	tr.t.Helper()
	id := tr.draft(acc, false, true)
	tr.advance(acc, id, stop)
	return id
}

// filed takes a new first filing of acc to approval and returns its id and
// the website number.
func (tr *tour) filed(acc *service.Account) (string, string) {
	tr.t.Helper()
	id := tr.upTo(acc, "approved")
	app := tr.get(acc, id)
	if app.Numbers == nil || len(app.Numbers.Websites) == 0 {
		tr.t.Fatalf("filing %s: %s %+v", id, app.State, app.Numbers)
	}
	return id, app.Numbers.Websites[0]
}

// fromRecord runs a change or cancellation of record through approval.
func (tr *tour) fromRecord(acc *service.Account, flow, record string, edit func(*filing.Document)) string {
	tr.t.Helper()
	var app *service.Application
	var err error
	if strings.HasPrefix(flow, "cancel_") {
		app, err = tr.sys.Service.StartCancellation(tr.ctx, acc, flow, record, "网站停止运营")
	} else {
		app, err = tr.sys.Service.CreateApplication(tr.ctx, acc, service.CreateInput{Flow: flow, Record: record})
	}
	tr.must(err, flow+" "+record)
	if edit != nil {
		doc := app.Document
		edit(&doc)
		app, err = tr.sys.Service.SaveDocument(tr.ctx, acc, app.ID, doc)
		tr.must(err, "save "+flow)
		tr.attach(acc, app)
	}
	return app.ID
}

// makeApplications makes one application per situation the pages show.
func (tr *tour) makeApplications() {
	t, a, b := tr.t, tr.applicant, tr.second
	t.Helper()

	// Filed and changed, then cancelled: the change approved, the
	// cancellation done, and the first filing whose number is void now.
	first, number := tr.filed(b)
	tr.keep("approved-then-cancelled", first)
	change := tr.fromRecord(b, filing.FlowChangeWebsite, number, func(d *filing.Document) { d.Websites[0].Name = "示例网络科技新官网" })
	tr.advance(b, change, "approved")
	tr.keep("change_approved", change)
	cancel := tr.fromRecord(b, filing.FlowCancelWebsite, number, nil)
	tr.advance(b, cancel, "approved")
	tr.keep("cancelled", cancel)

	// The subject left without websites, changed; a filing active and
	// free to change or cancel.
	tr.keep("change_subject-draft", tr.fromRecord(b, filing.FlowChangeSubject, tr.get(b, first).Numbers.Subject, nil))
	approved, _ := tr.filed(a)
	tr.keep("approved", approved)

	// Drafts: fresh, complete, an individual's, a new website and a new
	// access (the demo registry's subject filed through another provider).
	tr.keep("draft-fresh", tr.draft(b, false, false))
	tr.keep("draft", tr.draft(a, false, true))
	tr.keep("individual-draft", tr.draft(b, true, true))
	nw, err := tr.sys.Service.CreateApplication(tr.ctx, a, service.CreateInput{Domain: "xinghe-new.cn", CertType: "business_license", CertNumber: "91110108MA01XK3NX8"})
	tr.must(err, "new website")
	tr.keep("new_website-draft", nw.ID)
	na, err := tr.sys.Service.CreateApplication(tr.ctx, b, service.CreateInput{Domain: "chengming-docs.cn", CertType: "business_license", CertNumber: "91310115MA1H7Q2R7C"})
	tr.must(err, "new access")
	tr.keep("new_access-draft", na.ID)

	// Every state after submission.
	for _, stop := range []string{"initial_review", "verification", "material_review", "ready_for_bureau", "bureau_sms"} {
		tr.keep(stop, tr.upTo(a, stop))
	}
	tr.keep("bureau_review", tr.upTo(b, "bureau_review"))
	rejection := []filing.Reason{{Field: "subject.mailing_address", Message: "通讯地址请具体到门牌号"},
		{Field: "attachments.subject_certificate", Message: "请上传营业执照彩色扫描件"}}
	id := tr.upTo(a, "initial_review")
	tr.decide(id, "reject", rejection...)
	tr.keep("initial_rejected", id)

	// Rejected, corrected (a field and a replaced attachment), resubmitted.
	id = tr.upTo(a, "initial_review")
	tr.decide(id, "reject", rejection...)
	app := tr.get(a, id)
	doc := app.Document
	doc.Subject.MailingAddress += "（东门）"
	_, err = tr.sys.Service.SaveDocument(tr.ctx, a, id, doc)
	tr.must(err, "correct")
	for _, at := range app.Attachments {
		if at.Kind == "subject_certificate" {
			tr.must(tr.sys.Service.DeleteAttachment(tr.ctx, a, id, at.ID), "delete")
		}
	}
	tr.attach(a, tr.get(a, id))
	tr.submit(a, id)
	tr.keep("resubmitted", id)

	id = tr.upTo(a, "material_review")
	tr.decide(id, "reject_materials", filing.Reason{Field: "attachments.site_photo[0]", Message: "幕布照片模糊，请重新拍摄"})
	tr.keep("materials_rejected", id)

	id = tr.upTo(a, "bureau_sms")
	leader := tr.get(a, id).Document.Subject.Leader
	for range 5 {
		tr.sys.Service.ConfirmSMS(tr.ctx, a, id, service.SMSInput{Mobile: leader.Mobile, CertLast6: leader.CertNumber[len(leader.CertNumber)-6:], Code: "000000"})
	}
	tr.drain()
	tr.keep("sms_returned", id)

	id = tr.upTo(b, "bureau_review")
	tr.bureau(id, false, "主办单位名称与营业执照不一致")
	tr.keep("bureau_rejected", id)

	id = tr.upTo(b, "initial_review")
	_, err = tr.sys.Service.Withdraw(tr.ctx, b, id)
	tr.must(err, "withdraw")
	tr.keep("withdrawn", id)
	tr.drain()
}

// owner is the applicant account of a tour application.
func (tr *tour) owner(label string) *service.Account {
	app, err := tr.sys.Service.GetApplication(tr.ctx, tr.applicant, tr.apps[label])
	if err == nil && app != nil {
		return tr.applicant
	}
	return tr.second
}

// TestTourStates checks the tour made what it says: each application in
// the state and situation of its label.
func TestTourStates(t *testing.T) {
	tr := newTour(t)
	want := map[string]string{
		"approved-then-cancelled": "numbers_cancelled", "change_approved": "change_approved", "cancelled": "cancelled",
		"approved": "approved", "change_subject-draft": "draft", "draft-fresh": "draft", "draft": "draft", "individual-draft": "draft",
		"new_website-draft": "draft", "new_access-draft": "draft", "initial_review": "initial_review", "initial_rejected": "initial_rejected",
		"verification": "verification", "materials_rejected": "materials_rejected", "material_review": "material_review",
		"ready_for_bureau": "ready_for_bureau", "bureau_sms": "bureau_sms", "sms_returned": "sms_returned",
		"bureau_review": "bureau_review", "bureau_rejected": "bureau_rejected", "withdrawn": "withdrawn", "resubmitted": "initial_review",
	}
	for label, situation := range want {
		app := tr.get(tr.owner(label), tr.apps[label])
		if app.Progress.Situation != situation {
			t.Errorf("%s: situation %q (state %s), want %q", label, app.Progress.Situation, app.State, situation)
		}
	}
}
