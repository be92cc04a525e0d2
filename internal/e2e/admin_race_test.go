package e2e

import (
	"sync"
	"testing"

	"beian/internal/storage/storagetest"
)

// TestFirstAdminRace: instances starting at the same moment each ensure the
// first admin; exactly one creates it and none fails to start.
func TestFirstAdminRace(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, u string) {
		var insts []*instance
		for range 8 {
			insts = append(insts, newInstance(t, u, nil))
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		for i, in := range insts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := in.svc.EnsureAdmin(t.Context(), adminEmail, adminPassword)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
				if ok {
					created++
				}
			}()
		}
		wg.Wait()
		if created != 1 {
			t.Errorf("%d instances created the first admin, want 1", created)
		}
	})
}
