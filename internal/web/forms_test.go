package web_test

import (
	"beian/internal/web"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"beian/internal/browsertest"
	"beian/internal/filing"
	"beian/internal/service"
)

// formsApp registers alice through the pages and gives her a draft with
// the example document plus a second website whose leader is someone else.
func formsApp(t *testing.T, h *harness) (*browser, *service.Application) {
	t.Helper()
	alice := h.browser()
	alice.registerAndLogin("alice@example.com", "13805815001")
	acct := mustAccount(t, h, "alice@example.com")
	doc := exampleDoc(t)
	app, err := h.svc.CreateApplication(t.Context(), acct, service.CreateInput{Domain: doc.Websites[0].Domain,
		CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber})
	if err != nil {
		t.Fatal(err)
	}
	second := doc.Websites[0]
	second.Name, second.Domain, second.HomepageURL = "示例商城", "shop-hz.cn", "www.shop-hz.cn"
	second.Leader = filing.Person{Name: "李娜"}
	doc.Websites = append(doc.Websites, second)
	if app, err = h.svc.SaveDocument(t.Context(), acct, app.ID, doc); err != nil {
		t.Fatal(err)
	}
	return alice, app
}

// TestPrintableForms: the owner gets each website's 核验单 and the 网络安全责任书
// filled in from the document; the upload step links to them; nobody else
// sees them.
func TestPrintableForms(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		alice, app := formsApp(t, h)
		doc := app.Document
		base := "/applications/" + app.ID

		for i, w := range doc.Websites {
			a := alice.get(verificationFormURL(app.ID, i))
			if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				t.Fatalf("form %d: %d", i, a.status)
			}
			for field, want := range map[string]string{"subject": doc.Subject.Name, "domain": web.FormDomain(w.Domain),
				"site": w.Name, "leader": w.Leader.Name, "provider": h.cfgProviderName()} {
				if got := cell(a.body, field); got != want {
					t.Errorf("form %d: %s cell %q, want %q", i, field, got, want)
				}
			}
			if strings.Contains(cell(a.body, "domain"), "www.") {
				t.Errorf("form %d: domain with www.", i)
			}
			if got := section(a.body, "verifier"); got != "核验人签字及单位盖章：核验日期：年月日" {
				t.Errorf("form %d: the provider's 核验人 section is not blank: %q", i, got)
			}
			for _, want := range []string{"网站负责人签字", "加盖公章", "请勿在“核验人签字及单位盖章”处填写任何信息", `href="/static/print.css"`} {
				if !strings.Contains(a.body, want) {
					t.Errorf("form %d lacks %q", i, want)
				}
			}
			if strings.Contains(a.body, `class="topbar"`) {
				t.Errorf("form %d carries the site's top bar", i)
			}
			if a.header.Get("Cache-Control") != "private, no-store" {
				t.Errorf("form %d is cacheable: %q", i, a.header.Get("Cache-Control"))
			}
		}
		if a := alice.get(verificationFormURL(app.ID, 2)); a.status != http.StatusNotFound {
			t.Errorf("a third website's form: %d", a.status)
		}
		if a := alice.get(base + "/verification-form/1"); a.status != http.StatusSeeOther || a.location() != verificationFormURL(app.ID, 1) {
			t.Errorf("old form link: %d %s", a.status, a.location())
		}

		letter := alice.get(securityLetterURL(app.ID))
		if letter.status != http.StatusOK {
			t.Fatalf("security letter: %d", letter.status)
		}
		for _, want := range []string{doc.Subject.Name, "example-hz.cn", "shop-hz.cn", "网络安全法", "甲方（盖章）", "乙方（盖章）"} {
			if !strings.Contains(letter.body, want) {
				t.Errorf("security letter lacks %q", want)
			}
		}

		// English: the same Chinese form, with the instructions in English.
		alice.get("/lang?to=en&back=/")
		en := alice.get(verificationFormURL(app.ID, 0))
		if !strings.Contains(en.body, "Print on A4 paper") || !strings.Contains(en.body, "网站主办者名称") {
			t.Errorf("English form page: instructions or Chinese labels missing")
		}
		alice.get("/lang?to=zh&back=/")

		// The upload step links to every form.
		up := alice.get(base + "/uploads")
		for _, link := range []string{verificationFormURL(app.ID, 0), verificationFormURL(app.ID, 1), securityLetterURL(app.ID)} {
			if !strings.Contains(up.body, `href="`+link+`"`) {
				t.Errorf("the upload step does not link to %s", link)
			}
		}
		// Each link says what it prints: the letter is not "打印核验单".
		letterLink := `href="` + securityLetterURL(app.ID) + `" target="_blank" rel="noopener">`
		if i := strings.Index(up.body, letterLink); i < 0 || !strings.HasPrefix(up.body[i+len(letterLink):], "打印网络安全责任书</a>") {
			t.Errorf("the security letter's link does not say so")
		}
		formLink := `href="` + verificationFormURL(app.ID, 0) + `" target="_blank" rel="noopener">`
		if i := strings.Index(up.body, formLink); i < 0 || !strings.HasPrefix(up.body[i+len(formLink):], "打印核验单</a>") {
			t.Errorf("the verification form's link does not say so")
		}

		bob := h.browser()
		bob.registerAndLogin("bob@example.com", "13805815002")
		for _, p := range []string{verificationFormURL(app.ID, 0), securityLetterURL(app.ID), base + "/verification-form/0"} {
			if a := bob.get(p); a.status != http.StatusNotFound {
				t.Errorf("bob GET %s = %d, want 404", p, a.status)
			}
			if a := h.browser().get(p); a.status == http.StatusOK {
				t.Errorf("anonymous GET %s = 200", p)
			}
		}
	})
}

func (h *harness) cfgProviderName() string {
	return "上海蓝云网络科技有限公司" // config.DefaultProvider().Name
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string { return tagRE.ReplaceAllString(s, "") }

// cell is the text inside the element marked data-field="name" (up to
// its first tag).
func cell(body, name string) string {
	i := strings.Index(body, `data-field="`+name+`"`)
	if i < 0 {
		return "<missing>"
	}
	rest := body[i:]
	rest = rest[strings.IndexByte(rest, '>')+1:]
	if end := strings.IndexByte(rest, '<'); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// section is the tag-free text from data-field="name" to the end of its table cell.
func section(body, name string) string {
	i := strings.Index(body, `data-field="`+name+`"`)
	if i < 0 {
		return "<missing>"
	}
	rest := body[i:]
	if end := strings.Index(rest, "</td>"); end >= 0 {
		rest = rest[:end]
	}
	return strings.Join(strings.Fields(stripTags(rest[strings.IndexByte(rest, '>')+1:])), "")
}

// TestVerificationFormInChromium renders the 核验单 in real Chromium: the
// subject's name and the domain (without www.) are filled in, and printed
// on A4 it is exactly one page. With BEIAN_SCREENSHOTS=dir it saves the
// printed look as verification-form.png.
func TestVerificationFormInChromium(t *testing.T) {
	ctx := browsertest.Within(t, 3*time.Minute)
	h := newHarness(t)
	_, app := formsApp(t, h)
	doc := app.Document
	j := &journey{t: t, ctx: ctx, base: h.srv.URL}

	j.do("log in",
		chromedp.Navigate(j.base+"/lang?to=zh&back=/login"),
		waitFor(`form[action="/login"]`),
		typeIn("email", "alice@example.com"), typeIn("password", "Secret-pass-123"),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		waitFor(`.tabs`))
	j.do("open the form", chromedp.Navigate(j.base+verificationFormURL(app.ID, 0)), waitFor(`#verification-form`))

	field := func(name string) string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-field="`+name+`"]').innerText.trim()`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	if got := field("subject"); got != doc.Subject.Name {
		t.Errorf("网站主办者名称 shows %q, want %q", got, doc.Subject.Name)
	}
	if got, want := field("domain"), web.FormDomain(doc.Websites[0].Domain); got != want || strings.HasPrefix(got, "www.") {
		t.Errorf("网站域名 shows %q, want %q", got, want)
	}
	if txt := j.text(); !strings.Contains(txt, "网站负责人签字") || !strings.Contains(txt, "核验人签字及单位盖章") {
		t.Errorf("signature areas missing:\n%s", txt)
	}

	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), func(p *cdppage.PrintToPDFParams) {
		css := true
		p.PreferCSSPageSize = &css // the page's @page size and margins
	}))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the form prints on %d A4 pages, want 1", pages)
	}

	// The A4 sheet as the screen shows it before printing (210 mm at
	// 96 dpi is 794 px; the page margins are the sheet's padding).
	browsertest.ShotOf(t, ctx, `#verification-form`, "verification-form")

	// The 网络安全责任书 prints too, filled with the subject and every domain.
	j.do("open the security letter", chromedp.Navigate(j.base+securityLetterURL(app.ID)), waitFor(`#security-letter`))
	if txt := j.text(); !strings.Contains(txt, doc.Subject.Name) || !strings.Contains(txt, "shop-hz.cn") {
		t.Errorf("security letter not filled in:\n%s", txt)
	}
	pdf, err = chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), func(p *cdppage.PrintToPDFParams) {
		css := true
		p.PreferCSSPageSize = &css
	}))
	if err != nil {
		t.Fatal(err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); pages != 1 {
		t.Errorf("the security letter prints on %d A4 pages, want 1", pages)
	}
	browsertest.ShotOf(t, ctx, `#security-letter`, "security-letter")
}
