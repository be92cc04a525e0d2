package api_test

import (
	"testing"

	"beian/internal/testkit"
)

// TestSitePhotoAtTheOffice (issue 14 item 6): a filing submitted with the
// domain certificate in place of the site photo, verified face to face,
// cannot pass its material review until staff upload the photo taken at
// the office; only staff, only while verifying or in material review.
func TestSitePhotoAtTheOffice(t *testing.T) {
	testkit.Each(t, func(t *testing.T, k *testkit.Kit) {
		admin := k.AdminToken()
		f := k.Applicant(1)
		k.SubmitWith(f, "site-photo-office.cn", map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
			map[string]string{"kind": "verification_form", "website": "0"}, map[string]string{"kind": "domain_certificate", "website": "0"})
		rp := "/api/v1/review/applications/" + f.ID
		photo := map[string][]byte{"file": testkit.Photo(t, 800, 600)}
		if a := k.Upload(rp+"/site-photo", admin, map[string]string{"website": "0"}, photo); a.Status != 409 {
			t.Errorf("site photo during the initial review: %d %s", a.Status, a.Body)
		}
		if a := k.Do("POST", rp+"/decision", admin, map[string]any{"decision": "approve"}); a.Status != 200 || a.JSON(t)["state"] != "verification" {
			t.Fatalf("initial review: %d %s", a.Status, a.Body)
		}
		if a := k.Do("POST", rp+"/materials-received", admin, map[string]any{"note": "面签完成"}); a.Status != 200 {
			t.Fatalf("signing done: %d %s", a.Status, a.Body)
		}
		a := k.Do("POST", rp+"/decision", admin, map[string]any{"decision": "approve"})
		if a.Status != 422 || !hasViolationAt(a.JSON(t), "attachment.missing", "attachments.site_photo[0]") {
			t.Fatalf("material review passed without a site photo: %d %s", a.Status, a.Body)
		}
		// The applicant cannot add it now, and is not staff.
		if a := k.Upload("/api/v1/applications/"+f.ID+"/attachments", f.Token, map[string]string{"kind": "site_photo", "website": "0"}, photo); a.Status != 409 {
			t.Errorf("applicant upload in material review: %d %s", a.Status, a.Body)
		}
		if a := k.Upload(rp+"/site-photo", f.Token, map[string]string{"website": "0"}, photo); a.Status != 404 {
			t.Errorf("applicant on the staff upload: %d %s", a.Status, a.Body)
		}
		if a := k.Upload(rp+"/site-photo", admin, map[string]string{"website": "1"}, photo); a.Status != 422 {
			t.Errorf("a website the filing lacks: %d %s", a.Status, a.Body)
		}
		if a := k.Upload(rp+"/site-photo", admin, map[string]string{"website": "0"}, map[string][]byte{"file": []byte("not a jpeg")}); a.Status != 415 && a.Status != 422 {
			t.Errorf("a file that is no JPEG: %d %s", a.Status, a.Body)
		}
		up := k.Upload(rp+"/site-photo", admin, map[string]string{"website": "0"}, photo)
		if up.Status != 201 || up.JSON(t)["kind"] != "site_photo" {
			t.Fatalf("staff site photo: %d %s", up.Status, up.Body)
		}
		// The reviewer sees it among the attachments, then approves.
		found := false
		for _, at := range k.Do("GET", rp, admin, nil).JSON(t)["attachments"].([]any) {
			found = found || at.(map[string]any)["kind"] == "site_photo"
		}
		if !found {
			t.Errorf("the staff photo is not among the attachments")
		}
		if a := k.Do("POST", rp+"/decision", admin, map[string]any{"decision": "approve"}); a.Status != 200 || a.JSON(t)["state"] != "ready_for_bureau" {
			t.Fatalf("material review with the photo: %d %s", a.Status, a.Body)
		}
		if a := k.Upload(rp+"/site-photo", admin, map[string]string{"website": "0"}, photo); a.Status != 409 {
			t.Errorf("site photo after the material review: %d %s", a.Status, a.Body)
		}
	})
}

func hasViolationAt(m map[string]any, rule, field string) bool {
	return hasViolation(m, "", rule, field)
}
