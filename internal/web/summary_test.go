package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/service"
	"beian/internal/workdays"
)

// TestSubmitSummaryDocumentAndCopy: the uploads step shows samples, the
// backdrop photo's requirements and the file limit; the submit step lists
// the whole application to check before submitting; afterwards a
// read-only view shows what was filed; a withdrawn filing is folded away
// on the home page and copies into a new draft (its words, not its files);
// a file over the limit sent anyway is refused beside its slot.
func TestSubmitSummaryDocumentAndCopy(t *testing.T) {
	eachHarness(t, func(t *testing.T, h *harness) {
		ctx := t.Context()
		doc := exampleDoc(t)
		b := h.browser()
		b.registerAndLogin("zhou@example.com", "13805815002")
		a := mustAccount(t, h, "zhou@example.com")
		app, err := h.svc.CreateApplication(ctx, a, service.CreateInput{Domain: doc.Websites[0].Domain, CertType: doc.Subject.CertType, CertNumber: doc.Subject.CertNumber})
		if err != nil {
			t.Fatal(err)
		}
		if app, err = h.svc.SaveDocument(ctx, a, app.ID, doc); err != nil {
			t.Fatal(err)
		}
		base := "/applications/" + app.ID

		up := b.get(base + "/uploads")
		for _, want := range []string{`src="/static/samples/site_photo.svg"`, "站在本公司提供的备案幕布前", `data-max="10485760"`, "每个文件不超过 10 MB"} {
			if !strings.Contains(up.body, want) {
				t.Errorf("uploads step lacks %s", want)
			}
		}
		if s := b.get("/static/samples/site_photo.svg"); s.status != 200 || !strings.Contains(s.body, "<svg") {
			t.Errorf("sample picture: %d", s.status)
		}
		// Sent anyway (no script), a file over the limit is refused beside its slot.
		tok := b.csrfFrom(base + "/uploads")
		big := append(testJPEG(t, 800, 600), make([]byte, 10<<20)...)
		if r := b.upload(app.ID, "subject_certificate", -1, "", big, tok); r.status < 400 || r.status >= 500 || !strings.Contains(r.body, `class="ferr"`) {
			t.Errorf("too large a file: %d, no message beside the slot", r.status)
		}

		fieldRE := regexp.MustCompile(`^attachments\.([a-z_]+)(?:\[([0-9]+)\])?$`)
		for _, v := range h.svc.Missing(app) {
			m := fieldRE.FindStringSubmatch(v.Field)
			if m == nil {
				t.Fatalf("not an attachment: %v", v)
			}
			in := service.AttachmentInput{Kind: m[1], Website: -1, File: bytes.NewReader(testJPEG(t, 800, 600))}
			if m[2] != "" {
				in.Website = int(m[2][0] - '0')
			}
			if m[1] == service.KindVerificationForm {
				in.SignedOn = clock.TestNow().In(workdays.CST).Format(time.DateOnly)
			}
			if _, err := h.svc.AddAttachment(ctx, a, app.ID, in); err != nil {
				t.Fatal(err)
			}
		}

		// The submit step: everything to check, in words.
		sub := b.get(base + "/submit")
		for _, want := range []string{`id="summary-lead"`, doc.Subject.MailingAddress, "浙江省", "企业", "网站 1", "主办单位证件", `id="submit-after-summary"`} {
			if !strings.Contains(sub.body, want) {
				t.Errorf("submit summary lacks %q", want)
			}
		}
		tok = b.csrfFrom(base + "/submit")
		if r := b.post(base+"/submit", url.Values{}, tok); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", r.status)
		}

		// Afterwards: the progress page links the read-only view.
		if p := b.get(base); !strings.Contains(p.body, `href="`+base+`/document"`) {
			t.Errorf("progress page does not link what was filed")
		}
		d := b.get(base + "/document")
		if d.status != 200 || !strings.Contains(d.body, doc.Subject.MailingAddress) || strings.Contains(d.body, `<input name="subject`) || strings.Contains(d.body, "<textarea") {
			t.Errorf("document view: %d, or not read-only", d.status)
		}
		other := h.browser()
		other.registerAndLogin("wu@example.com", "13805815003")
		if r := other.get(base + "/document"); r.status != http.StatusNotFound {
			t.Errorf("another account reads the document: %d", r.status)
		}

		// Withdrawn: out of the way on the home page, copyable.
		tok = b.csrfFrom(base)
		if r := b.post(base+"/withdraw", url.Values{}, tok); r.status != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", r.status)
		}
		home := b.get("/")
		i := strings.Index(home.body, `id="withdrawn"`)
		if i < 0 || !strings.Contains(home.body[i:], doc.Websites[0].Domain) || strings.Contains(home.body[:i], doc.Websites[0].Domain) {
			t.Fatalf("the withdrawn application is not folded away on the home page")
		}
		if r := other.post(base+"/copy", url.Values{}, other.csrfFrom("/")); r.status != http.StatusNotFound {
			t.Errorf("another account copies it: %d", r.status)
		}
		r := b.post(base+"/copy", url.Values{}, b.csrfFrom("/"))
		if r.status != http.StatusSeeOther || !strings.HasSuffix(r.location(), "/subject") {
			t.Fatalf("copy: %d %s", r.status, r.location())
		}
		nid := appIDFrom(t, r.location())
		copied, err := h.svc.GetApplication(ctx, a, nid)
		if err != nil || nid == app.ID || copied.State != "draft" || copied.Document.Subject.MailingAddress != doc.Subject.MailingAddress ||
			copied.Document.Websites[0].Name != doc.Websites[0].Name || len(copied.Attachments) != 0 {
			t.Fatalf("copy: %v %+v", err, copied)
		}
		if old, _ := h.svc.GetApplication(ctx, a, app.ID); old.State != "withdrawn" {
			t.Errorf("the original changed: %s", old.State)
		}
		// A draft is not copyable.
		if r := b.post("/applications/"+nid+"/copy", url.Values{}, b.csrfFrom("/")); r.status != http.StatusConflict {
			t.Errorf("copying a draft: %d", r.status)
		}
	})
}
