package backoffice_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/bureau"
	"beian/internal/filing"
	"beian/internal/service"
	"beian/internal/testkit"
)

// TestStaffSitePhoto: in verification the reviewer's page offers the site
// photo upload; the upload is stored as the website's site_photo and the
// page says so; the applicant has no such door.
func TestStaffSitePhoto(t *testing.T) {
	eachHarness(t, bureau.ModeAuto, func(t *testing.T, h *harness) {
		applicant, id, rev, _ := h.verifying()
		rc := h.client(rev.Token)
		page := rc.get("/review/applications/" + id)
		if !strings.Contains(page.body, `id="form-sitephoto"`) {
			t.Fatalf("no site photo form in verification")
		}
		upload := func(c *client, csrf string) answer {
			return textOf(c.v.PostFiles("/review/applications/"+id+"/site-photo", map[string]string{"csrf": csrf, "website": "0"},
				map[string][]byte{"file": testkit.Photo(t, 800, 600)}))
		}
		if a := upload(rc, "nope"); a.status != http.StatusForbidden {
			t.Errorf("without the form token: %d", a.status)
		}
		ac := h.client(applicant.Token)
		if a := upload(ac, ac.csrf()); a.status != http.StatusNotFound {
			t.Errorf("the applicant on the staff upload: %d", a.status)
		}
		a := upload(rc, rc.csrf())
		if a.status != http.StatusSeeOther || !strings.HasSuffix(a.header.Get("Location"), "?done=sitephoto") {
			t.Fatalf("staff upload: %d %.500s", a.status, a.body)
		}
		atts, err := h.st.Attachments(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, at := range atts {
			if at.Kind == "site_photo" && at.Website == 0 {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d site photos of website 0 after the staff upload (replaces)", n)
		}
		if page := rc.get("/review/applications/" + id + "?done=sitephoto"); !strings.Contains(page.body, "现场核验照片已保存") {
			t.Errorf("no word of the stored photo")
		}
	})
}

// TestStaffAsksForSupplement: the reviewer asks for a supplementary
// document on the application page; the request is listed as awaited.
func TestStaffAsksForSupplement(t *testing.T) {
	eachHarness(t, bureau.ModeAuto, func(t *testing.T, h *harness) {
		_, id, rev, _ := h.verifying()
		rc := h.client(rev.Token)
		if page := rc.get("/review/applications/" + id); !strings.Contains(page.body, `id="form-supplement"`) {
			t.Fatalf("no supplement form in verification")
		}
		if a := rc.post("/review/applications/"+id+"/supplements", url.Values{"note": {""}}, true); a.status != http.StatusUnprocessableEntity {
			t.Errorf("an empty note: %d", a.status)
		}
		a := rc.post("/review/applications/"+id+"/supplements", url.Values{"note": {"请补充域名证书"}}, true)
		if a.status != http.StatusSeeOther {
			t.Fatalf("request: %d %.500s", a.status, a.body)
		}
		page := rc.get("/review/applications/" + id + "?done=supplement")
		if !strings.Contains(page.body, `data-answered="false"`) || !strings.Contains(page.body, "请补充域名证书") || !strings.Contains(page.body, "已要求申请人补充材料") {
			t.Errorf("the request is not listed:\n%.3000s", page.body[strings.Index(page.body, "<main"):])
		}
	})
}

// TestStaffConfirmsHolder: a website's domain declared as held by the
// subject's shareholder shows on the reviewer's page with its proof; the
// initial review cannot pass until the reviewer confirms it, which the
// audit log records.
func TestStaffConfirmsHolder(t *testing.T) {
	eachHarness(t, bureau.ModeAuto, func(t *testing.T, h *harness) {
		_, id := h.submittedWith("qian@example.com", func(d *filing.Document) {
			d.Websites[0].DomainHolder = filing.DomainHolder{Relation: filing.RelationShareholder, Name: "杭州示例控股有限公司"}
		})
		rev := h.staff("rev@example.com", service.RoleReviewer)
		rc := h.client(rev.Token)
		page := rc.get("/review/applications/" + id)
		if !strings.Contains(page.body, `id="holders"`) || !strings.Contains(page.body, "股东 · 杭州示例控股有限公司") ||
			!strings.Contains(page.body, `data-confirmed="false"`) || !strings.Contains(page.body, `id="btn-holder-0"`) ||
			!strings.Contains(page.body, "域名持有者关系证明") {
			t.Fatalf("the declaration is not on the review page:\n%.3000s", page.body[strings.Index(page.body, "<main"):])
		}
		a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"approve"}}, true)
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "初审通过前须确认网站声明的域名持有者") {
			t.Fatalf("approve unconfirmed: %d %.500s", a.status, a.body)
		}
		a = rc.post("/review/applications/"+id+"/holder-confirmations", url.Values{"website": {"0"}}, true)
		if a.status != http.StatusSeeOther || !strings.HasSuffix(a.header.Get("Location"), "?done=holder") {
			t.Fatalf("confirm: %d %.500s", a.status, a.body)
		}
		page = rc.get("/review/applications/" + id + "?done=holder")
		if !strings.Contains(page.body, `data-confirmed="true"`) || !strings.Contains(page.body, "已确认域名持有者声明") || strings.Contains(page.body, `id="btn-holder-0"`) {
			t.Errorf("the confirmation is not shown")
		}
		if a := rc.post("/review/applications/"+id+"/decision", url.Values{"decision": {"approve"}}, true); a.status != http.StatusSeeOther {
			t.Fatalf("approve confirmed: %d %.500s", a.status, a.body)
		}
		adm := h.client(h.staff("adm@example.com", service.RoleAdmin).Token)
		if au := adm.get("/admin/audit?object_id=" + id); !strings.Contains(au.body, "确认域名持有者声明") {
			t.Errorf("the audit log does not name the confirmation")
		}
	})
}
