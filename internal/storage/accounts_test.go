package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func mkAccount(t *testing.T, s *storage.Store, id, email, phoneHash string) *storage.Account {
	t.Helper()
	now := time.UnixMilli(1_780_000_000_000).UTC()
	a := &storage.Account{ID: id, Email: email, PhoneSealed: "sealed-" + id, PhoneHash: phoneHash, Name: "N",
		Role: "applicant", Lang: "zh", PasswordHash: "h", CreatedAt: now, UpdatedAt: now}
	if err := s.Tx(context.Background(), func(tx *storage.Tx) error { return tx.CreateAccount(context.Background(), a) }); err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
	return a
}

func TestAccounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := mkAccount(t, s, "a1", "a@example.com", "ph1")
		mkAccount(t, s, "s1", "staff1@example.com", "") // staff without phone
		mkAccount(t, s, "s2", "staff2@example.com", "") // a second NULL phone hash is no conflict

		got, err := s.AccountByEmail(ctx, "a@example.com")
		if err != nil || got.ID != "a1" || got.PhoneHash != "ph1" || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("by email: %+v %v", got, err)
		}
		if _, err := s.AccountByEmail(ctx, "nobody@example.com"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown email: %v", err)
		}
		for _, dup := range []*storage.Account{
			{ID: "x1", Email: "a@example.com", PhoneHash: "other", Role: "applicant", PasswordHash: "h"},
			{ID: "x2", Email: "b@example.com", PhoneHash: "ph1", Role: "applicant", PasswordHash: "h"},
		} {
			err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.CreateAccount(ctx, dup) })
			if !errors.Is(err, storage.ErrConflict) {
				t.Errorf("duplicate %s: want ErrConflict, got %v", dup.ID, err)
			}
		}
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			e, p, err := tx.AccountTaken(ctx, "a@example.com", "nope")
			if err != nil || !e || p {
				t.Errorf("taken email: %v %v %v", e, p, err)
			}
			e, p, err = tx.AccountTaken(ctx, "new@example.com", "ph1")
			if err != nil || e || !p {
				t.Errorf("taken phone: %v %v %v", e, p, err)
			}
			return tx.SetPassword(ctx, "a1", "h2", s.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.AccountByID(ctx, "a1"); got.PasswordHash != "h2" {
			t.Errorf("password not set: %q", got.PasswordHash)
		}
	})
}

func TestSessionsAndResets(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mkAccount(t, s, "a1", "a@example.com", "ph1")
		now := s.Now().UTC()
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.CreateSession(ctx, &storage.Session{TokenHash: "live", AccountID: "a1", Kind: "api", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				return err
			}
			if err := tx.CreateSession(ctx, &storage.Session{TokenHash: "old", AccountID: "a1", Kind: "api", CreatedAt: now, ExpiresAt: now.Add(-time.Second)}); err != nil {
				return err
			}
			return tx.CreatePasswordReset(ctx, &storage.PasswordReset{TokenHash: "r1", AccountID: "a1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)})
		})
		if err != nil {
			t.Fatal(err)
		}
		acc, sess, err := s.SessionAccount(ctx, "live", now)
		if err != nil || acc.ID != "a1" || acc.Email != "a@example.com" || sess.Kind != "api" {
			t.Fatalf("live session: %+v %+v %v", acc, sess, err)
		}
		if _, _, err := s.SessionAccount(ctx, "old", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired session answered: %v", err)
		}
		// A reset token works once.
		var id string
		if err := s.Tx(ctx, func(tx *storage.Tx) (err error) { id, err = tx.UsePasswordReset(ctx, "r1", now); return }); err != nil || id != "a1" {
			t.Fatalf("use reset: %q %v", id, err)
		}
		err = s.Tx(ctx, func(tx *storage.Tx) error { _, err := tx.UsePasswordReset(ctx, "r1", now); return err })
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("second use: %v", err)
		}
		if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.DeleteAccountSessions(ctx, "a1") }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionAccount(ctx, "live", now); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("revoked session answered: %v", err)
		}
	})
}
