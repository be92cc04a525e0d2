package storage_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

func TestBureauRegistry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			sub := &storage.BureauSubject{Number: "京ICP备2019000001号", Province: "110000", CertType: "business_license", CertHash: "h1", Name: "甲", Data: "k1:x", Status: storage.BureauActive, Source: "seed"}
			if ok, err := tx.InsertBureauSubject(ctx, sub); !ok || err != nil {
				t.Fatalf("insert: %v %v", ok, err)
			}
			if ok, err := tx.InsertBureauSubject(ctx, sub); ok || err != nil {
				t.Fatalf("second insert: %v %v", ok, err)
			}
			w := &storage.BureauWebsite{Number: "京ICP备2019000001号-4", SubjectNumber: sub.Number, Domain: "a.cn", Name: "站", Data: "k1:y", Providers: []string{"P"}, Status: storage.BureauActive, Source: "seed"}
			if ok, err := tx.InsertBureauWebsite(ctx, w); !ok || err != nil {
				t.Fatalf("insert website: %v %v", ok, err)
			}
			if err := tx.RaiseBureauWebsiteSerial(ctx, sub.Number, 4); err != nil {
				return err
			}
			if err := tx.RaiseBureauWebsiteSerial(ctx, sub.Number, 2); err != nil { // never lowers
				return err
			}
			for want := 5; want <= 6; want++ {
				if n, err := tx.TakeBureauWebsiteSerial(ctx, sub.Number); n != want || err != nil {
					t.Fatalf("serial = %d, %v; want %d", n, err, want)
				}
			}
			w.Status, w.Providers = storage.BureauNoAccess, nil
			if err := tx.UpdateBureauWebsite(ctx, w); err != nil {
				return err
			}
			if err := tx.UpdateBureauWebsite(ctx, &storage.BureauWebsite{Number: "none"}); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("update missing website: %v", err)
			}
			if err := tx.AddBureauBlacklist(ctx, "bad"); err != nil {
				return err
			}
			if err := tx.AddBureauBlacklist(ctx, "bad"); err != nil {
				return err
			}
			if b, _ := tx.BureauBlacklisted(ctx, "ok", "bad"); !b {
				t.Error("blacklist miss")
			}
			if b, _ := tx.BureauBlacklisted(ctx, "ok"); b {
				t.Error("blacklist false hit")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		subs, err := s.BureauSubjectsByCert(ctx, "h1")
		if err != nil || len(subs) != 1 || subs[0].NextWebsite != 7 || subs[0].Name != "甲" {
			t.Fatalf("by cert: %+v %v", subs, err)
		}
		sites, err := s.BureauWebsitesByDomain(ctx, "a.cn")
		if err != nil || len(sites) != 1 || sites[0].Status != storage.BureauNoAccess || len(sites[0].Providers) != 0 {
			t.Fatalf("by domain: %+v %v", sites, err)
		}
		if _, err := s.BureauSubjectByNumber(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("missing subject: %v", err)
		}
	})
}

// Counters hand out each value once, even to concurrent transactions.
func TestBureauCounterConcurrent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		seen := map[int64]bool{}
		var wg sync.WaitGroup
		for g := 0; g < 6; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					var n int64
					if err := s.Tx(ctx, func(tx *storage.Tx) error {
						var err error
						n, err = tx.NextBureauCounter(ctx, "subject:京:2026")
						return err
					}); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("counter value %d twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for i := int64(1); i <= 60; i++ {
			if !seen[i] {
				t.Errorf("value %d skipped", i)
			}
		}
	})
}

func TestBureauSubmissionsAndSMS(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := s.Now().Truncate(time.Millisecond)
		err := s.Tx(ctx, func(tx *storage.Tx) error {
			for i, id := range []string{"s1", "s2"} {
				if err := tx.CreateBureauSubmission(ctx, &storage.BureauSubmission{ID: id, ApplicationID: "app", Flow: "first_filing", Province: "110000",
					Payload: "k1:p", State: storage.SubmissionSMS, SubmittedAt: now.Add(time.Duration(i) * time.Second), SMSDeadline: now.Add(24 * time.Hour)}); err != nil {
					return err
				}
			}
			for i := 0; i < 2; i++ {
				if err := tx.InsertBureauSMS(ctx, &storage.BureauSMS{SubmissionID: "s2", Idx: i, Role: "website_leader", Website: i, MobileSealed: "k1:m",
					MobileHash: "mh", MobileMasked: "138****8000", CertHashes: []string{"c1", "c2"}, CodeHash: "code", Status: "pending"}); err != nil {
					return err
				}
			}
			if err := tx.SetBureauSMSStatus(ctx, "s2", 0, "confirmed", now); err != nil {
				return err
			}
			return tx.SetBureauSMSStatus(ctx, "s2", -1, "expired", time.Time{}) // only the pending one
		})
		if err != nil {
			t.Fatal(err)
		}
		latest, err := s.LatestBureauSubmission(ctx, "app")
		if err != nil || latest.ID != "s2" || !latest.SMSDeadline.Equal(now.Add(24*time.Hour)) {
			t.Fatalf("latest %+v %v", latest, err)
		}
		sms, err := s.BureauSMSList(ctx, "s2")
		if err != nil || len(sms) != 2 || sms[0].Status != "confirmed" || !sms[0].ConfirmedAt.Equal(now) || sms[1].Status != "expired" || sms[1].CertHashes[1] != "c2" {
			t.Fatalf("sms %+v %v", sms, err)
		}
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			sub, err := tx.LatestBureauSubmissionForUpdate(ctx, "app")
			if err != nil {
				return err
			}
			sub.State, sub.WrongAttempts, sub.Reason = storage.SubmissionReturned, 5, `{"zh":"退回"}`
			return tx.UpdateBureauSubmission(ctx, sub)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := s.LatestBureauSubmission(ctx, "app")
		if got.State != storage.SubmissionReturned || got.WrongAttempts != 5 {
			t.Errorf("after update %+v", got)
		}
		if list, _ := s.BureauSubmissionsInState(ctx, storage.SubmissionSMS); len(list) != 1 || list[0].ID != "s1" {
			t.Errorf("in state sms: %+v", list)
		}
		if _, err := s.LatestBureauSubmission(ctx, "none"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("no submission: %v", err)
		}
		if _, err := s.DebugDump(ctx, "bureau_sms; DROP TABLE x"); err == nil {
			t.Error("DebugDump took a bad table name")
		}
	})
}
