package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"beian/internal/examples"
	"beian/internal/filing"
)

// TestIndividualPath: a person's filing starts with the nature chosen by
// the certificate, explains what filing as an individual means, fills the
// leaders from the subject where left empty (never over what was typed),
// offers no pre-approvals, and names every banned word of the site name.
func TestIndividualPath(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		doc, err := examples.Document(examples.Individual)
		if err != nil {
			t.Fatal(err)
		}
		doc.AsOf = ""
		chen := h.browser()
		chen.registerAndLogin("chen@example.com", "13802315679")
		tok := chen.csrfFrom("/apply")
		a := chen.post("/apply", url.Values{"domain": {doc.Websites[0].Domain}, "cert_type": {doc.Subject.CertType},
			"cert_number": {doc.Subject.CertNumber}}, tok)
		if a.status != http.StatusSeeOther || !strings.HasSuffix(a.location(), "/subject") {
			t.Fatalf("pre-check = %d %s", a.status, a.location())
		}
		id := appIDFrom(t, a.location())
		acc := mustAccount(t, h, "chen@example.com")
		app, err := h.svc.GetApplication(t.Context(), acc, id)
		if err != nil || app.Document.Subject.Nature != "individual" {
			t.Fatalf("nature not preset: %v %q", err, app.Document.Subject.Nature)
		}
		page := chen.get(a.location())
		if !strings.Contains(page.body, `id="individual-help"`) || !strings.Contains(page.body, `<option value="individual" selected`) {
			t.Errorf("subject step: no individual help or nature not selected")
		}

		// The subject step saved with the leader left empty: filled from the subject.
		sub := doc
		sub.Subject.Leader = filing.Person{CertValidFrom: doc.Subject.Leader.CertValidFrom, CertValidUntil: doc.Subject.Leader.CertValidUntil,
			Mobile: doc.Subject.Leader.Mobile, Email: doc.Subject.Leader.Email}
		sub.Subject.Investor = ""
		tok = chen.csrfFrom("/applications/" + id + "/subject")
		if a := chen.post("/applications/"+id+"/subject", stepForm(sub, "save"), tok); a.status != http.StatusSeeOther {
			t.Fatalf("save subject = %d\n%.2000s", a.status, a.body)
		}
		app, _ = h.svc.GetApplication(t.Context(), acc, id)
		s := app.Document.Subject
		if s.Leader.Name != doc.Subject.Name || s.Leader.CertType != doc.Subject.CertType || s.Leader.CertNumber != doc.Subject.CertNumber || s.Investor != doc.Subject.Name {
			t.Errorf("leader not filled from the subject: %+v investor %q", s.Leader, s.Investor)
		}
		wl := app.Document.Websites[0].Leader
		if wl.Name != doc.Subject.Name || wl.Mobile != doc.Subject.Leader.Mobile || wl.CertNumber != doc.Subject.CertNumber {
			t.Errorf("website leader not filled from the subject's leader: %+v", wl)
		}

		// What the applicant typed is kept: another website leader stays.
		other := app.Document
		other.Websites[0].Leader.Mobile = "13900001111"
		other.Websites[0].Name = "陈晨的社区论坛和商城"
		tok = chen.csrfFrom("/applications/" + id + "/websites")
		if a := chen.post("/applications/"+id+"/websites", stepForm(other, "save"), tok); a.status != http.StatusSeeOther {
			t.Fatalf("save websites = %d", a.status)
		}
		app, _ = h.svc.GetApplication(t.Context(), acc, id)
		if got := app.Document.Websites[0].Leader.Mobile; got != "13900001111" {
			t.Errorf("a typed value was overwritten: %q", got)
		}

		// The websites step: help, no pre-approvals, every banned word named.
		ws := chen.get("/applications/" + id + "/websites")
		if !strings.Contains(ws.body, `id="individual-help"`) || strings.Contains(ws.body, "pre_approvals[0].category") {
			t.Errorf("websites step: no help, or pre-approvals offered to an individual")
		}
		if !strings.Contains(ws.body, "“社区”、“论坛”、“商城”") {
			t.Errorf("not every banned word is named on the websites step")
		}
		// No declared domain holder for an individual: not offered, and one
		// the document carries (through the API) is refused at its place.
		if strings.Contains(ws.body, `id="holder-0"`) {
			t.Errorf("the holder's declaration is offered to an individual")
		}
		app, _ = h.svc.GetApplication(t.Context(), acc, id)
		held := app.Document
		held.Websites[0].DomainHolder = filing.DomainHolder{Relation: "main_leader", Name: "陈母"}
		if _, err := h.svc.SaveDocument(t.Context(), acc, id, held); err != nil {
			t.Fatal(err)
		}
		ws = chen.get("/applications/" + id + "/websites")
		if i := strings.Index(ws.body, `id="holder-0"`); i < 0 || !strings.Contains(ws.body[i:], "个人备案的域名须由本人持有") {
			t.Errorf("an individual's declaration is not refused beside it")
		}
		app, _ = h.svc.GetApplication(t.Context(), acc, id)
		if !slices.ContainsFunc(h.svc.Missing(app), func(v filing.Violation) bool {
			return v.Rule == "website.domain_holder.individual_not_allowed" && v.Field == "websites[0].domain_holder"
		}) {
			t.Errorf("an individual's declaration does not block submission")
		}
		held.Websites[0].DomainHolder = filing.DomainHolder{}
		if _, err := h.svc.SaveDocument(t.Context(), acc, id, held); err != nil {
			t.Fatal(err)
		}

		// An enterprise's application is left as typed and still offers pre-approvals.
		ent := exampleDoc(t)
		tok = chen.csrfFrom("/apply")
		a = chen.post("/apply", url.Values{"domain": {ent.Websites[0].Domain}, "cert_type": {ent.Subject.CertType}, "cert_number": {ent.Subject.CertNumber}}, tok)
		eid := appIDFrom(t, a.location())
		eapp, _ := h.svc.GetApplication(t.Context(), acc, eid)
		if eapp.Document.Subject.Nature != "enterprise" || eapp.Document.Subject.Leader.CertNumber != "" {
			t.Errorf("enterprise: nature %q, leader %+v", eapp.Document.Subject.Nature, eapp.Document.Subject.Leader)
		}
		if ws := chen.get("/applications/" + eid + "/websites"); !strings.Contains(ws.body, "pre_approvals[0].category") || strings.Contains(ws.body, `id="individual-help"`) {
			t.Errorf("enterprise websites step lost its pre-approvals or shows the individual's help")
		}
	})
}
