package service_test

import (
	"testing"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
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
		f.record(t, number, "91110105MA0000042X", f.owner.ID, storage.RecordActive, map[string][2]string{"cached.cn": {storage.RecordActive, ""}})
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
