package api_test

import (
	"strings"
	"testing"

	"beian/internal/testkit"
)

// TestSupplementaryDocument (issue 14 item 7): a reviewer asks for a
// supplementary document with a note; the applicant is mailed, sees the
// request and a slot for it, may upload that (and nothing else) while in
// review, and the review cannot pass until it arrives.
func TestSupplementaryDocument(t *testing.T) {
	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		admin := k.AdminToken()
		f := k.FileThrough(1, "supplement-demo.cn")
		rp := "/api/v1/review/applications/" + f.ID
		ap := "/api/v1/applications/" + f.ID
		photo := map[string][]byte{"file": testkit.Photo(t, 800, 600)}

		if a := k.Do("POST", rp+"/supplements", admin, map[string]any{"note": "  "}); a.Status != 422 || a.Code() != "validation_failed" ||
			!strings.Contains(string(a.Body), "supplement.note.required") {
			t.Errorf("an empty note: %d %s", a.Status, a.Body)
		}
		if a := k.Do("POST", rp+"/supplements", f.Token, map[string]any{"note": "x"}); a.Status != 404 {
			t.Errorf("the applicant asking: %d %s", a.Status, a.Body)
		}
		if a := k.Upload(ap+"/attachments", f.Token, map[string]string{"kind": "supplementary_document"}, photo); a.Status != 409 {
			t.Errorf("a supplement nobody asked for: %d %s", a.Status, a.Body)
		}
		const note = "请补充办公场所租赁合同首页及签字页"
		a := k.Do("POST", rp+"/supplements", admin, map[string]any{"note": note})
		if a.Status != 200 {
			t.Fatalf("request: %d %s", a.Status, a.Body)
		}
		sup := a.JSON(t)["supplements"].([]any)
		if len(sup) != 1 || sup[0].(map[string]any)["note"] != note || sup[0].(map[string]any)["answered"] != false {
			t.Errorf("supplements %v", sup)
		}
		// The applicant sees it, with a slot it may fill now.
		app := k.Do("GET", ap, f.Token, nil).JSON(t)
		found := false
		for _, s := range app["attachment_plan"].([]any) {
			s := s.(map[string]any)
			if s["kind"] == "supplementary_document" {
				found = s["required"] == true && s["may_upload"] == true && strings.Contains(string(mustJSON(t, s)), note)
			}
		}
		if !found {
			t.Errorf("no slot for the supplement: %v", app["attachment_plan"])
		}
		if d := k.Do("POST", rp+"/decision", admin, map[string]any{"decision": "approve"}); d.Status != 422 ||
			!hasViolation(d.JSON(t), "", "attachment.missing", "attachments.supplementary_document") {
			t.Errorf("review passed over a standing request: %d %s", d.Status, d.Body)
		}
		// Nothing else may be uploaded in review.
		if u := k.Upload(ap+"/attachments", f.Token, map[string]string{"kind": "subject_certificate"}, photo); u.Status != 409 {
			t.Errorf("another kind in review: %d %s", u.Status, u.Body)
		}
		if u := k.Upload(ap+"/attachments", f.Token, map[string]string{"kind": "supplementary_document"}, photo); u.Status != 201 {
			t.Fatalf("the supplement: %d %s", u.Status, u.Body)
		}
		if s := k.Do("GET", ap, f.Token, nil).JSON(t)["supplements"].([]any); s[0].(map[string]any)["answered"] != true {
			t.Errorf("not answered: %v", s)
		}
		if d := k.Do("POST", rp+"/decision", admin, map[string]any{"decision": "approve"}); d.Status != 200 || d.JSON(t)["state"] != "verification" {
			t.Fatalf("review after the supplement: %d %s", d.Status, d.Body)
		}
		if u := k.Upload(ap+"/attachments", f.Token, map[string]string{"kind": "supplementary_document"}, photo); u.Status != 409 {
			t.Errorf("a second supplement unasked: %d %s", u.Status, u.Body)
		}
		k.RunJobs()
		mails := k.Do("GET", "/api/v1/admin/outbox?channel=email&to=filer1@example.com", admin, nil)
		if !strings.Contains(string(mails.Body), "请补充备案材料") || !strings.Contains(string(mails.Body), "租赁合同") {
			t.Errorf("no mail asking for the supplement: %.2000s", mails.Body)
		}
	})
}
