package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/app"
	"beian/internal/bureau"
	"beian/internal/domainreg"
	"beian/internal/filing"
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
	if a.status != http.StatusConflict || !strings.Contains(between(a.body, `id="domain"`, `id="cert_type"`), "隐私保护") {
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
	domainField := func(page string) string {
		return between(page, `name="websites[0].domain"`, `name="websites[0].homepage_url"`)
	}
	field := domainField(page.body)
	if !strings.Contains(field, `class="ferr"`) || !strings.Contains(field, "持有者") {
		t.Fatalf("domain.holder_mismatch is not beside the website's domain")
	}
	// The page tells the applicant they may declare the holder's relation
	// and upload the proof, and offers the declaration beside the domain.
	if !strings.Contains(field, "声明其关系") || !strings.Contains(field, "上传股东或任职证明") || !strings.Contains(field, `name="websites[0].domain_holder.relation"`) ||
		!strings.Contains(page.body, `<option value="shareholder" >股东</option>`) || !strings.Contains(page.body, "不声明（域名在主办单位或其负责人名下）") {
		t.Fatalf("the websites step does not offer the holder's declaration:\n%s", field)
	}

	// Declared as the shareholder, under the registry's name: the step moves on.
	doc.Websites[0].DomainHolder = filing.DomainHolder{Relation: "shareholder", Name: "深圳某某贸易有限公司"}
	if a = b.post(base+"/websites", stepForm(doc, "next"), tok); a.location() != base+"/access" {
		t.Fatalf("the websites step with the shareholder declared went to %q", a.location())
	}
	page = b.get(base + "/websites")
	if field = domainField(page.body); field == "" || strings.Contains(field, `class="ferr"`) ||
		!strings.Contains(page.body, `<option value="shareholder" selected>股东</option>`) {
		t.Errorf("the declaration is not kept, or the domain still refused")
	}
	// The uploads step asks for the proof; the summary names the relation in words.
	if up := b.get(base + "/uploads"); !strings.Contains(up.body, `id="domain_holder_proof-0"`) || !strings.Contains(up.body, "加盖单位公章") {
		t.Errorf("the uploads step does not ask for the proof")
	}
	if sum := b.get(base + "/submit"); !strings.Contains(sum.body, "持有者与主办单位的关系") || !strings.Contains(sum.body, "股东") ||
		!strings.Contains(sum.body, "域名持有者关系证明") {
		t.Errorf("the summary does not show the declaration in words")
	}
	// English: the relation in words.
	b.get("/lang?to=en&back=/") // the lang cookie
	if page := b.get(base + "/websites"); !strings.Contains(page.body, `<option value="shareholder" selected>Shareholder</option>`) {
		t.Errorf("no English name of the relation")
	}
}
