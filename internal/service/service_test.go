package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"beian/internal/blob"
	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/filing"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

type fixture struct {
	svc   *service.Service
	st    *storage.Store
	seal  *pii.Sealer
	reg   *fakeRegistry
	ctx   context.Context
	now   time.Time
	owner *service.Account
}

func newFixture(t *testing.T, st *storage.Store) *fixture {
	t.Helper()
	seal, err := pii.New(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test", RateLimits: true}
	v, err := rules.New(cfg.Provider)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.Open(context.Background(), "file:"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, seal: seal, reg: &fakeRegistry{subjects: map[string]*service.RegistrySubject{}, domains: map[string]*service.RegistryWebsite{}},
		ctx: context.Background(), now: time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)}
	f.svc = service.New(service.Deps{Store: st, Sealer: seal, Rules: v, Blobs: blobs, Config: cfg, Registry: f.reg,
		Now: func() time.Time { return f.now }})
	f.owner, err = f.svc.Register(f.ctx, service.RegisterInput{Email: "owner@example.com", Phone: "13700001111", Password: "Str0ng-pass!"})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

type fakeRegistry struct {
	subjects map[string]*service.RegistrySubject // by cert type|number
	domains  map[string]*service.RegistryWebsite
}

func (r *fakeRegistry) LookupSubject(_ context.Context, certType, certNumber string) (*service.RegistrySubject, error) {
	return r.subjects[certType+"|"+certNumber], nil
}

func (r *fakeRegistry) LookupDomain(_ context.Context, domain string) (*service.RegistryWebsite, error) {
	return r.domains[domain], nil
}

func (f *fixture) sealed(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return f.seal.SealBytes(b)
}

// record files a subject with websites here; access says whether each is hosted here.
func (f *fixture) record(t *testing.T, number, certNumber, owner string, subjectStatus string, sites map[string][2]string) {
	t.Helper()
	err := f.st.Tx(f.ctx, func(tx *storage.Tx) error {
		sub := filing.Subject{Province: "110000", Nature: "enterprise", CertType: "business_license", CertNumber: certNumber, Name: "北京记录公司",
			Leader: filing.Person{Name: "王五", CertType: "resident_id", CertNumber: "110105199001011234", Mobile: "13800138000"}}
		sr := &storage.SubjectRecord{Number: number, OwnerID: owner, Province: "110000", Nature: "enterprise", CertType: "business_license",
			CertHash: f.seal.Hash("business_license|" + certNumber), Name: sub.Name, Status: subjectStatus, Data: f.sealed(t, sub), UpdatedAt: f.now}
		if err := tx.PutSubjectRecord(f.ctx, sr); err != nil {
			return err
		}
		i := 0
		for domain, st := range sites {
			i++
			w := &storage.WebsiteRecord{SubjectID: sr.ID, Number: number + "-" + string(rune('0'+i)), Domain: domain, Name: "记录网站", Status: st[0],
				Data: f.sealed(t, filing.Website{Name: "记录网站", Domain: domain}), UpdatedAt: f.now}
			if err := tx.PutWebsiteRecord(f.ctx, w); err != nil {
				return err
			}
			if st[1] != "" {
				if err := tx.PutAccessRecord(f.ctx, &storage.AccessRecord{WebsiteID: w.ID, Status: st[1], Data: "{}", UpdatedAt: f.now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return fault.As(err).Code
}

// TestPrecheckDecisionTable follows workflow.md "Choosing the flow" against
// Beian's own records and the registry.
func TestPrecheckDecisionTable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		const here, elsewhere, shell, cancelled = "91110105MA00000012", "91110105MA00000025", "91110105MA00000038", "91110105MA0000004B"
		f.record(t, "京ICP备2026000001号", here, f.owner.ID, storage.RecordActive, map[string][2]string{
			"hosted-here.cn": {storage.RecordActive, storage.RecordActive}, "left-here.cn": {storage.RecordNoAccess, storage.RecordCancelled}})
		f.record(t, "京ICP备2026000002号", shell, "", storage.RecordActive, map[string][2]string{"gone.cn": {storage.RecordCancelled, storage.RecordCancelled}})
		f.record(t, "京ICP备2026000003号", cancelled, "", storage.RecordCancelled, map[string][2]string{})
		f.reg.subjects["business_license|"+elsewhere] = &service.RegistrySubject{Number: "京ICP备2019000001号",
			Subject:  filing.Subject{Name: "别处公司", CertType: "business_license", CertNumber: elsewhere, Leader: filing.Person{CertNumber: "110105199001011234", Mobile: "13800138000"}},
			Websites: []service.RegistryWebsite{{Number: "京ICP备2019000001号-1"}}}
		f.reg.domains["hosted-elsewhere.cn"] = &service.RegistryWebsite{Number: "京ICP备2019000001号-1", SubjectCertType: "business_license",
			SubjectCertNumber: elsewhere, Website: filing.Website{Name: "别处网站", Domain: "hosted-elsewhere.cn"}, Providers: []string{"另一家公司"}}
		f.reg.domains["also-hosted-here.cn"] = &service.RegistryWebsite{Number: "京ICP备2019000001号-2", SubjectCertType: "business_license",
			SubjectCertNumber: elsewhere, Providers: []string{config.DefaultProvider().Name}}

		cases := []struct {
			name, domain, cert, flow, code string
		}{
			{"unknown both", "brand-new.cn", "91110105MA0000009T", "first_filing", ""},
			{"domain filed here by another subject", "hosted-here.cn", "91110105MA0000009T", "", "precheck.domain_filed_by_other"},
			{"subject here, new domain", "brand-new.cn", here, "new_website", ""},
			{"subject and domain here, hosted here", "hosted-here.cn", here, "", "precheck.already_filed_here"},
			{"subject and domain here, access cancelled", "left-here.cn", here, "new_access", ""},
			{"subject elsewhere, new domain", "brand-new.cn", elsewhere, "new_website", ""},
			{"subject and domain elsewhere", "hosted-elsewhere.cn", elsewhere, "new_access", ""},
			{"registry: already hosted by this provider", "also-hosted-here.cn", elsewhere, "", "precheck.already_filed_here"},
			{"registry domain, other subject", "hosted-elsewhere.cn", here, "", "precheck.domain_filed_by_other"},
			{"empty shell subject counts as unknown", "brand-new.cn", shell, "first_filing", ""},
			{"cancelled subject counts as unknown", "brand-new.cn", cancelled, "first_filing", ""},
		}
		for _, c := range cases {
			res, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: c.domain, CertType: "business_license", CertNumber: c.cert})
			if code(err) != c.code {
				t.Errorf("%s: error %v, want %q", c.name, err, c.code)
				continue
			}
			if err == nil && res.Flow != c.flow {
				t.Errorf("%s: flow %s, want %s", c.name, res.Flow, c.flow)
			}
		}

		// Records of others and of the registry are shown as the subject's
		// name only (issue 12: the leader's name, email, phones, addresses
		// and ID digits used to show).
		res, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "brand-new.cn", CertType: "business_license", CertNumber: elsewhere})
		if err != nil || res.Subject == nil || res.Website != nil || res.Subject.Name == "" || *res.Subject != (filing.Subject{Name: res.Subject.Name}) {
			t.Errorf("registry subject shown beyond its name: %+v %v", res, err)
		}
		// Another account's record filed here: the same — a stranger who
		// knows a public credit code learns the flow and the name, not the
		// leader's name, email, phones, addresses or ID digits (issue 12).
		stranger, err := f.svc.Register(f.ctx, service.RegisterInput{Email: "stranger@example.com", Phone: "13700003333", Password: "Str0ng-pass!"})
		if err != nil {
			t.Fatal(err)
		}
		res, err = f.svc.Precheck(f.ctx, stranger, service.PrecheckInput{Domain: "left-here.cn", CertType: "business_license", CertNumber: here})
		if err != nil || res.Flow != "new_access" || res.Website != nil || res.Subject == nil || *res.Subject != (filing.Subject{Name: "北京记录公司"}) {
			t.Errorf("another account's record shown beyond the subject's name: %+v %v", res, err)
		}
		sapp, err := f.svc.CreateApplication(f.ctx, stranger, service.CreateInput{Domain: "left-here.cn", CertType: "business_license", CertNumber: here})
		if err != nil || sapp.FromOwnRecord || sapp.Document.Subject.Leader != (filing.Person{}) || sapp.Document.Websites[0].Name != "" {
			t.Errorf("another account's record pre-filled: %+v %v", sapp, err)
		} else if _, err := f.svc.Withdraw(f.ctx, stranger, sapp.ID); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "left-here.cn", CertType: "business_license", CertNumber: here}); err != nil ||
			res.Subject == nil || res.Subject.Leader.Mobile != "13800138000" {
			t.Errorf("the owner's own record: %+v %v", res, err)
		}
		// The own record's subject pre-fills a new_website application in full.
		app, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: "brand-new.cn", CertType: "business_license", CertNumber: here})
		if err != nil || app.Flow != "new_website" || app.Document.Subject.Name != "北京记录公司" || app.Document.Subject.Leader.Mobile != "13800138000" {
			t.Fatalf("new_website application: %+v %v", app, err)
		}
		// Open applications block the subject and the domain.
		if _, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "other-new.cn", CertType: "business_license", CertNumber: here}); code(err) != "precheck.subject_in_progress" {
			t.Errorf("subject in progress: %v", err)
		}
		if _, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "brand-new.cn", CertType: "business_license", CertNumber: "91110105MA0000009T"}); code(err) != "precheck.domain_in_progress" {
			t.Errorf("domain in progress: %v", err)
		}
		// Withdrawing frees both.
		if app, err = f.svc.Withdraw(f.ctx, f.owner, app.ID); err != nil || app.State != "withdrawn" || len(app.History) != 1 {
			t.Fatalf("withdraw: %+v %v", app, err)
		}
		if _, err := f.svc.Withdraw(f.ctx, f.owner, app.ID); code(err) != "invalid_transition" {
			t.Errorf("withdraw twice: %v", err)
		}
		if res, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "brand-new.cn", CertType: "business_license", CertNumber: here}); err != nil || res.Flow != "new_website" {
			t.Errorf("after withdrawal: %+v %v", res, err)
		}
		// A subject change blocks new websites with its own code.
		chg, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Flow: "change_subject", Record: "京ICP备2026000001号"})
		if err != nil || chg.Document.Subject.CertNumber != here {
			t.Fatalf("change_subject: %+v %v", chg, err)
		}
		if _, err := f.svc.Precheck(f.ctx, f.owner, service.PrecheckInput{Domain: "brand-new.cn", CertType: "business_license", CertNumber: here}); code(err) != "precheck.subject_change_in_progress" {
			t.Errorf("subject change in progress: %v", err)
		}
		// Another account cannot start from this account's record.
		other, _ := f.svc.Register(f.ctx, service.RegisterInput{Email: "x@example.com", Phone: "13700002222", Password: "Str0ng-pass!"})
		if _, err := f.svc.CreateApplication(f.ctx, other, service.CreateInput{Flow: "change_website", Record: "京ICP备2026000001号-1"}); code(err) != "not_found" {
			t.Errorf("someone else's record: %v", err)
		}
	})
}

func TestAdminAndStaff(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		created, pw, err := f.svc.EnsureAdmin(f.ctx, "", "")
		if err != nil || !created || len(pw) < 10 {
			t.Fatalf("first admin: %v %q %v", created, pw, err)
		}
		if again, _, err := f.svc.EnsureAdmin(f.ctx, "other@example.com", "Str0ng-pass!"); err != nil || again {
			t.Errorf("second EnsureAdmin: %v %v", again, err)
		}
		sess, err := f.svc.Login(f.ctx, "admin@beian.local", pw, "192.0.2.9")
		if err != nil || sess.Account.Role != service.RoleAdmin {
			t.Fatalf("admin login: %+v %v", sess, err)
		}
		in := service.RegisterInput{Email: "rev@example.com", Password: "Str0ng-pass!", Name: "审核员"}
		if _, err := f.svc.CreateStaff(f.ctx, f.owner, in, service.RoleReviewer); !fault.Is(err, fault.Forbidden) {
			t.Errorf("applicant creating staff: %v", err)
		}
		if _, err := f.svc.CreateStaff(f.ctx, sess.Account, in, "superuser"); !fault.Is(err, fault.Invalid) {
			t.Errorf("bad role: %v", err)
		}
		rev, err := f.svc.CreateStaff(f.ctx, sess.Account, in, service.RoleReviewer)
		if err != nil || rev.Role != service.RoleReviewer || rev.Phone != "" {
			t.Fatalf("create reviewer: %+v %v", rev, err)
		}
		// Staff read applications (audited); applicants never read others'.
		app, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: "mine.cn", CertType: "business_license", CertNumber: "91110105MA0000009T"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.GetApplication(f.ctx, rev, app.ID); err != nil {
			t.Errorf("reviewer read: %v", err)
		}
		log, err := st.AuditLog(f.ctx, storage.AuditFilter{ActorID: rev.ID})
		if err != nil || len(log) != 1 || log[0].Action != "application.read" {
			t.Errorf("staff read not audited: %+v %v", log, err)
		}
		if _, err := f.svc.SaveDocument(f.ctx, rev, app.ID, app.Document); code(err) != "not_found" {
			t.Errorf("reviewer writing an applicant's document: %v", err)
		}
	})
}
