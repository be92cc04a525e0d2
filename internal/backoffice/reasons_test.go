package backoffice_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/bureau"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/service"
)

// TestRejectionReasonCatalogue: admins keep the catalogue of common
// rejection reasons in the back office (reviewers may not); the reviewer's
// decision form offers each entry on the fields of the document it is
// about and a pick rejects with the entry's field and words in both
// languages, which the applicant reads in their own language (page and
// mail); a pick on another field and bad entries are refused.
func TestRejectionReasonCatalogue(t *testing.T) {
	eachHarness(t, bureau.ModeAuto, func(t *testing.T, h *harness) {
		ctx := context.Background()
		applicant, id := h.submitted("zhao@example.com")
		rev := h.staff("rev@example.com", service.RoleReviewer)
		adm := h.staff("adm@example.com", service.RoleAdmin)
		app, rc, ac := h.client(applicant.Token), h.client(rev.Token), h.client(adm.Token)

		// The seeded catalogue, for admins only.
		page := ac.get("/admin/reasons")
		if page.status != 200 || !strings.Contains(page.body, `value="website.name.unsuitable"`) || !strings.Contains(page.body, "任一网站 · 网站名称") {
			t.Fatalf("reasons page: %d\n%.3000s", page.status, page.body)
		}
		if a := rc.get("/admin/reasons"); a.status != http.StatusForbidden {
			t.Errorf("reviewer on the catalogue: %d", a.status)
		}
		if a := rc.post("/admin/reasons", url.Values{"code": {"x.y"}, "field": {"subject.name"}, "text_zh": {"中"}, "text_en": {"en"}}, true); a.status != http.StatusForbidden {
			t.Errorf("reviewer saving an entry: %d", a.status)
		}
		if a := app.get("/admin/reasons"); a.status != http.StatusNotFound {
			t.Errorf("applicant on the catalogue: %d", a.status)
		}

		// Refused entries: each says what is wrong, the form keeps what was typed.
		for _, bad := range []url.Values{
			{"code": {"Bad Code"}, "field": {"subject.name"}, "text_zh": {"中文"}, "text_en": {"English"}},
			{"code": {"ok.code"}, "field": {"subject..name"}, "text_zh": {"中文"}, "text_en": {"English"}},
			{"code": {"ok.code"}, "field": {"subject.name"}, "text_zh": {""}, "text_en": {"English"}},
			{"code": {"ok.code"}, "field": {"subject.name"}, "text_zh": {"中文"}, "text_en": {strings.Repeat("x", 501)}},
			{"code": {"ok.code"}, "field": {"subject.name"}, "text_zh": {"中文"}, "text_en": {"English"}, "position": {"abc"}},
		} {
			a := ac.post("/admin/reasons", bad, true)
			if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, `id="reason-error"`) {
				t.Errorf("bad entry %v: %d", bad, a.status)
			}
		}
		if rs, _ := h.svc.RejectionReasons(ctx, adm.Account); len(rs) != 12 {
			t.Errorf("refused entries were stored: %d entries", len(rs))
		}

		// An admin adds an entry on the website's domain (its code is made) and edits a seeded one.
		if a := ac.post("/admin/reasons", url.Values{"field": {"websites[].domain"},
			"text_zh": {"域名持有者须与主办单位一致。"}, "text_en": {"The domain must be held by the subject."}, "position": {"5"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("add entry: %d\n%.2000s", a.status, a.body)
		}
		rs, _ := h.svc.RejectionReasons(ctx, adm.Account)
		if len(rs) != 13 || rs[0].Field != "websites[].domain" || !strings.HasPrefix(rs[0].Code, "websites.domain.") {
			t.Fatalf("new entry: %+v", rs[0])
		}
		added := rs[0].Code
		if a := ac.post("/admin/reasons", url.Values{"code": {"subject.name.mismatch"}, "existing": {"1"}, "field": {"subject.name"},
			"text_zh": {"主办单位名称须与营业执照一致。"}, "text_en": {"The name must match the business licence."}, "position": {"10"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("edit entry: %d\n%.2000s", a.status, a.body)
		}
		if a := ac.post("/admin/reasons/attachment.domain_certificate.holder/delete", url.Values{}, true); a.status != http.StatusSeeOther {
			t.Errorf("delete entry: %d", a.status)
		}
		if a := ac.post("/admin/reasons/no.such/delete", url.Values{}, true); a.status != http.StatusNotFound {
			t.Errorf("delete a missing entry: %d", a.status)
		}

		// The decision form offers the entries on this document's fields.
		view := rc.get("/review/applications/" + id)
		for _, want := range []string{`value="` + added + `|websites[0].domain"`, `value="subject.name.mismatch|subject.name"`,
			`value="attachment.site_photo.backdrop|attachments.site_photo[0]"`, "主办单位名称须与营业执照一致。"} {
			if !strings.Contains(html.UnescapeString(view.body), want) {
				t.Errorf("decision form lacks %s", want)
			}
		}
		if strings.Contains(view.body, "attachment.domain_certificate.holder") || strings.Contains(view.body, `name="reason_rule"`) {
			t.Errorf("a deleted entry or the rule-code box is offered")
		}

		// A pick on another field than its entry's is refused, naming the row.
		a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"reject"},
			"reason_pick": {added + "|subject.name"}, "reason_field": {""}, "reason_message": {""}}, true)
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "原因 1") {
			t.Errorf("pick on the wrong field: %d", a.status)
		}

		// Two picks and one reason in the reviewer's own words.
		a = rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"reject"},
			"reason_pick":    {added + "|websites[0].domain", "subject.name.mismatch|subject.name", ""},
			"reason_field":   {"", "", "subject.mailing_address"},
			"reason_message": {"", "", "通信地址请写到门牌号"}}, true)
		if a.status != http.StatusSeeOther {
			t.Fatalf("reject with picks: %d\n%.3000s", a.status, a.body)
		}
		got, err := h.svc.GetApplication(ctx, applicant.Account, id)
		if err != nil || len(got.Rejection) != 3 {
			t.Fatalf("after the rejection: %v %+v", err, got)
		}
		want := []filing.Reason{
			{Field: "websites[0].domain", Rule: added, Message: "域名持有者须与主办单位一致。", MessageEN: "The domain must be held by the subject."},
			{Field: "subject.name", Rule: "subject.name.mismatch", Message: "主办单位名称须与营业执照一致。", MessageEN: "The name must match the business licence."},
			{Field: "subject.mailing_address", Message: "通信地址请写到门牌号"},
		}
		for i, w := range want {
			if got.Rejection[i] != w {
				t.Errorf("reason %d: %+v, want %+v", i, got.Rejection[i], w)
			}
		}

		// The applicant reads the picked reasons in their language.
		progress := app.get("/applications/" + id)
		if !strings.Contains(progress.body, "域名持有者须与主办单位一致。") {
			t.Errorf("zh progress page lacks the reason")
		}
		app.v.SetCookie("lang", "en")
		progress = app.get("/applications/" + id)
		if !strings.Contains(progress.body, "The domain must be held by the subject.") || strings.Contains(progress.body, "域名持有者须与主办单位一致。") {
			t.Errorf("en progress page does not show the English reason")
		}
		if err := h.drain(); err != nil {
			t.Fatal(err)
		}
		items, err := h.svc.Outbox(ctx, adm.Account, service.OutboxQuery{Channel: notify.Email, To: "zhao@example.com", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			found = found || strings.Contains(it.Body, "域名持有者须与主办单位一致。") // the applicant reads Chinese
		}
		if !found {
			t.Errorf("no rejection mail with the picked reason")
		}

		// The audit log records the catalogue's changes.
		if a := ac.get("/admin/audit"); !strings.Contains(a.body, "保存了常见驳回原因") || !strings.Contains(a.body, "删除了常见驳回原因") {
			t.Errorf("catalogue changes not audited in words")
		}
	})
}
