package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"beian/internal/middleware"
)

// startDraft registers a browser and starts a first filing of the example
// document through the pre-check page, returning the application id.
func startDraft(t *testing.T, h *harness, email, phone string) (*browser, string) {
	t.Helper()
	doc := exampleDoc(t)
	b := h.browser()
	b.registerAndLogin(email, phone)
	tok := b.csrfFrom("/apply")
	a := b.post("/apply", url.Values{"domain": {doc.Websites[0].Domain}, "cert_type": {doc.Subject.CertType},
		"cert_number": {doc.Subject.CertNumber}}, tok)
	if a.status != http.StatusSeeOther {
		t.Fatalf("pre-check = %d %s", a.status, a.body)
	}
	return b, appIDFrom(t, a.location())
}

// TestFormBounds: the HTML forms reach the same bounds as the API (rules.md
// "Bounds"): a list over its bound is a 413, a text over its bound a 422,
// and nothing is stored.
func TestFormBounds(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		b, id := startDraft(t, h, "bounds@example.com", "13805815011")
		doc := exampleDoc(t)
		tok := b.csrfFrom("/applications/" + id + "/subject")

		long := stepForm(doc, "save")
		long.Set("subject.name", strings.Repeat("公", 101))
		if a := b.post("/applications/"+id+"/subject", long, tok); a.status != http.StatusUnprocessableEntity {
			t.Errorf("a 101-character name = %d", a.status)
		}
		ips := stepForm(doc, "save")
		many := make([]string, 200)
		for i := range many {
			many[i] = "42.159.1." + string(rune('0'+i%10))
		}
		ips.Set("websites[0].access.ips", strings.Join(many, "\n"))
		if a := b.post("/applications/"+id+"/access", ips, tok); a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("200 IPs = %d", a.status)
		}
		langs := stepForm(doc, "save")
		for i := range 5_000 {
			langs.Add("websites[0].languages", "x"+strconv.Itoa(i))
		}
		if a := b.post("/applications/"+id+"/websites", langs, tok); a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("5,000 languages = %d", a.status)
		}
		// A form over the 1 MiB limit is a 413 too, not a malformed form.
		if a := b.post("/applications/"+id+"/subject", url.Values{"subject.remark": {strings.Repeat("x", 2<<20)}}, tok); a.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 2 MiB form = %d", a.status)
		}
		app, err := h.svc.GetApplication(t.Context(), mustAccount(t, h, "bounds@example.com"), id)
		if err != nil {
			t.Fatal(err)
		}
		if app.Document.Subject.Name != "" || len(app.Document.Websites[0].Access.IPs) > 0 {
			t.Errorf("a refused form was stored: %+v", app.Document.Subject.Name)
		}
	})
}

// TestSmallHoles replays issue 12's small holes in the HTML door.
func TestSmallHoles(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		anon := h.browser()

		// Redirects stay on the site: browsers drop a tab or a line break
		// inside a URL, so /\t/evil.example was //evil.example.
		for _, back := range []string{"/%09/evil.example", "/%0a/evil.example", "//evil.example", "/%5Cevil.example",
			"https://evil.example/", "/%20/evil.example", "/\u00e9"} {
			a := anon.get("/lang?to=en&back=" + back)
			if a.status != http.StatusSeeOther || a.location() != "/" {
				t.Errorf("/lang?back=%s → %d %q", back, a.status, a.location())
			}
			a = anon.get("/login?next=" + back)
			if !strings.Contains(a.body, `name="next" value="/"`) {
				t.Errorf("/login?next=%s keeps the address in the form", back)
			}
		}
		if a := anon.get("/lang?to=en&back=/lookup%3Fq%3Dexample.cn"); a.location() != "/lookup?q=example.cn" {
			t.Errorf("a clean path: %q", a.location())
		}

		// Behind a TLS proxy on this host (X-Forwarded-Proto: https, which
		// HSTS already trusts) the session cookie is Secure.
		h.browser().registerAndLogin("tls@example.com", "13805815014")
		b := h.browser()
		tok := b.csrfFrom("/login")
		form := url.Values{"email": {"tls@example.com"}, "password": {"Secret-pass-123"}, "csrf": {tok}}
		req, _ := http.NewRequest("POST", h.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		a := b.do(req)
		if sc := strings.Join(a.header.Values("Set-Cookie"), "\n"); !strings.Contains(sc, middleware.SessionCookie+"=") || !strings.Contains(sc, "Secure") {
			t.Errorf("Set-Cookie behind a TLS proxy = %s", sc)
		}

		// /static/ serves files, not listings.
		for _, p := range []string{"/static/", "/static/fonts/", "/static"} {
			if a := anon.get(p); a.status == http.StatusOK {
				t.Errorf("GET %s = 200 (a listing?)", p)
			}
		}
		if a := anon.get("/static/app.css"); a.status != http.StatusOK {
			t.Errorf("a static file = %d", a.status)
		}
	})
}
