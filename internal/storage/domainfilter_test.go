package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// addWebsite writes a registry website of domain in one transaction.
func addWebsite(t *testing.T, s *storage.Store, n int, domain string) {
	t.Helper()
	err := s.Tx(context.Background(), func(tx *storage.Tx) error {
		if _, err := tx.InsertBureauSubject(context.Background(), &storage.BureauSubject{Number: fmt.Sprintf("京ICP备2019%06d号", n), Province: "110000",
			CertType: "business_license", CertHash: fmt.Sprint("h", n), Name: "甲", Data: "k1:x", Status: storage.BureauActive, Source: "seed"}); err != nil {
			return err
		}
		_, err := tx.InsertBureauWebsite(context.Background(), &storage.BureauWebsite{Number: fmt.Sprintf("京ICP备2019%06d号-1", n),
			SubjectNumber: fmt.Sprintf("京ICP备2019%06d号", n), Domain: domain, Name: "站", Data: "k1:y", Status: storage.BureauActive, Source: "seed"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("not within 5 s: %s", what)
}

// TestDomainFilter: the filter's "no" is exact — a domain written by this
// store is known at once after its commit, one written before the filter
// was built is known from the scan, and a domain nobody wrote is not.
func TestDomainFilter(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if !s.DomainMayBeKnown("never.cn") {
			t.Fatal("an unstarted filter must say maybe")
		}
		addWebsite(t, s, 1, "before.cn")
		s.StartDomainFilter(ctx, slog.New(slog.DiscardHandler))
		if err := s.DomainFilterReady(ctx); err != nil {
			t.Fatal(err)
		}
		if !s.SeesOtherInstances() {
			t.Error("a store whose write feed runs must say it sees other instances' writes")
		}
		if !s.DomainMayBeKnown("before.cn") {
			t.Error("a domain written before the build is unknown")
		}
		if s.DomainMayBeKnown("never.cn") {
			t.Error("a domain nobody wrote is a maybe (a false positive at 1 in 100 is possible but not for this name)")
		}
		if !s.SubjectMayBeKnown("h1") || s.SubjectMayBeKnown("h-never") {
			t.Error("subject hashes: the scanned one must be a maybe, one nobody wrote a no")
		}
		addWebsite(t, s, 2, "after.cn")
		if !s.SubjectMayBeKnown("h2") {
			t.Error("a subject this store committed is unknown right after the commit")
		}
		if !s.DomainMayBeKnown("after.cn") {
			t.Error("a domain this store committed is unknown right after the commit")
		}
		// A rolled-back write leaves at most a maybe, never a wrong no.
		_ = s.Tx(ctx, func(tx *storage.Tx) error {
			_, _ = tx.InsertBureauWebsite(ctx, &storage.BureauWebsite{Number: "京ICP备2019999999号-1", SubjectNumber: "京ICP备2019999999号",
				Domain: "rolled.cn", Name: "站", Data: "k1:y", Status: storage.BureauActive, Source: "seed"})
			return fmt.Errorf("roll back")
		})
	})
}

// TestDomainFilterAcrossInstances: another instance's commit reaches this
// instance — on PostgreSQL through the notification channel, on SQLite
// (another process on the same file) through the polled write counters:
// its domains reach the filter and its record writes move the
// generations the caches trust. On PostgreSQL, when the listener's
// connection is cut the filter says maybe until it has rebuilt, learning
// what was written meanwhile, and every cached answer is dropped.
func TestDomainFilterAcrossInstances(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, u string) { filterAcrossInstances(t, u) })
}

func filterAcrossInstances(t *testing.T, u string) {
	ctx := context.Background()
	a, b := storagetest.OpenURL(t, u, clock.Running(clock.TestNow())), storagetest.OpenURL(t, u, clock.Running(clock.TestNow()))
	if a.SeesOtherInstances() {
		t.Error("a store that does not listen cannot see other instances' writes")
	}
	a.StartDomainFilter(ctx, slog.New(slog.DiscardHandler))
	if err := a.DomainFilterReady(ctx); err != nil {
		t.Fatal(err)
	}
	if !a.SeesOtherInstances() {
		t.Error("a listening store must say it sees other instances' writes")
	}
	gen, agen := a.PublicGeneration(), a.ApplicationsGeneration()
	addWebsite(t, b, 1, "other-instance.cn")
	eventually(t, "another instance's domain known", func() bool {
		return a.SeesOtherInstances() && a.DomainMayBeKnown("other-instance.cn")
	})
	// The registry write of the other instance drops this one's cached
	// public answers; no application was written.
	eventually(t, "another instance's registry write counted", func() bool { return a.PublicGeneration() > gen })
	if a.ApplicationsGeneration() != agen {
		t.Error("a registry write counted as an application write")
	}
	// This instance's own writes are not taken for another's: the filter
	// stays built (no rebuild after each commit).
	addWebsite(t, a, 3, "own-write.cn")
	time.Sleep(600 * time.Millisecond) // two polls on SQLite
	if !a.SeesOtherInstances() || !a.DomainMayBeKnown("own-write.cn") || a.DomainMayBeKnown("never-written.cn") {
		t.Error("the instance's own write took the filter down")
	}
	if !a.Postgres() {
		return
	}
	gen, agen = a.PublicGeneration(), a.ApplicationsGeneration()

	// Cut the listener: the filter must not answer from a filter that
	// missed notifications.
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pid := a.ListenerPID()
	if pid == 0 {
		t.Fatal("no listener")
	}
	if _, err := db.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	// Every cached answer is dropped: notifications may have been missed.
	eventually(t, "generations moved after the listener was cut", func() bool {
		return a.PublicGeneration() > gen && a.ApplicationsGeneration() > agen
	})
	addWebsite(t, b, 2, "during-outage.cn")
	eventually(t, "rebuilt with the domain written during the outage", func() bool {
		return a.DomainFilterReady(ctx) == nil && a.DomainMayBeKnown("during-outage.cn")
	})
	if a.DomainMayBeKnown("never-written.cn") {
		t.Error("rebuilt filter says maybe to a domain nobody wrote")
	}
}
