package storage_test

import (
	"context"
	"fmt"
	"testing"

	"beian/internal/clock"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// fillRecords files n subjects with two websites each; every third
// subject's second website is cancelled, every tenth subject is cancelled.
func fillRecords(tb testing.TB, s *storage.Store, n int) {
	tb.Helper()
	ctx := context.Background()
	now := s.Now().UTC()
	err := s.Tx(ctx, func(tx *storage.Tx) error {
		for i := range n {
			status := storage.RecordActive
			if i%10 == 9 {
				status = storage.RecordCancelled
			}
			sub := &storage.SubjectRecord{Number: fmt.Sprintf("京ICP备2026%06d号", i+1), OwnerID: "u", Province: "110000", Nature: "enterprise",
				CertType: "business_license", CertHash: fmt.Sprintf("h%d", i), Name: fmt.Sprintf("公司%d", i), Status: status, Data: "sealed",
				ApprovedOn: "2026-11-30", UpdatedAt: now}
			if err := tx.PutSubjectRecord(ctx, sub); err != nil {
				return err
			}
			for j := 1; j <= 2; j++ {
				ws := storage.RecordActive
				if status == storage.RecordCancelled || (j == 2 && i%3 == 0) {
					ws = storage.RecordCancelled
				}
				w := &storage.WebsiteRecord{SubjectID: sub.ID, Number: fmt.Sprintf("%s-%d", sub.Number, j), Domain: fmt.Sprintf("site%d-%d.cn", i, j),
					Name: fmt.Sprintf("网站%d-%d", i, j), Status: ws, Data: "sealed", ApprovedOn: "2026-11-30", UpdatedAt: now}
				if err := tx.PutWebsiteRecord(ctx, w); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestPublicFilings(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fillRecords(t, s, 30)
		cases := []struct {
			byNumber bool
			q        string
			want     []string
		}{
			{false, "site1-1.cn", []string{"京ICP备2026000002号-1"}},
			{false, "site0-2.cn", nil}, // cancelled website
			{false, "site9-1.cn", nil}, // cancelled subject
			{false, "nowhere.cn", nil}, // unknown
			{true, "京ICP备2026000002号-2", []string{"京ICP备2026000002号-2"}},
			{true, "京ICP备2026000002号", []string{"京ICP备2026000002号-1", "京ICP备2026000002号-2"}},
			{true, "京ICP备2026000001号", []string{"京ICP备2026000001号-1"}}, // its -2 is cancelled
			{true, "京ICP备2026000001号-2", nil},
			{true, "京ICP备2026000010号", nil}, // cancelled subject
			{true, "京ICP备2026000010号-1", nil},
		}
		for _, c := range cases {
			var got []storage.PublicFiling
			var err error
			if c.byNumber {
				got, err = s.PublicFilingsByNumber(ctx, c.q)
			} else {
				got, err = s.PublicFilingsByDomain(ctx, c.q)
			}
			if err != nil {
				t.Fatalf("%s: %v", c.q, err)
			}
			var numbers []string
			for _, p := range got {
				numbers = append(numbers, p.WebsiteNumber)
				if p.SubjectName == "" || p.Nature != "enterprise" || p.ApprovedOn != "2026-11-30" || p.Domain == "" {
					t.Errorf("%s: incomplete %+v", c.q, p)
				}
			}
			if fmt.Sprint(numbers) != fmt.Sprint(c.want) {
				t.Errorf("%s: %v, want %v", c.q, numbers, c.want)
			}
		}
	})
}

// BenchmarkPublicFilings measures the public lookup over 20 000 filed
// websites (10 000 subjects): each query is one indexed lookup.
func BenchmarkPublicFilings(b *testing.B) {
	for name, url := range storagetest.URLs(b) {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s := storagetest.OpenURL(b, url, clock.Fixed(clock.TestNow()))
			const n = 10000
			fillRecords(b, s, n)
			b.Run("domain", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := s.PublicFilingsByDomain(ctx, fmt.Sprintf("site%d-1.cn", i%n)); err != nil {
						b.Fatal(err)
					}
					i += 7919
				}
			})
			b.Run("subject_number", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := s.PublicFilingsByNumber(ctx, fmt.Sprintf("京ICP备2026%06d号", i%n+1)); err != nil {
						b.Fatal(err)
					}
					i += 7919
				}
			})
		})
	}
}

// TestOptimize: refreshing the planner's statistics works on both
// databases and leaves the lookups answering.
func TestOptimize(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fillRecords(t, s, 40)
		for range 2 { // the second run finds nothing stale
			if err := s.Optimize(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.PublicFilingsByNumber(ctx, "京ICP备2026000002号-1")
		if err != nil || len(got) != 1 || got[0].Domain != "site1-1.cn" {
			t.Errorf("after optimize: %+v %v", got, err)
		}
	})
}
