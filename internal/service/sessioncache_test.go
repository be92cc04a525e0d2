package service_test

import (
	"testing"
	"time"

	"beian/internal/fault"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestSessionCacheInvalidation: a session this instance has just used (so
// cached) ends at once on logout and on an admin's revocation; another
// instance on the same database honours the end within the cache's TTL.
func TestSessionCacheInvalidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		_, pw, err := f.svc.EnsureAdmin(f.ctx, "", "")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := f.svc.Login(f.ctx, "admin@beian.local", pw, "192.0.2.9")
		if err != nil {
			t.Fatal(err)
		}
		login := func() string {
			t.Helper()
			s, err := f.svc.Login(f.ctx, "owner@example.com", "Str0ng-pass!", "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			if a, err := f.svc.Authenticate(f.ctx, s.Token); err != nil || a.ID != f.owner.ID || a.Phone != "13700001111" {
				t.Fatalf("fresh session: %+v %v", a, err)
			}
			return s.Token
		}
		unauthorized := func(what, tok string, svc *service.Service) {
			t.Helper()
			if _, err := svc.Authenticate(f.ctx, tok); !fault.Is(err, fault.Unauthorized) {
				t.Errorf("%s: still authenticated (%v)", what, err)
			}
		}

		// Logout on this instance.
		tok := login()
		if err := f.svc.Logout(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
		unauthorized("after logout", tok, f.svc)

		// An admin's revocation ends every cached session of the account.
		t1, t2 := login(), login()
		if n, err := f.svc.RevokeSessions(f.ctx, admin.Account, f.owner.ID, "192.0.2.9"); err != nil || n != 2 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		unauthorized("revoked t1", t1, f.svc)
		unauthorized("revoked t2", t2, f.svc)
		if _, err := f.svc.Authenticate(f.ctx, admin.Token); err != nil {
			t.Errorf("another account's session after a revocation: %v", err)
		}

		// A second instance on the same database: it learns of a logout
		// elsewhere from the database, within the TTL.
		other := service.New(service.Deps{Store: st, Sealer: f.seal, Now: func() time.Time { return f.now }})
		tok = login()
		if _, err := other.Authenticate(f.ctx, tok); err != nil {
			t.Fatalf("session on the other instance: %v", err)
		}
		if err := f.svc.Logout(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
		unauthorized("logout, same instance", tok, f.svc)
		time.Sleep(2100 * time.Millisecond)
		unauthorized("logout elsewhere, after the TTL", tok, other)

		// An expired session is refused even when cached.
		tok = login()
		f.now = f.now.Add(service.SessionTTL + time.Second)
		unauthorized("expired", tok, f.svc)
	})
}
