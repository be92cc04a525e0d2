package storage_test

import (
	"context"
	"fmt"
	"testing"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestPrecheckFacts: the one query answers open applications by subject
// and by domain, the live subject record and the website record with its
// subject's hash and access, on both databases.
func TestPrecheckFacts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fillRecords(t, s, 30) // subjects h0…h29, websites site<i>-<j>.cn; h9, h19, h29 cancelled
		mkAccount(t, s, "u1", "u1@example.com", "p1")
		now := s.Now()
		w, err := s.WebsiteRecordsByDomain(ctx, "site1-1.cn")
		if err != nil || len(w) != 1 {
			t.Fatalf("site1-1.cn: %v %v", w, err)
		}
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.PutAccessRecord(ctx, &storage.AccessRecord{WebsiteID: w[0].ID, Status: storage.RecordActive, Data: "sealed", UpdatedAt: now}); err != nil {
				return err
			}
			for i, a := range []struct{ flow, hash, domain string }{{"change_subject", "h2", "site2-1.cn"}, {"new_website", "h3", "fresh.cn"}} {
				if err := tx.CreateApplication(ctx, &storage.Application{ID: fmt.Sprintf("a%d", i), OwnerID: "u1", Flow: a.flow, State: "draft", Open: true,
					SubjectCertHash: a.hash, Document: "x", Domains: []string{a.domain}, CreatedAt: now, UpdatedAt: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			hash, domain string
			want         string
		}{
			{"nobody", "nowhere.cn", "open=[] domain=false subject=- website=-"},
			{"h1", "site1-1.cn", "open=[] domain=false subject=京ICP备2026000002号 website=京ICP备2026000002号-1/h1/here"},
			{"h1", "site4-1.cn", "open=[] domain=false subject=京ICP备2026000002号 website=京ICP备2026000005号-1/h4/elsewhere"},
			{"h2", "x.cn", "open=[change_subject] domain=false subject=京ICP备2026000003号 website=-"},
			{"h5", "fresh.cn", "open=[] domain=true subject=京ICP备2026000006号 website=-"},
			{"h9", "site9-1.cn", "open=[] domain=false subject=- website=-"},                // cancelled subject and website
			{"h0", "site0-2.cn", "open=[] domain=false subject=京ICP备2026000001号 website=-"}, // cancelled website of a live subject
		}
		for _, c := range cases {
			f, err := s.PrecheckFacts(ctx, c.hash, c.domain, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("open=%v domain=%v subject=", flows(f.OpenBySubject), (len(f.OpenByDomain) > 0))
			if f.Subject == nil {
				got += "-"
			} else {
				got += f.Subject.Number
				if f.Subject.OwnerID != "u" || f.Subject.Data != "sealed" {
					t.Errorf("%s: subject %+v", c.hash, f.Subject)
				}
			}
			got += " website="
			if f.Website == nil {
				got += "-"
			} else {
				where := "elsewhere"
				if f.Website.AccessedHere {
					where = "here"
				}
				got += f.Website.Number + "/" + f.Website.CertHash + "/" + where
			}
			if got != c.want {
				t.Errorf("%s %s:\n got %s\nwant %s", c.hash, c.domain, got, c.want)
			}
			if f.RegistrySubject || f.RegistryDomain {
				t.Errorf("%s %s: registry answered without a probe", c.hash, c.domain)
			}
		}

		// Half questions: the subject's or the domain's branches only.
		if f, err := s.PrecheckFacts(ctx, "h2", "", nil); err != nil || f.Subject == nil || f.Website != nil || len(flows(f.OpenBySubject)) != 1 || (len(f.OpenByDomain) > 0) {
			t.Errorf("subject only: %+v %v", f, err)
		}
		if f, err := s.PrecheckFacts(ctx, "", "fresh.cn", nil); err != nil || f.Subject != nil || len(flows(f.OpenBySubject)) != 0 || !(len(f.OpenByDomain) > 0) {
			t.Errorf("domain only: %+v %v", f, err)
		}
		if f, err := s.PrecheckFacts(ctx, "", "site1-1.cn", &storage.RegistryProbe{Domain: "x.cn"}); err != nil || f.Website == nil || f.Subject != nil {
			t.Errorf("domain only, probed: %+v %v", f, err)
		}

		// The registry probe: an active subject, a live and a cancelled website.
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			for _, b := range []*storage.BureauSubject{
				{Number: "沪ICP备2020000001号", Province: "310000", CertType: "business_license", CertHash: "bh1", Name: "甲", Data: "x", Status: storage.BureauActive, Source: "seed"},
				{Number: "沪ICP备2020000002号", Province: "310000", CertType: "business_license", CertHash: "bh2", Name: "乙", Data: "x", Status: storage.BureauCancelled, Source: "seed"},
			} {
				b.CreatedAt, b.UpdatedAt = now, now
				if _, err := tx.InsertBureauSubject(ctx, b); err != nil {
					return err
				}
			}
			for _, w := range []*storage.BureauWebsite{
				{Number: "沪ICP备2020000001号-1", SubjectNumber: "沪ICP备2020000001号", Domain: "elsewhere.cn", Name: "站", Data: "x", Status: storage.BureauActive, Source: "seed"},
				{Number: "沪ICP备2020000001号-2", SubjectNumber: "沪ICP备2020000001号", Domain: "gone.cn", Name: "站", Data: "x", Status: storage.BureauCancelled, Source: "seed"},
			} {
				w.CreatedAt, w.UpdatedAt = now, now
				if _, err := tx.InsertBureauWebsite(ctx, w); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			cert, domain         string
			wantSubject, wantDom bool
		}{{"bh1", "elsewhere.cn", true, true}, {"bh2", "gone.cn", false, false}, {"bh3", "nowhere.cn", false, false}} {
			f, err := s.PrecheckFacts(ctx, "h1", "site1-1.cn", &storage.RegistryProbe{CertHash: c.cert, Domain: c.domain})
			if err != nil {
				t.Fatal(err)
			}
			if f.RegistrySubject != c.wantSubject || f.RegistryDomain != c.wantDom || f.Subject == nil || f.Website == nil {
				t.Errorf("probe %s %s: subject %v domain %v (want %v %v); local %v %v", c.cert, c.domain,
					f.RegistrySubject, f.RegistryDomain, c.wantSubject, c.wantDom, f.Subject != nil, f.Website != nil)
			}
		}
	})
}

// TestRecordsByOwner: "my filings" reads an account's websites, their
// access records and its open applications in one query each.
func TestRecordsByOwner(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		fillRecords(t, s, 5) // owner "u": 5 subjects, 10 websites
		mkAccount(t, s, "u", "u@example.com", "p1")
		sites, err := s.WebsiteRecordsByOwner(ctx, "u")
		if err != nil || len(sites) != 10 || sites[0].Number > sites[1].Number {
			t.Fatalf("websites: %d %v", len(sites), err)
		}
		now := s.Now()
		err = s.Tx(ctx, func(tx *storage.Tx) error {
			if err := tx.PutAccessRecord(ctx, &storage.AccessRecord{WebsiteID: sites[3].ID, Status: storage.RecordActive, Data: "{}", UpdatedAt: now}); err != nil {
				return err
			}
			return tx.CreateApplication(ctx, &storage.Application{ID: "a1", OwnerID: "u", Flow: "change_subject", State: "draft", Open: true,
				SubjectCertHash: "h2", Document: "x", Domains: []string{}, CreatedAt: now, UpdatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		accs, err := s.AccessRecordsByOwner(ctx, "u")
		if err != nil || len(accs) != 1 || accs[0].WebsiteID != sites[3].ID {
			t.Errorf("access: %v %v", accs, err)
		}
		open, err := s.OpenApplicationsByOwner(ctx, "u")
		if err != nil || len(open) != 1 || open["h2"] != "a1" {
			t.Errorf("open: %v %v", open, err)
		}
		for _, f := range []func() (int, error){
			func() (int, error) { x, err := s.WebsiteRecordsByOwner(ctx, "nobody"); return len(x), err },
			func() (int, error) { x, err := s.AccessRecordsByOwner(ctx, "nobody"); return len(x), err },
			func() (int, error) { x, err := s.OpenApplicationsByOwner(ctx, "nobody"); return len(x), err },
		} {
			if n, err := f(); n != 0 || err != nil {
				t.Errorf("another owner sees %d (%v)", n, err)
			}
		}
	})
}

// flows are the flows of open applications.
func flows(open []storage.OpenApplication) []string {
	out := []string{}
	for _, o := range open {
		out = append(out, o.Flow)
	}
	return out
}
