package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"beian/internal/filing"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func TestApplications(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mkAccount(t, s, "u1", "u1@example.com", "p1")
		mkAccount(t, s, "u2", "u2@example.com", "p2")
		now := time.UnixMilli(1_780_000_000_000).UTC()
		mk := func(id, owner, cert string, domains ...string) *storage.Application {
			a := &storage.Application{ID: id, OwnerID: owner, Flow: "first_filing", State: "draft", Open: true,
				SubjectCertType: "business_license", SubjectCertHash: cert, Document: "sealed", Domains: domains,
				MobileHashes: map[string]string{"subject_leader": "m-" + id}, CreatedAt: now, UpdatedAt: now}
			now = now.Add(time.Second)
			if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.CreateApplication(ctx, a) }); err != nil {
				t.Fatalf("create %s: %v", id, err)
			}
			return a
		}
		mk("a1", "u1", "c1", "one.cn", "two.cn")
		mk("a2", "u1", "c2", "three.cn")
		mk("b1", "u2", "c3", "four.cn")

		list, err := s.ApplicationsByOwner(ctx, "u1")
		if err != nil || len(list) != 2 || list[0].ID != "a2" || list[1].ID != "a1" {
			t.Fatalf("list newest first: %v %v", ids(list), err)
		}
		if d := list[1].Domains; len(d) != 2 || d[0] != "one.cn" || d[1] != "two.cn" {
			t.Errorf("domains: %v", d)
		}
		if open, _ := s.OpenApplicationsByDomain(ctx, "two.cn"); len(open) != 1 || open[0].ID != "a1" {
			t.Errorf("open by domain: %+v", open)
		}
		if open, _ := s.OpenApplicationsBySubject(ctx, "c3"); len(open) != 1 || open[0].OwnerID != "u2" {
			t.Errorf("open by subject: %+v", open)
		}
		if mo, _ := s.MobileOwners(ctx, "m-a2"); len(mo) != 1 || mo[0].OwnerID != "a2" {
			t.Errorf("mobile owners: %+v", mo)
		}

		// Optimistic locking: an update from a stale read is refused.
		var stale *storage.Application
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			a, err := tx.ApplicationForUpdate(ctx, "a1")
			if err != nil {
				return err
			}
			cp := *a
			stale = &cp
			a.State, a.Open, a.Domains = "withdrawn", false, []string{"one.cn"}
			return tx.UpdateApplication(ctx, a)
		})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Tx(ctx, func(tx *storage.Tx) error { return tx.UpdateApplication(ctx, stale) })
		if !errors.Is(err, storage.ErrConflict) {
			t.Errorf("stale update: %v", err)
		}
		got, err := s.Application(ctx, "a1")
		if err != nil || got.State != "withdrawn" || got.Open || got.Version != 2 || len(got.Domains) != 1 {
			t.Fatalf("after update: %+v %v", got, err)
		}
		if open, _ := s.OpenApplicationsByDomain(ctx, "one.cn"); len(open) != 0 {
			t.Errorf("closed application still open by domain: %+v", open)
		}
		if _, err := s.Application(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown: %v", err)
		}

		// History and attachments.
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			for _, to := range []string{"initial_review", "initial_rejected"} {
				if err := tx.AddTransition(ctx, &storage.Transition{ApplicationID: "a2", At: now, ActorRole: "applicant", Event: "e", From: "x", To: to,
					Reasons: []filing.Reason{{Field: "subject.name", Message: "m"}}}); err != nil {
					return err
				}
			}
			for i, k := range []string{"subject_leader_id", "verification_form"} {
				if err := tx.CreateAttachment(ctx, &storage.Attachment{ID: k, ApplicationID: "a2", Kind: k, Website: i - 1, BlobKey: "app/a2/" + k,
					Bytes: 10, Width: 600, Height: 400, SHA256: "s", CreatedAt: now.Add(time.Duration(i) * time.Second)}); err != nil {
					return err
				}
			}
			return tx.Audit(ctx, &storage.AuditEntry{At: now, ActorID: "u1", Action: "application.submit", ObjectType: "application", ObjectID: "a2", IP: "192.0.2.1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		hist, err := s.Transitions(ctx, "a2")
		if err != nil || len(hist) != 2 || hist[0].Seq != 1 || hist[1].To != "initial_rejected" || hist[1].Reasons[0].Field != "subject.name" {
			t.Fatalf("history: %+v %v", hist, err)
		}
		atts, err := s.Attachments(ctx, "a2")
		if err != nil || len(atts) != 2 || atts[1].Website != 0 {
			t.Fatalf("attachments: %+v %v", atts, err)
		}
		if _, err := s.Attachment(ctx, "b1", "verification_form"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("attachment through another application: %v", err)
		}
		if err := s.Tx(ctx, func(tx *storage.Tx) error { return tx.DeleteAttachment(ctx, "a2", "verification_form") }); err != nil {
			t.Fatal(err)
		}
		if atts, _ := s.Attachments(ctx, "a2"); len(atts) != 1 {
			t.Errorf("after delete: %d", len(atts))
		}
		log, err := s.AuditLog(ctx, storage.AuditFilter{ObjectID: "a2"})
		if err != nil || len(log) != 1 || log[0].Action != "application.submit" {
			t.Errorf("audit: %+v %v", log, err)
		}
	})
}

func ids(as []*storage.Application) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func TestOpenApplicationsForInTx(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		mkAccount(t, s, "u1", "u1@example.com", "p1")
		now := s.Now()
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.LockKey(ctx, "subject:c1"); err != nil {
				return err
			}
			if err := tx.CreateApplication(ctx, &storage.Application{ID: "a1", OwnerID: "u1", Flow: "first_filing", State: "draft", Open: true,
				SubjectCertHash: "c1", Document: "x", Domains: []string{"one.cn"}, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
			bs, bd, err := tx.OpenApplicationsFor(ctx, "c1", []string{"one.cn"})
			if err != nil || len(bs) != 1 || len(bd) != 1 || bs[0].ID != "a1" || bs[0].OwnerID != "u1" || bd[0].State != "draft" {
				t.Errorf("in tx: %+v %+v %v", bs, bd, err)
			}
			bs, bd, err = tx.OpenApplicationsFor(ctx, "c2", []string{"two.cn", ""})
			if err != nil || len(bs) != 0 || len(bd) != 0 {
				t.Errorf("others: %+v %+v %v", bs, bd, err)
			}
			if n, err := tx.CountDrafts(ctx, "u1"); err != nil || n != 1 {
				t.Errorf("drafts of u1: %d %v", n, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
