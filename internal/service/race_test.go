package service_test

import (
	"sync"
	"testing"

	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestCreateRace: many simultaneous creations for one subject and domain
// open exactly one application; the others get the pre-check's refusal.
func TestCreateRace(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, st *storage.Store) {
		f := newFixture(t, st)
		const n = 8
		var wg sync.WaitGroup
		codes := make([]string, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.CreateApplication(f.ctx, f.owner, service.CreateInput{Domain: "race.cn", CertType: "business_license", CertNumber: "91110105MA0000009T"})
				codes[i] = code(err)
			}()
		}
		wg.Wait()
		ok := 0
		for _, c := range codes {
			switch c {
			case "":
				ok++
			case "precheck.subject_in_progress", "precheck.domain_in_progress":
			default:
				t.Errorf("unexpected answer %q", c)
			}
		}
		list, err := f.svc.ListApplications(f.ctx, f.owner)
		if ok != 1 || err != nil || len(list) != 1 {
			t.Errorf("%d creations succeeded, %d applications stored (%v)", ok, len(list), err)
		}
	})
}
