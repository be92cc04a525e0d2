package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/clock"
	"beian/internal/filing"
	"beian/internal/middleware"
	"beian/internal/service"
	"beian/internal/workdays"
)

// mustAccount logs in through the service to get the account behind an email.
func mustAccount(t testing.TB, h *harness, email string) *service.Account {
	t.Helper()
	sess, err := h.svc.Login(t.Context(), email, "Secret-pass-123", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return sess.Account
}

func TestPortal(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		doc := exampleDoc(t)
		w0 := doc.Websites[0]

		anon := h.browser()
		t.Run("anonymous visitors go to the login page", func(t *testing.T) {
			a := anon.get("/")
			if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/login?next=") {
				t.Fatalf("GET / = %d %s", a.status, a.location())
			}
			a = anon.get("/login")
			if a.status != 200 || !strings.Contains(a.body, "登录") {
				t.Fatalf("login page: %d", a.status)
			}
			for k, want := range map[string]string{
				"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
			} {
				if got := a.header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP = %q", csp)
			}
			if strings.Contains(a.body, "<script>") || strings.Contains(a.body, " style=") {
				t.Error("the page has inline script or style, which the CSP forbids")
			}
		})

		t.Run("logged-out forms refuse a missing or foreign token", func(t *testing.T) {
			form := url.Values{"email": {"x@example.com"}, "password": {"whatever"}}
			if a := anon.post("/login", form, ""); a.status != http.StatusForbidden || !strings.Contains(a.body, "CSRF") {
				t.Fatalf("login without token = %d", a.status)
			}
			other := h.browser()
			tok := other.csrfFrom("/login") // another visitor's token
			anon.csrfFrom("/login")
			if a := anon.post("/login", form, tok); a.status != http.StatusForbidden {
				t.Fatalf("login with another visitor's token = %d", a.status)
			}
		})

		alice := h.browser()
		alice.registerAndLogin("alice@example.com", "13805815001")

		t.Run("session cookie is HttpOnly and SameSite", func(t *testing.T) {
			if alice.v.Cookie(middleware.SessionCookie) == "" {
				t.Fatal("no session cookie")
			}
			// The jar hides attributes; ask for them on a fresh login.
			b := h.browser()
			tok := b.csrfFrom("/login")
			a := b.post("/login", url.Values{"email": {"alice@example.com"}, "password": {"Secret-pass-123"}}, tok)
			sc := strings.Join(a.header.Values("Set-Cookie"), "\n")
			if !strings.Contains(sc, middleware.SessionCookie+"=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
				t.Fatalf("Set-Cookie = %s", sc)
			}
		})

		t.Run("staff land on the review queue, applicants on the home page", func(t *testing.T) {
			if _, err := h.svc.CreateStaff(t.Context(), nil, service.RegisterInput{Email: "rev@example.com", Phone: "13805815099",
				Password: "Secret-pass-123", Name: "审核员"}, service.RoleReviewer); err != nil {
				t.Fatal(err)
			}
			for email, want := range map[string]string{"rev@example.com": "/review", "alice@example.com": "/"} {
				b := h.browser()
				tok := b.csrfFrom("/login")
				a := b.post("/login", url.Values{"email": {email}, "password": {"Secret-pass-123"}, "next": {"/"}}, tok)
				if a.status != http.StatusSeeOther || a.location() != want {
					t.Errorf("%s after login: %d %s, want %s", email, a.status, a.location(), want)
				}
			}
		})

		t.Run("duplicate email is shown beside the email field", func(t *testing.T) {
			b := h.browser()
			tok := b.csrfFrom("/register")
			a := b.post("/register", url.Values{"email": {"alice@example.com"}, "phone": {"13805815002"}, "name": {"x"},
				"password": {"Secret-pass-123"}, "password2": {"Secret-pass-123"}}, tok)
			if a.status != http.StatusConflict {
				t.Fatalf("duplicate register = %d", a.status)
			}
			field := between(a.body, `id="email"`, `id="phone"`)
			if !strings.Contains(field, `class="ferr"`) {
				t.Fatal("the email error is not beside the email input")
			}
		})

		var appID string
		t.Run("pre-check creates a first filing and redirects to the subject step", func(t *testing.T) {
			tok := alice.csrfFrom("/apply")
			if a := alice.post("/apply", url.Values{"domain": {w0.Domain}}, ""); a.status != http.StatusForbidden {
				t.Fatalf("pre-check without token = %d", a.status)
			}
			a := alice.post("/apply", url.Values{"domain": {w0.Domain}, "cert_type": {doc.Subject.CertType},
				"cert_number": {doc.Subject.CertNumber}}, tok)
			if a.status != http.StatusSeeOther || !strings.HasSuffix(a.location(), "/subject") {
				t.Fatalf("pre-check = %d %s\n%s", a.status, a.location(), a.body)
			}
			appID = appIDFrom(t, a.location())
			page := alice.get(a.location())
			if page.status != 200 || !strings.Contains(page.body, "首次备案") || !strings.Contains(page.body, "主体信息") {
				t.Fatalf("subject step: %d", page.status)
			}
			// The pre-check inputs are read-only.
			if !strings.Contains(page.body, `name="subject.cert_number" type="text" value="`+doc.Subject.CertNumber+`" readonly`) {
				t.Error("certificate number is not read-only on the subject step")
			}
		})

		t.Run("a step save shows violations beside their fields (PRG)", func(t *testing.T) {
			bad := doc
			bad.Subject.Leader.Mobile = "12345"
			tok := alice.csrfFrom("/applications/" + appID + "/subject")
			a := alice.post("/applications/"+appID+"/subject", stepForm(bad, "next"), tok)
			want := "/applications/" + appID + "/subject"
			if a.status != http.StatusSeeOther || a.location() != want {
				t.Fatalf("save with an error = %d %s, want back to %s", a.status, a.location(), want)
			}
			page := alice.get(want)
			field := between(page.body, `name="subject.leader.mobile"`, `name="subject.leader.email"`)
			if !strings.Contains(field, `class="ferr"`) {
				t.Fatalf("no error beside subject.leader.mobile")
			}
			// The draft kept the other fields.
			if !strings.Contains(page.body, doc.Subject.MailingAddress) {
				t.Error("the mailing address was not saved")
			}
			// Fixed, it moves on to the websites step.
			a = alice.post("/applications/"+appID+"/subject", stepForm(doc, "next"), tok)
			if a.status != http.StatusSeeOther || a.location() != "/applications/"+appID+"/websites" {
				t.Fatalf("valid save = %d %s", a.status, a.location())
			}
		})

		t.Run("websites: add and remove a website, nested violation on the access step", func(t *testing.T) {
			base := "/applications/" + appID
			tok := alice.csrfFrom(base + "/websites")
			a := alice.post(base+"/websites", stepForm(doc, "add_website"), tok)
			if a.status != http.StatusSeeOther {
				t.Fatalf("add website = %d", a.status)
			}
			page := alice.get(base + "/websites")
			if !strings.Contains(page.body, `name="websites[1].name"`) {
				t.Fatal("no second website block after 新增网站")
			}
			two := doc
			two.Websites = append([]filing.Website{}, doc.Websites...)
			two.Websites = append(two.Websites, newWebsite(doc))
			a = alice.post(base+"/websites", stepForm(two, "remove_website:1"), tok)
			if a.status != http.StatusSeeOther {
				t.Fatalf("remove website = %d", a.status)
			}
			if page = alice.get(base + "/websites"); strings.Contains(page.body, `name="websites[1].name"`) {
				t.Fatal("the second website is still there after 删除")
			}
			a = alice.post(base+"/websites", stepForm(doc, "next"), tok)
			if a.location() != base+"/access" {
				t.Fatalf("websites next = %d %s\n", a.status, a.location())
			}
			bad := doc
			bad.Websites = []filing.Website{doc.Websites[0]}
			bad.Websites[0].Access.IPs = []string{"42.159.88.1", "10.1.2.3"}
			a = alice.post(base+"/access", stepForm(bad, "next"), tok)
			if a.location() != base+"/access" {
				t.Fatalf("access with a private IP went to %s", a.location())
			}
			page = alice.get(base + "/access")
			field := between(page.body, `name="websites[0].access.ips"`, `name="websites[0].access.server_location"`)
			if !strings.Contains(field, `class="ferr"`) {
				t.Fatal("the websites[0].access.ips[1] violation is not beside the IP input")
			}
			if a = alice.post(base+"/access", stepForm(doc, "next"), tok); a.location() != base+"/uploads" {
				t.Fatalf("access next = %s", a.location())
			}
		})

		t.Run("submit lists what is missing, then succeeds after uploads", func(t *testing.T) {
			base := "/applications/" + appID
			page := alice.get(base + "/submit")
			if !strings.Contains(page.body, "缺少附件") {
				t.Fatalf("submit page lists nothing missing:\n%s", page.body)
			}
			tok := alice.csrfFrom(base + "/uploads")
			if a := alice.post(base+"/submit", url.Values{}, tok); a.status != http.StatusUnprocessableEntity {
				t.Fatalf("submit without attachments = %d", a.status)
			}
			jpg := testJPEG(t, 800, 600)
			today := clock.TestNow().In(workdays.CST).Format("2006-01-02")
			for _, up := range []struct {
				kind    string
				website int
			}{{"subject_certificate", -1}, {"subject_leader_id", -1}, {"verification_form", 0}, {"domain_certificate", 0}} {
				a := alice.upload(appID, up.kind, up.website, today, jpg, tok)
				if a.status != http.StatusSeeOther {
					t.Fatalf("upload %s = %d\n%s", up.kind, a.status, a.body)
				}
			}
			if a := alice.upload(appID, "subject_leader_id", -1, "", []byte("not a jpeg at all"), tok); a.status != http.StatusUnsupportedMediaType || !strings.Contains(a.body, `class="ferr"`) {
				t.Fatalf("upload of a non-JPEG = %d", a.status)
			}
			if a := alice.upload(appID, "subject_leader_id", -1, "", jpg, ""); a.status != http.StatusForbidden {
				t.Fatalf("upload without token = %d", a.status)
			}
			// An ID card's two sides, merged into one picture.
			if a := alice.uploadFiles(appID, "subject_leader_id", -1, "", map[string][]byte{"front": testJPEG(t, 856, 540), "back": testJPEG(t, 856, 540)}, tok); a.status != http.StatusSeeOther {
				t.Fatalf("merged ID upload = %d\n%s", a.status, a.body)
			}
			page = alice.get(base + "/uploads")
			if n := strings.Count(page.body, `<img src="/applications/`+appID+`/attachments/`); n != 4 {
				t.Fatalf("uploads page shows %d thumbnails, want 4 (the merged ID replaces the first)", n)
			}
			if strings.Count(page.body, "800×600") != 3 {
				t.Fatal("the merged ID card did not replace the single-sided upload")
			}
			a := alice.post(base+"/submit", url.Values{}, tok)
			if a.status != http.StatusSeeOther || a.location() != base {
				t.Fatalf("submit = %d %s\n%s", a.status, a.location(), a.body)
			}
			page = alice.get(base)
			if !strings.Contains(page.body, "初审中") {
				t.Fatal("the progress page does not show 初审中")
			}
			home := alice.get("/")
			if !strings.Contains(home.body, "初审中") || !strings.Contains(home.body, w0.Domain) {
				t.Fatal("the home page does not list the application with its state")
			}
		})

		t.Run("another applicant gets 404 for every object", func(t *testing.T) {
			bob := h.browser()
			bob.registerAndLogin("bob@example.com", "13805815003")
			app, err := h.svc.ListApplications(t.Context(), mustAccount(t, h, "alice@example.com"))
			if err != nil || len(app) != 1 {
				t.Fatalf("alice's list: %v %d", err, len(app))
			}
			full, _ := h.svc.GetApplication(t.Context(), mustAccount(t, h, "alice@example.com"), appID)
			aid := full.Attachments[0].ID
			base := "/applications/" + appID
			for _, p := range []string{base, base + "/subject", base + "/websites", base + "/access", base + "/uploads",
				base + "/submit", base + "/attachments/" + aid, base + "/verification-form/0"} {
				if a := bob.get(p); a.status != http.StatusNotFound {
					t.Errorf("bob GET %s = %d, want 404", p, a.status)
				}
			}
			tok := bob.csrfFrom("/")
			for _, p := range []string{base + "/subject", base + "/withdraw", base + "/attachments/" + aid + "/delete", base + "/submit"} {
				if a := bob.post(p, stepForm(doc, "save"), tok); a.status != http.StatusNotFound {
					t.Errorf("bob POST %s = %d, want 404", p, a.status)
				}
			}
			if home := bob.get("/"); strings.Contains(home.body, w0.Domain) {
				t.Error("bob's home page lists alice's application")
			}
			// Bob's pre-check of alice's domain is refused beside the domain input.
			a := bob.post("/apply", url.Values{"domain": {w0.Domain}, "cert_type": {"resident_id"}, "cert_number": {"110105199001011232"}}, tok)
			if a.status != http.StatusConflict {
				t.Fatalf("pre-check of a domain in another application = %d", a.status)
			}
			field := between(a.body, `id="domain"`, `id="cert_type"`)
			if !strings.Contains(field, `class="ferr"`) {
				t.Fatal("the refusal is not beside the domain input")
			}
			// Alice still sees her picture.
			if a := alice.get(base + "/attachments/" + aid); a.status != 200 || a.header.Get("Content-Type") != "image/jpeg" {
				t.Errorf("alice's own attachment = %d %s", a.status, a.header.Get("Content-Type"))
			}
		})

		t.Run("rejection reasons beside the fields, resubmission, verification booking", func(t *testing.T) {
			if _, _, err := h.svc.EnsureAdmin(t.Context(), "admin@example.com", "Admin-pass-2026!"); err != nil {
				t.Fatal(err)
			}
			sess, err := h.svc.Login(t.Context(), "admin@example.com", "Admin-pass-2026!", "127.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			staff := sess.Account
			reason := "名称与营业执照不一致"
			if _, err := h.svc.Decide(t.Context(), staff, appID, service.DecisionInput{Decision: "reject",
				Reasons: []filing.Reason{{Field: "subject.name", Message: reason}}}); err != nil {
				t.Fatal(err)
			}
			base := "/applications/" + appID
			if page := alice.get(base); !strings.Contains(page.body, "初审驳回") || !strings.Contains(page.body, reason) {
				t.Fatal("the progress page does not show the rejection and its reason")
			}
			page := alice.get(base + "/subject")
			field := between(page.body, `name="subject.name"`, `name="subject.cert_address"`)
			if !strings.Contains(field, `class="frej"`) || !strings.Contains(field, reason) {
				t.Fatal("the rejection reason is not beside the subject name input")
			}
			tok := alice.csrfFrom(base + "/subject")
			if a := alice.post(base+"/subject", stepForm(doc, "next"), tok); a.status != http.StatusSeeOther {
				t.Fatalf("save after rejection = %d", a.status)
			}
			if a := alice.post(base+"/submit", url.Values{}, tok); a.status != http.StatusSeeOther {
				t.Fatalf("resubmit = %d\n%s", a.status, a.body)
			}
			if _, err := h.svc.Decide(t.Context(), staff, appID, service.DecisionInput{Decision: "approve"}); err != nil {
				t.Fatal(err)
			}
			page = alice.get(base)
			if !strings.Contains(page.body, "待核验") || !strings.Contains(page.body, `action="`+base+`/verification"`) {
				t.Fatal("the progress page offers no verification choice in 待核验")
			}
			cal, _ := workdays.New(nil)
			day := clock.TestNow().In(workdays.CST).AddDate(0, 0, 1)
			for !cal.IsWorkday(day) {
				day = day.AddDate(0, 0, 1)
			}
			a := alice.post(base+"/verification", url.Values{"method": {"onsite"}, "office": {"beijing"}, "date": {"2020-01-01"}}, tok)
			if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `class="ferr"`) {
				t.Fatalf("a past signing date = %d", a.status)
			}
			a = alice.post(base+"/verification", url.Values{"method": {"onsite"}, "office": {"beijing"}, "date": {day.Format("2006-01-02")}}, tok)
			if a.status != http.StatusSeeOther {
				t.Fatalf("book signing = %d\n%s", a.status, a.body)
			}
			if page = alice.get(base); !strings.Contains(page.body, "现场面签") || !strings.Contains(page.body, day.Format("2006-01-02")) {
				t.Fatal("the booking is not shown")
			}
		})

		t.Run("language switch stays on this site", func(t *testing.T) {
			a := alice.get("/lang?to=en&back=//evil.example/x")
			if a.status != http.StatusSeeOther || a.location() != "/" {
				t.Fatalf("lang switch = %d %q", a.status, a.location())
			}
			if page := alice.get("/"); !strings.Contains(page.body, "New filing") {
				t.Fatal("the English switch did not switch")
			}
			alice.get("/lang?to=zh&back=/")
		})

		t.Run("logout ends the session", func(t *testing.T) {
			tok := alice.csrfFrom("/")
			if a := alice.post("/logout", url.Values{}, tok); a.status != http.StatusSeeOther {
				t.Fatalf("logout = %d", a.status)
			}
			if a := alice.get("/"); a.status != http.StatusSeeOther {
				t.Fatalf("after logout GET / = %d", a.status)
			}
			// A form posted after the session ended goes to the login page,
			// back to the form's page afterwards.
			stale := h.browser()
			stale.v.SetCookie(middleware.SessionCookie, "ended-session")
			req, _ := http.NewRequest("POST", h.srv.URL+"/applications/"+appID+"/subject", strings.NewReader("csrf=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Referer", h.srv.URL+"/applications/"+appID+"/subject")
			a := stale.do(req)
			if a.status != http.StatusSeeOther || a.location() != "/login?next="+url.QueryEscape("/applications/"+appID+"/subject") {
				t.Fatalf("post with an ended session = %d %q", a.status, a.location())
			}
		})
	})
}

// TestRemoveWebsiteKeepsAttachmentsRight: a website whose files (or a later
// website's files) are uploaded cannot be removed, since attachments name
// websites by index; once its files are deleted it can.
func TestRemoveWebsiteKeepsAttachmentsRight(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		doc := exampleDoc(t)
		b := h.browser()
		b.registerAndLogin("carol@example.com", "13805815010")
		tok := b.csrfFrom("/apply")
		a := b.post("/apply", url.Values{"domain": {doc.Websites[0].Domain}, "cert_type": {doc.Subject.CertType},
			"cert_number": {doc.Subject.CertNumber}}, tok)
		id := appIDFrom(t, a.location())
		base := "/applications/" + id
		two := doc
		two.Websites = append([]filing.Website{doc.Websites[0]}, doc.Websites[0])
		two.Websites[1].Domain = "example-hz2.cn"
		two.Websites[1].HomepageURL = "www.example-hz2.cn"
		b.post(base+"/subject", stepForm(doc, "save"), tok)
		b.post(base+"/websites", stepForm(doc, "add_website"), tok)
		if a := b.post(base+"/websites", stepForm(two, "save"), tok); a.status != http.StatusSeeOther {
			t.Fatalf("save two websites = %d", a.status)
		}
		if a := b.upload(id, "verification_form", 1, clock.TestNow().In(workdays.CST).Format("2006-01-02"), testJPEG(t, 800, 600), tok); a.status != http.StatusSeeOther {
			t.Fatalf("upload = %d\n%s", a.status, a.body)
		}
		b.post(base+"/websites", stepForm(two, "remove_website:1"), tok)
		page := b.get(base + "/websites")
		if !strings.Contains(page.body, `name="websites[1].name"`) || !strings.Contains(page.body, "请先在“上传资料”中删除这些附件") {
			t.Fatal("a website with attachments was removed, or no explanation was shown")
		}
		app, err := h.svc.GetApplication(t.Context(), mustAccount(t, h, "carol@example.com"), id)
		if err != nil || len(app.Attachments) != 1 {
			t.Fatalf("attachments: %v %d", err, len(app.Attachments))
		}
		if a := b.post(base+"/attachments/"+app.Attachments[0].ID+"/delete", url.Values{}, tok); a.status != http.StatusSeeOther {
			t.Fatalf("delete attachment = %d", a.status)
		}
		b.post(base+"/websites", stepForm(two, "remove_website:1"), tok)
		if page := b.get(base + "/websites"); strings.Contains(page.body, `name="websites[1].name"`) {
			t.Fatal("the website was not removed after its files were deleted")
		}
	})
}
