package web_test

import (
	"beian/internal/words"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"beian/internal/filing"
	"beian/internal/service"
	"beian/internal/storage"
)

var cancelLink = regexp.MustCompile(`href="(/records/cancel\?[^"]+)"`)

// fileRecords writes a filed subject with two websites (one hosted here,
// one cancelled) for the account with email, sealed with the system's key.
func fileRecords(t *testing.T, h *harness, email, number, certNumber string) {
	t.Helper()
	ctx, st, seal := context.Background(), h.st, h.seal
	acc, err := st.AccountByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	sealed := func(v any) string {
		b, _ := json.Marshal(v)
		return seal.SealBytes(b)
	}
	now := st.Now()
	leader := filing.Person{Name: "王建国", CertType: "resident_id", CertNumber: "110108198503152312", Mobile: "13910001234"}
	err = st.Tx(ctx, func(tx *storage.Tx) error {
		sub := filing.Subject{Province: "110000", Nature: "enterprise", CertType: "business_license", CertNumber: certNumber, Name: "北京星河云图科技有限公司", Leader: leader}
		sr := &storage.SubjectRecord{Number: number, OwnerID: acc.ID, Province: "110000", Nature: "enterprise", CertType: "business_license",
			CertHash: seal.Hash("business_license|" + certNumber), Name: sub.Name, Status: storage.RecordActive, Data: sealed(sub),
			ApprovedOn: "2026-11-30", UpdatedAt: now}
		if err := tx.PutSubjectRecord(ctx, sr); err != nil {
			return err
		}
		for i, site := range []struct{ domain, name, status string }{{"xinghe-cloud.cn", "星河云图官网", storage.RecordActive}, {"xinghe-old.cn", "旧站", storage.RecordCancelled}} {
			w := &storage.WebsiteRecord{SubjectID: sr.ID, Number: number + "-" + string(rune('1'+i)), Domain: site.domain, Name: site.name,
				Status: site.status, ApprovedOn: "2026-11-30", UpdatedAt: now,
				Data: sealed(filing.Website{Name: site.name, Domain: site.domain, Leader: leader})}
			if err := tx.PutWebsiteRecord(ctx, w); err != nil {
				return err
			}
			acc, _ := json.Marshal(filing.Access{Method: "cloud", IPs: []string{"42.159.10.10"}, ServerLocation: "110000"})
			status := storage.RecordActive
			if site.status == storage.RecordCancelled {
				status = storage.RecordCancelled
			}
			if err := tx.PutAccessRecord(ctx, &storage.AccessRecord{WebsiteID: w.ID, Status: status, Data: string(acc), UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFilingPages: 我的备案, the cancellation start (type, reason, save,
// then submit) and the public lookup.
func TestFilingPages(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		st := h.st
		const number = "京ICP备2019012345号"

		// The public lookup needs no account and shows nothing personal.
		anon := h.browser()
		if a := anon.get("/lookup"); a.status != http.StatusOK || !strings.Contains(a.body, `name="q"`) {
			t.Fatalf("lookup page: %d", a.status)
		}
		if a := anon.get("/filings"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location(), "/login") {
			t.Errorf("my filings without login: %d %s", a.status, a.location())
		}

		b := h.browser()
		b.registerAndLogin("xinghe@example.com", "13900009999")
		fileRecords(t, h, "xinghe@example.com", number, "91110108MA01XK3NX8")

		a := anon.get("/lookup?q=" + url.QueryEscape("www.xinghe-cloud.cn"))
		if a.status != http.StatusOK || !strings.Contains(a.body, "星河云图官网") || !strings.Contains(a.body, number+"-1") {
			t.Errorf("lookup by domain: %d\n%s", a.status, a.body)
		}
		for _, secret := range []string{"王建国", "13910001234", "110108198503152312"} {
			if strings.Contains(a.body, secret) {
				t.Errorf("the lookup page shows %s", secret)
			}
		}
		if a := anon.get("/lookup?q=" + url.QueryEscape(number+"-2")); !strings.Contains(a.body, words.T("zh", "lookup.none")) {
			t.Errorf("a cancelled number is shown")
		}

		// 我的备案 lists the subject and its websites, masked.
		a = b.get("/filings")
		if a.status != http.StatusOK || !strings.Contains(a.body, "北京星河云图科技有限公司") || !strings.Contains(a.body, "xinghe-old.cn") ||
			!strings.Contains(a.body, "42.159.10.10") {
			t.Fatalf("my filings: %d\n%s", a.status, a.body)
		}
		if strings.Contains(a.body, "13910001234") {
			t.Errorf("my filings shows a mobile in clear")
		}

		// The 注销 links as the pages render them lead to the cancellation
		// page (they once carried the number encoded twice and answered 404).
		for _, page := range []string{"/filings", "/?tab=cancel"} {
			links := cancelLink.FindAllStringSubmatch(b.get(page).body, -1)
			if len(links) < 2 {
				t.Fatalf("%s: %d cancellation links", page, len(links))
			}
			for _, m := range links {
				href := html.UnescapeString(m[1])
				if a := b.get(href); a.status != http.StatusOK || !strings.Contains(a.body, `action="/records/cancel"`) {
					t.Errorf("%s: the link %s answers %d", page, href, a.status)
				}
			}
		}

		// Cancelling a website: choose the type, give the reason, save.
		tok := b.csrfFrom("/records/cancel?record=" + url.QueryEscape(number+"-1"))
		if a := b.get("/records/cancel?record=" + url.QueryEscape(number+"-1")); !strings.Contains(a.body, `value="cancel_access"`) {
			t.Errorf("cancel access not offered for a hosted site")
		}
		a = b.post("/records/cancel", url.Values{"record": {number + "-1"}, "flow": {"cancel_website"}, "reason": {"  "}}, tok)
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "注销原因") {
			t.Errorf("cancellation without a reason: %d", a.status)
		}
		a = b.post("/records/cancel", url.Values{"record": {number + "-1"}, "flow": {"cancel_website"}, "reason": {"网站停止运营"}}, tok)
		if a.status != http.StatusSeeOther || !strings.HasSuffix(a.location(), "/submit") {
			t.Fatalf("cancellation saved: %d %s\n%s", a.status, a.location(), a.body)
		}
		id := appIDFrom(t, a.location())
		acc, _ := st.AccountByEmail(context.Background(), "xinghe@example.com")
		app, err := h.svc.GetApplication(context.Background(), &service.Account{ID: acc.ID, Role: service.RoleApplicant}, id)
		if err != nil || app.Flow != "cancel_website" || app.Document.Websites[0].Remark != "网站停止运营" || app.RecordNumber != number+"-1" {
			t.Fatalf("cancellation draft: %+v %v", app, err)
		}
		// While it is open the subject offers no other change.
		if a := b.get("/filings"); !strings.Contains(a.body, "/applications/"+id) {
			t.Errorf("my filings does not point to the open application")
		}

		// Someone else's record is not found.
		c := h.browser()
		c.registerAndLogin("other@example.com", "13900008888")
		if a := c.get("/records/cancel?record=" + url.QueryEscape(number)); a.status != http.StatusNotFound {
			t.Errorf("someone else's record: %d", a.status)
		}
	})
}

//END
