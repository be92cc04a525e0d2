package service_test

import (
	"log/slog"
	"testing"
	"time"

	"beian/internal/bureau"
	"beian/internal/config"
	"beian/internal/filing"
	"beian/internal/notify"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/workdays"
)

// TestPublicLookupCacheInvalidation: an answer the lookup has just given
// (so cached) changes at once when this instance commits a record: a
// number not found, then approved; a website found, then cancelled.
func TestPublicLookupCacheInvalidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		lookup := func(q string) int {
			t.Helper()
			items, err := f.svc.PublicLookup(f.ctx, q)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return len(items)
		}
		const number = "京ICP备2026000042号"
		for range 2 { // the second answer from the cache
			if n := lookup(number); n != 0 {
				t.Fatalf("before the record: %d items", n)
			}
		}
		f.record(t, number, "91110105MA00000429", f.owner.ID, storage.RecordActive, map[string][2]string{"cached.cn": {storage.RecordActive, ""}})
		if n := lookup(number); n != 1 {
			t.Errorf("a new record behind a cached empty answer: %d items", n)
		}
		if n := lookup("www.cached.cn"); n != 1 {
			t.Fatalf("domain: %d items", n)
		}
		// Cancel the website directly in the records.
		if n := lookup(number + "-1"); n != 1 {
			t.Fatalf("website number: %d items", n)
		}
		w, err := st.WebsiteRecordByNumber(f.ctx, number+"-1")
		if err != nil {
			t.Fatal(err)
		}
		w.Status = storage.RecordCancelled
		if err := st.Tx(f.ctx, func(tx *storage.Tx) error { return tx.PutWebsiteRecord(f.ctx, w) }); err != nil {
			t.Fatal(err)
		}
		if n := lookup("cached.cn"); n != 0 {
			t.Errorf("a cancelled website behind a cached answer: %d items", n)
		}
		if n := lookup(number + "-1"); n != 0 {
			t.Errorf("a cancelled website by number: %d items", n)
		}
	})
}

// TestPrecheckCacheInvalidation: with the bureau simulator as the registry
// the pre-check caches what the records say about a certificate and a
// domain; a record committed on this instance is seen by the next
// pre-check at once.
func TestPrecheckCacheInvalidation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		// With the store's filter of known names on, as the server runs:
		// its "nobody holds this" must turn as the data does.
		st.StartDomainFilter(f.ctx, slog.New(slog.DiscardHandler))
		if err := st.DomainFilterReady(f.ctx); err != nil {
			t.Fatal(err)
		}
		cfg := config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test"}
		cal, err := workdays.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		notifier, err := notify.New(cfg, st, f.seal)
		if err != nil {
			t.Fatal(err)
		}
		sim, err := bureau.NewSimulator(bureau.Options{Store: st, Sealer: f.seal, Calendar: cal, Notifier: notifier, Mode: bureau.ModeAuto})
		if err != nil {
			t.Fatal(err)
		}
		v, err := rules.New(cfg.Provider)
		if err != nil {
			t.Fatal(err)
		}
		svc := service.New(service.Deps{Store: st, Sealer: f.seal, Rules: v, Config: cfg, Calendar: cal, Bureau: sim, SMS: sim, Console: sim,
			Registry: service.CachedRegistry(service.BureauRegistry(sim), 2*time.Second, 64, st.PublicGeneration), RegistryKeys: sim.RegistryKeys,
			Now: func() time.Time { return f.now }})
		const cert = "91110105MA0000077U"
		in := service.PrecheckInput{Domain: "pc-cache.cn", CertType: "business_license", CertNumber: cert}
		for range 2 { // the second from the cache
			res, err := svc.Precheck(f.ctx, f.owner, in)
			if err != nil || res.Flow != filing.FlowFirstFiling {
				t.Fatalf("before the record: %+v %v", res, err)
			}
		}
		f.record(t, "京ICP备2026000077号", cert, f.owner.ID, storage.RecordActive, map[string][2]string{"pc-cache.cn": {storage.RecordActive, storage.RecordActive}})
		if _, err := svc.Precheck(f.ctx, f.owner, in); code(err) != "precheck.already_filed_here" {
			t.Errorf("a filed domain behind cached facts: %v", err)
		}
		in.Domain = "pc-cache-2.cn"
		if res, err := svc.Precheck(f.ctx, f.owner, in); err != nil || res.Flow != filing.FlowNewWebsite || res.Subject == nil {
			t.Errorf("a new website of the filed subject: %+v %v", res, err)
		}

		// The open-application answers are cached too, and an application
		// created on this instance is seen by the next pre-check at once:
		// by its subject with another domain, by its domain with another subject.
		const other = "91110105MA00000880"
		fresh := service.PrecheckInput{Domain: "pc-open.cn", CertType: "business_license", CertNumber: other}
		for range 2 {
			if res, err := svc.Precheck(f.ctx, f.owner, fresh); err != nil || res.Flow != filing.FlowFirstFiling {
				t.Fatalf("before the application: %+v %v", res, err)
			}
		}
		probe := service.PrecheckInput{Domain: "pc-open-2.cn", CertType: "business_license", CertNumber: other}
		if _, err := svc.Precheck(f.ctx, f.owner, probe); err != nil {
			t.Fatal(err) // caches "no open application" for the subject
		}
		if _, err := svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: fresh.Domain, CertType: fresh.CertType, CertNumber: fresh.CertNumber}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Precheck(f.ctx, f.owner, probe); code(err) != "precheck.subject_in_progress" {
			t.Errorf("the subject's open application behind a cached answer: %v", err)
		}
		byDomain := service.PrecheckInput{Domain: fresh.Domain, CertType: "business_license", CertNumber: "91110105MA00000994"}
		if _, err := svc.Precheck(f.ctx, f.owner, byDomain); code(err) != "precheck.domain_in_progress" {
			t.Errorf("the domain's open application: %v", err)
		}
	})
}
