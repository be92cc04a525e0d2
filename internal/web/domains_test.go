package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/app"
	"beian/internal/bureau"
	"beian/internal/domainreg"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
)

// TestDomainFactsAtTheField: the HTML door shows the domain registry's
// facts where the applicant types the domain — a pre-check refusal beside
// the domain input, a holder mismatch beside the website's domain.
func TestDomainFactsAtTheField(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, u string) { domainFactsAtTheField(t, u) })
}

func domainFactsAtTheField(t *testing.T, dbURL string) {
	doms, err := domainreg.NewSimulator([]bureau.SeedDomain{
		{Domain: "web-privacy.cn", Verified: true, RegistrarMainland: true, ExpiresOn: "2099-01-01", Privacy: true},
		{Domain: "web-taken.cn", HolderName: "深圳某某贸易有限公司", HolderCertNumber: "91440300MA5F000007", Verified: true,
			RegistrarMainland: true, ExpiresOn: "2099-01-01"},
	})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, testkit.DB(dbURL), testkit.With(app.WithDomains(func(domainreg.Registry) domainreg.Registry { return doms })))
	doc := exampleDoc(t)
	doc.Websites = doc.Websites[:1]
	doc.Websites[0].Domain, doc.Websites[0].HomepageURL = "web-taken.cn", "www.web-taken.cn"
	b := h.browser()
	b.registerAndLogin("dom@example.com", "13805815061")
	tok := b.csrfFrom("/apply")

	a := b.post("/apply", url.Values{"domain": {"web-privacy.cn"}, "cert_type": {doc.Subject.CertType}, "cert_number": {doc.Subject.CertNumber}}, tok)
	i, j := strings.Index(a.body, `id="domain"`), strings.Index(a.body, `id="cert_type"`)
	if a.status != http.StatusConflict || i < 0 || j < i || !strings.Contains(a.body[i:j], "隐私保护") {
		t.Fatalf("pre-check of a domain with privacy on = %d, the refusal is not beside the domain", a.status)
	}

	a = b.post("/apply", url.Values{"domain": {"web-taken.cn"}, "cert_type": {doc.Subject.CertType}, "cert_number": {doc.Subject.CertNumber}}, tok)
	if a.status != http.StatusSeeOther {
		t.Fatalf("pre-check of web-taken.cn = %d\n%s", a.status, a.body)
	}
	base := "/applications/" + appIDFrom(t, a.location())
	b.post(base+"/subject", stepForm(doc, "next"), tok)
	if a = b.post(base+"/websites", stepForm(doc, "next"), tok); a.location() != base+"/websites" {
		t.Fatalf("the websites step with a domain held by another company moved on to %s", a.location())
	}
	page := b.get(base + "/websites")
	i, j = strings.Index(page.body, `name="websites[0].domain"`), strings.Index(page.body, `name="websites[0].homepage_url"`)
	if i < 0 || j < i || !strings.Contains(page.body[i:j], `class="ferr"`) || !strings.Contains(page.body[i:j], "持有者") {
		t.Fatalf("domain.holder_mismatch is not beside the website's domain")
	}
}
