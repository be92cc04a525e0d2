package testkit

import (
	"context"
	"fmt"
	"regexp"

	"beian/internal/ident"
)

// Filing is a first filing made through the API by one applicant.
type Filing struct {
	N        int
	Token    string // the applicant's session
	ID       string // the application
	Domain   string
	Mobile   string // the leader's (subject and website leader are one person)
	LeaderID string // the leader's certificate number
	Cert     string // the subject's credit code
}

// AdminToken logs in the first admin (created on first use) and returns
// its session token.
func (k *Kit) AdminToken() string {
	k.T.Helper()
	const email, password = "admin@beian.test", "Admin-pass-123"
	if _, _, err := k.Service.EnsureAdmin(context.Background(), email, password); err != nil {
		k.T.Fatal(err)
	}
	return k.Login(email, password)
}

// Applicant registers applicant n (a fresh account, filer<n>@example.com)
// and logs it in.
func (k *Kit) Applicant(n int) *Filing {
	k.T.Helper()
	f := &Filing{N: n, Mobile: fmt.Sprintf("1390571%04d", n%10000)}
	email := fmt.Sprintf("filer%d@example.com", n)
	k.Register(email, fmt.Sprintf("1370571%04d", n%10000), "Str0ng-pass!")
	f.Token = k.Login(email, "Str0ng-pass!")
	return f
}

// FileThrough makes a filing of a fresh applicant n (Submit).
func (k *Kit) FileThrough(n int, domain string) *Filing {
	k.T.Helper()
	f := k.Applicant(n)
	k.Submit(f, domain)
	return f
}

// Submit creates applicant f's first filing of a Hangzhou enterprise for
// domain, with a credit code and leader of its own, saves it complete,
// uploads every attachment and submits it: the application ends in
// initial_review.
func (k *Kit) Submit(f *Filing, domain string) {
	k.T.Helper()
	k.SubmitWith(f, domain, map[string]string{"kind": "subject_certificate"}, map[string]string{"kind": "subject_leader_id"},
		map[string]string{"kind": "verification_form", "website": "0"}, map[string]string{"kind": "site_photo", "website": "0"})
}

// SubmitWith is Submit uploading the attachments uploads name (form
// fields; a verification form is signed yesterday unless signed_on says).
func (k *Kit) SubmitWith(f *Filing, domain string, uploads ...map[string]string) {
	k.T.Helper()
	t, n := k.T, f.N
	f.Domain = domain
	cert := fmt.Sprintf("91330106MA%07d", n%10000000)
	f.Cert = cert + string(ident.USCCCheckChar(cert))
	leader := fmt.Sprintf("33010619870214%03d", n%1000)
	f.LeaderID = leader + string(ident.IDCheckChar(leader))

	doc := ExampleDocument(t)
	delete(doc, "as_of")
	s := doc["subject"].(map[string]any)
	name := fmt.Sprintf("杭州示例%d号网络科技有限公司", n)
	s["cert_number"], s["name"], s["investor"], s["emergency_phone"] = f.Cert, name, name, fmt.Sprintf("1380574%04d", n%10000)
	l := s["leader"].(map[string]any)
	l["cert_number"], l["mobile"], l["email"] = f.LeaderID, f.Mobile, fmt.Sprintf("leader%d@example.com", n)
	w := doc["websites"].([]any)[0].(map[string]any)
	w["domain"], w["homepage_url"], w["leader"] = domain, "www."+domain, l

	cr := k.Do("POST", "/api/v1/applications", f.Token, map[string]any{"domain": domain, "cert_type": "business_license", "cert_number": f.Cert})
	if cr.Status != 201 {
		t.Fatalf("create filing %d: %d %s", n, cr.Status, cr.Body)
	}
	f.ID = cr.JSON(t)["id"].(string)
	path := "/api/v1/applications/" + f.ID
	if a := k.Do("PUT", path, f.Token, doc); a.Status != 200 {
		t.Fatalf("save filing %d: %d %s", n, a.Status, a.Body)
	}
	signed := k.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
	for _, fields := range uploads {
		if fields["kind"] == "verification_form" && fields["signed_on"] == "" {
			fields["signed_on"] = signed
		}
		if a := k.Upload(path+"/attachments", f.Token, fields, map[string][]byte{"file": Photo(t, 800, 600)}); a.Status != 201 {
			t.Fatalf("upload %v of filing %d: %d %s", fields, n, a.Status, a.Body)
		}
	}
	if a := k.Do("POST", path+"/submit", f.Token, nil); a.Status != 200 {
		t.Fatalf("submit filing %d: %d %s", n, a.Status, a.Body)
	}
}

var smsCode = regexp.MustCompile(`\b([0-9]{6})\b`)

// Approve takes a submitted filing through review (staff is a reviewer's
// or admin's token), verification by mail, the bureau's SMS code and the
// simulator's decision (auto mode, time scale 0) to approved.
func (k *Kit) Approve(f *Filing, staff string) {
	k.T.Helper()
	t := k.T
	rp := "/api/v1/review/applications/" + f.ID
	step := func(path string, body any, want string) {
		t.Helper()
		if a := k.Do("POST", path, staff, body); a.Status != 200 || a.JSON(t)["state"] != want {
			t.Fatalf("%s of filing %d: %d %s", path, f.N, a.Status, a.Body)
		}
	}
	step(rp+"/decision", map[string]any{"decision": "approve"}, "verification")
	if a := k.Do("POST", "/api/v1/applications/"+f.ID+"/verification", f.Token, map[string]any{"method": "mail", "tracking_number": fmt.Sprintf("SF%010d", f.N)}); a.Status != 200 {
		t.Fatalf("verification of filing %d: %d %s", f.N, a.Status, a.Body)
	}
	step(rp+"/materials-received", map[string]any{"note": "已签收"}, "material_review")
	step(rp+"/decision", map[string]any{"decision": "approve"}, "ready_for_bureau")
	step(rp+"/submit-to-bureau", nil, "bureau_sms")
	k.RunJobs()
	a := k.Do("GET", "/api/v1/admin/outbox?channel=sms&to="+f.Mobile, staff, nil)
	var code string
	for _, it := range a.JSON(t)["items"].([]any) {
		if m := smsCode.FindStringSubmatch(it.(map[string]any)["body"].(string)); m != nil {
			code = m[1]
			break
		}
	}
	if code == "" {
		t.Fatalf("no SMS code for filing %d: %s", f.N, a.Body)
	}
	if a := k.Do("POST", "/api/v1/applications/"+f.ID+"/sms", f.Token, map[string]any{"mobile": f.Mobile, "cert_last6": f.LeaderID[12:], "code": code}); a.Status != 200 {
		t.Fatalf("SMS of filing %d: %d %s", f.N, a.Status, a.Body)
	}
	k.RunJobs()
	if a := k.Do("GET", "/api/v1/applications/"+f.ID, f.Token, nil); a.JSON(t)["state"] != "approved" {
		t.Fatalf("filing %d after the bureau: %s", f.N, a.Body)
	}
}
