package service_test

import (
	"testing"

	"beian/internal/fault"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestStaffDisableAndReset: an admin disables a reviewer (sessions end, no
// login), enables them again, and sets a new initial password (the old one
// and the old sessions stop working); never on their own account, and
// only admins.
func TestStaffDisableAndReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		if _, _, err := f.svc.EnsureAdmin(f.ctx, "admin@beian.test", "Admin-pass-2026"); err != nil {
			t.Fatal(err)
		}
		admin := mustLogin(t, f, "admin@beian.test", "Admin-pass-2026")
		rev, err := f.svc.CreateStaff(f.ctx, admin.Account, service.RegisterInput{Email: "rev@beian.test", Password: "Rev1ewer-pass"}, service.RoleReviewer)
		if err != nil {
			t.Fatal(err)
		}
		s := mustLogin(t, f, "rev@beian.test", "Rev1ewer-pass")

		if err := f.svc.SetStaffDisabled(f.ctx, s.Account, admin.Account.ID, true); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a reviewer disables an admin: %v", err)
		}
		if err := f.svc.SetStaffDisabled(f.ctx, admin.Account, admin.Account.ID, true); !fault.Is(err, fault.Invalid) {
			t.Errorf("an admin disables themself: %v", err)
		}
		if err := f.svc.SetStaffDisabled(f.ctx, admin.Account, f.owner.ID, true); !fault.Is(err, fault.NotFound) {
			t.Errorf("an applicant through the staff page: %v", err)
		}
		if err := f.svc.SetStaffDisabled(f.ctx, admin.Account, rev.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, s.Token); err == nil {
			t.Errorf("the disabled reviewer's session still works")
		}
		if _, err := f.svc.Login(f.ctx, "rev@beian.test", "Rev1ewer-pass", "127.0.0.1"); err == nil {
			t.Errorf("a disabled reviewer logs in")
		}
		list, _ := f.svc.StaffAccounts(f.ctx, admin.Account)
		for _, a := range list {
			if a.ID == rev.ID && !a.Disabled {
				t.Errorf("the staff list does not show the account disabled")
			}
		}
		if err := f.svc.SetStaffDisabled(f.ctx, admin.Account, rev.ID, false); err != nil {
			t.Fatal(err)
		}
		s = mustLogin(t, f, "rev@beian.test", "Rev1ewer-pass")

		if err := f.svc.ResetStaffPassword(f.ctx, admin.Account, rev.ID, "short"); !fault.Is(err, fault.Invalid) {
			t.Errorf("a weak new password: %v", err)
		}
		if err := f.svc.ResetStaffPassword(f.ctx, admin.Account, rev.ID, "New-Rev1ewer-pass"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Authenticate(f.ctx, s.Token); err == nil {
			t.Errorf("the session before the reset still works")
		}
		if _, err := f.svc.Login(f.ctx, "rev@beian.test", "Rev1ewer-pass", "127.0.0.1"); err == nil {
			t.Errorf("the old password still works")
		}
		mustLogin(t, f, "rev@beian.test", "New-Rev1ewer-pass")
	})
}

func mustLogin(t *testing.T, f *fixture, email, pw string) *service.Session {
	t.Helper()
	s, err := f.svc.Login(f.ctx, email, pw, "127.0.0.1")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return s
}
