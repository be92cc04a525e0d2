package backoffice_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"beian/internal/bureau"
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
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("csrf", csrf)
			mw.WriteField("website", "0")
			fw, _ := mw.CreateFormFile("file", "photo.jpg")
			fw.Write(testkit.Photo(t, 800, 600))
			mw.Close()
			req, _ := http.NewRequest("POST", h.srv.URL+"/review/applications/"+id+"/site-photo", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			resp, err := c.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			return answer{resp.StatusCode, resp.Header, string(body)}
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
