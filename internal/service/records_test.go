package service_test

import (
	"strings"
	"testing"

	"beian/internal/filing"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestPublicLookup: every way of writing a domain or a number finds the
// filing; bad input is a 422; a domain filed only elsewhere comes from the registry.
func TestPublicLookup(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		f.record(t, "京ICP备2026000001号", "91110105MA00000012", f.owner.ID, storage.RecordActive, map[string][2]string{
			"hosted-here.cn": {storage.RecordActive, storage.RecordActive}})
		f.record(t, "京ICP备2026000002号", "91110105MA00000025", f.owner.ID, storage.RecordActive, map[string][2]string{
			"gone-here.cn": {storage.RecordCancelled, storage.RecordCancelled}})
		f.reg.domains["elsewhere.cn"] = &service.RegistryWebsite{Number: "京ICP备2019000001号-1", SubjectNumber: "京ICP备2019000001号",
			SubjectCertType: "business_license", SubjectCertNumber: "91110105MA00000038", Website: filing.Website{Name: "别处网站"}}
		f.reg.subjects["business_license|91110105MA00000038"] = &service.RegistrySubject{Number: "京ICP备2019000001号",
			Subject: filing.Subject{Name: "别处公司", Nature: "enterprise", Leader: filing.Person{Name: "李四", Mobile: "13800138000"}}}

		cases := []struct {
			q          string
			n          int
			number     string
			code, name string
		}{
			{"hosted-here.cn", 1, "京ICP备2026000001号-1", "", "记录网站"},
			{"  WWW.Hosted-Here.CN ", 1, "京ICP备2026000001号-1", "", ""},
			{"https://www.hosted-here.cn/about", 1, "京ICP备2026000001号-1", "", ""},
			{"京ICP备2026000001号-1", 1, "京ICP备2026000001号-1", "", ""},
			{"京icp备2026000001号-1", 1, "京ICP备2026000001号-1", "", ""},
			{"京ICP备2026000001号", 1, "京ICP备2026000001号-1", "", ""},
			{"gone-here.cn", 0, "", "", ""},
			{"京ICP备2026000002号-1", 0, "", "", ""},
			{"京ICP备2026000002号", 0, "", "", ""},
			{"elsewhere.cn", 1, "京ICP备2019000001号-1", "", "别处网站"},
			{"no-such-site.cn", 0, "", "", ""},
			{"not a domain", 0, "", "", ""},
			{"", 0, "", "validation_failed", ""},
			{strings.Repeat("a", 300) + ".cn", 0, "", "validation_failed", ""},
		}
		for _, c := range cases {
			items, err := f.svc.PublicLookup(f.ctx, c.q)
			if code(err) != c.code {
				t.Errorf("%q: error %v, want %q", c.q, err, c.code)
				continue
			}
			if len(items) != c.n {
				t.Errorf("%q: %d items, want %d: %+v", c.q, len(items), c.n, items)
				continue
			}
			if c.n == 1 && (items[0].WebsiteNumber != c.number || (c.name != "" && items[0].WebsiteName != c.name) || items[0].Nature != "enterprise") {
				t.Errorf("%q: %+v", c.q, items[0])
			}
		}
	})
}

// TestRecordFlowsEditOnlyTheirPart: a change or cancellation edits its own
// part of the document, the rest stays as filed.
func TestRecordFlowsEditOnlyTheirPart(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		const subj = "京ICP备2026000001号"
		f.record(t, subj, "91110105MA00000012", f.owner.ID, storage.RecordActive, map[string][2]string{
			"hosted-here.cn": {storage.RecordActive, storage.RecordActive}})
		site := subj + "-1"

		// change_access: the access only.
		app, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Flow: filing.FlowChangeAccess, Record: site})
		if err != nil {
			t.Fatal(err)
		}
		doc := app.Document
		doc.Subject.Name = "改名"
		doc.Websites[0].Name = "改名网站"
		doc.Websites[0].Access = filing.Access{Method: "cloud", IPs: []string{"42.159.1.1"}, ServerLocation: "110000"}
		doc.Websites = append(doc.Websites, filing.Website{Domain: "extra.cn"})
		app, err = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc)
		if err != nil {
			t.Fatal(err)
		}
		if d := app.Document; d.Subject.Name != "北京记录公司" || len(d.Websites) != 1 || d.Websites[0].Name != "记录网站" || d.Websites[0].Access.IPs[0] != "42.159.1.1" {
			t.Errorf("change_access saved %+v", d)
		}
		if _, err := f.svc.Withdraw(f.ctx, f.owner, app.ID); err != nil {
			t.Fatal(err)
		}

		// change_subject: no websites.
		app, err = f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Flow: filing.FlowChangeSubject, Record: subj})
		if err != nil {
			t.Fatal(err)
		}
		doc = app.Document
		doc.Subject.Name = "北京新名字有限公司"
		doc.Websites = []filing.Website{{Domain: "sneaky.cn"}}
		if app, err = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc); err != nil || app.Document.Subject.Name != "北京新名字有限公司" || len(app.Document.Websites) != 0 {
			t.Errorf("change_subject saved %+v %v", app, err)
		}
		if _, err := f.svc.Withdraw(f.ctx, f.owner, app.ID); err != nil {
			t.Fatal(err)
		}

		// Cancellations: the type must be a cancellation, the reason given; only the reason is edited.
		if _, err := f.svc.StartCancellation(f.ctx, f.owner, filing.FlowChangeWebsite, site, "x"); code(err) != "validation_failed" {
			t.Errorf("a change as a cancellation: %v", err)
		}
		if _, err := f.svc.StartCancellation(f.ctx, f.owner, filing.FlowCancelWebsite, site, "  "); code(err) != "validation_failed" {
			t.Errorf("no reason: %v", err)
		}
		if _, err := f.svc.StartCancellation(f.ctx, f.owner, filing.FlowCancelWebsite, site, strings.Repeat("长", 501)); code(err) != "validation_failed" {
			t.Errorf("overlong reason: %v", err)
		}
		app, err = f.svc.StartCancellation(f.ctx, f.owner, filing.FlowCancelWebsite, site, " 网站停止运营 ")
		if err != nil || app.Flow != filing.FlowCancelWebsite || service.CancelReason(app.Document) != "网站停止运营" || app.RecordNumber != site {
			t.Fatalf("cancel_website: %+v %v", app, err)
		}
		if len(app.Violations) != 0 {
			t.Errorf("a cancellation with its reason has violations: %+v", app.Violations)
		}
		doc = app.Document
		doc.Websites[0].Name = "别的名字"
		doc.Websites[0].Remark = "迁移到其他接入商"
		if app, err = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc); err != nil || app.Document.Websites[0].Name != "记录网站" || service.CancelReason(app.Document) != "迁移到其他接入商" {
			t.Errorf("cancel_website saved %+v %v", app, err)
		}
		doc.Websites[0].Remark = ""
		app, _ = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc)
		if len(app.Violations) != 1 || app.Violations[0].Rule != "cancel.reason.missing" || app.Violations[0].Severity != filing.SeverityWarning {
			t.Errorf("missing reason: %+v", app.Violations)
		}
		// Nothing to attach: it submits.
		if app, err = f.svc.Submit(f.ctx, f.owner, app.ID); err != nil || app.State != "initial_review" {
			t.Errorf("submit cancel_website: %+v %v", app, err)
		}
		// Another account sees no such record.
		other, _ := f.svc.Register(f.ctx, service.RegisterInput{Email: "x@example.com", Phone: "13700002222", Password: "Str0ng-pass!"})
		if _, err := f.svc.StartCancellation(f.ctx, other, filing.FlowCancelSubject, subj, "x"); code(err) != "not_found" {
			t.Errorf("someone else's subject: %v", err)
		}
		// My filings: masked, with the open cancellation.
		fs, err := f.svc.Filings(f.ctx, f.owner)
		if err != nil || len(fs) != 1 || fs[0].OpenApplication != app.ID || fs[0].Subject.Leader.Mobile != "138****8000" || len(fs[0].Websites) != 1 {
			t.Errorf("filings: %+v %v", fs, err)
		}
		if fs, _ := f.svc.Filings(f.ctx, other); len(fs) != 0 {
			t.Errorf("someone else's filings: %+v", fs)
		}
	})
}

// TestNewWebsiteOfARegistrySubject: the subject entered must match the registry.
func TestNewWebsiteOfARegistrySubject(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		const cert = "91110105MA00000025"
		filed := filing.Subject{Province: "110000", Nature: "enterprise", CertType: "business_license", CertNumber: cert, Name: "别处公司",
			Leader: filing.Person{Name: "李四", CertType: "resident_id", CertNumber: "11010519900101123X", Mobile: "13800138000"}}
		f.reg.subjects["business_license|"+cert] = &service.RegistrySubject{Number: "京ICP备2019000001号", Subject: filed,
			Websites: []service.RegistryWebsite{{Number: "京ICP备2019000001号-1"}}}
		app, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: "new-site.cn", CertType: "business_license", CertNumber: cert})
		if err != nil || app.Flow != filing.FlowNewWebsite || app.Document.Subject.Name != "别处公司" || app.Document.Subject.Leader.CertNumber != "" {
			t.Fatalf("new_website of a registry subject: %+v %v", app, err)
		}
		mismatch := func(a *service.Application) []string {
			var out []string
			for _, v := range a.Violations {
				if v.Rule == "precheck.subject_mismatch" {
					out = append(out, v.Field)
				}
			}
			return out
		}
		cases := []struct {
			name string
			edit func(*filing.Subject)
			want string
		}{
			{"as filed", func(*filing.Subject) {}, ""},
			{"certificate x in lower case", func(s *filing.Subject) { s.Leader.CertNumber = "11010519900101123x" }, ""},
			{"other name", func(s *filing.Subject) { s.Name = "别处有限公司" }, "subject.name"},
			{"other leader", func(s *filing.Subject) { s.Leader.Name = "王五" }, "subject.leader.name"},
			{"other leader certificate", func(s *filing.Subject) { s.Leader.CertNumber = "110105199001011234" }, "subject.leader.cert_number"},
			{"other nature", func(s *filing.Subject) { s.Nature = "social_group" }, "subject.nature"},
		}
		for _, c := range cases {
			doc := app.Document
			doc.Subject = filed
			c.edit(&doc.Subject)
			got, err := f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if m := mismatch(got); strings.Join(m, ",") != c.want {
				t.Errorf("%s: mismatches %v, want %q", c.name, m, c.want)
			}
		}
	})
}

// TestNewAccessFromTheRegistry: a filing made through another provider
// belongs to no account here, so the applicant sees the flow and the
// subject's name only and enters the rest, which must match the filing
// (issue 12: the registry's leaders used to be copied into the draft).
func TestNewAccessFromTheRegistry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		const cert = "91110108MA01XK3NX8"
		leader := filing.Person{Name: "李四", CertType: "resident_id", CertNumber: "110108198503152312", CertValidUntil: "long_term",
			OfficePhone: "010-62345678", Mobile: "13910001234", Email: "lisi@example.com"}
		filed := filing.Subject{Province: "110000", City: "110100", County: "110105", Nature: "enterprise", CertType: "business_license",
			CertNumber: cert, Name: "北京别处科技有限公司", CertAddress: "北京市朝阳区酒仙桥路10号", MailingAddress: "北京市朝阳区酒仙桥路10号院3号楼501室",
			Leader: leader} // no investor: the filed record breaks a rule the applicant cannot fix here
		site := filing.Website{Name: "别处科技官网", Domain: "elsewhere.cn", HomepageURL: "www.elsewhere.cn", ContentTypes: []string{"corporate_portal"},
			Languages: []string{"zh-Hans"}, PreApprovals: []filing.PreApproval{}, Leader: leader}
		f.reg.subjects["business_license|"+cert] = &service.RegistrySubject{Number: "京ICP备2019000001号", Subject: filed,
			Websites: []service.RegistryWebsite{{Number: "京ICP备2019000001号-1"}}}
		f.reg.domains["elsewhere.cn"] = &service.RegistryWebsite{Number: "京ICP备2019000001号-1", SubjectNumber: "京ICP备2019000001号",
			SubjectCertType: "business_license", SubjectCertNumber: cert, Website: site, Providers: []string{"另一家接入商"}}

		app, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: "elsewhere.cn", CertType: "business_license", CertNumber: cert})
		if err != nil || app.Flow != filing.FlowNewAccess || app.FromOwnRecord {
			t.Fatalf("new_access: %+v %v", app, err)
		}
		if d := app.Document; d.Subject.Name != filed.Name || d.Subject.Leader != (filing.Person{}) || d.Subject.CertAddress != "" ||
			d.Websites[0].Name != "" || d.Websites[0].Leader != (filing.Person{}) || d.Websites[0].Domain != "elsewhere.cn" {
			t.Errorf("pre-filled beyond the subject's name: %+v", d)
		}
		// The applicant enters the filed data; a leader that differs from the filing is an error.
		doc := app.Document
		doc.Subject = filed
		doc.Subject.Investor = filed.Name
		doc.Websites[0] = site
		doc.Websites[0].Leader.Name = "王五"
		doc.Websites[0].Access = filing.Access{Method: "cloud", IPs: []string{"42.159.1.1"}, ServerLocation: "110000"}
		app, err = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc)
		if err != nil {
			t.Fatal(err)
		}
		mismatch := false
		for _, v := range app.Violations {
			mismatch = mismatch || (v.Rule == "precheck.subject_mismatch" && v.Field == "websites[0].leader.name")
		}
		if !mismatch {
			t.Errorf("a website leader unlike the filing is not refused: %+v", app.Violations)
		}
		doc.Websites[0].Leader = leader
		app, err = f.svc.SaveDocument(f.ctx, f.owner, app.ID, doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range app.Violations {
			if v.Severity == filing.SeverityError {
				t.Errorf("the filed data as entered: %s %s", v.Rule, v.Field)
			}
		}
		if d := app.Document; d.Subject.Leader.Mobile != leader.Mobile || d.Websites[0].Access.IPs[0] != "42.159.1.1" {
			t.Errorf("what the applicant entered is not what they see: %+v", d)
		}
	})
}
