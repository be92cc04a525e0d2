package seed

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beian/internal/blob"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/fault"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestSeedThroughTheService seeds a small database, twice (the second run
// continues after the first), then checks through the real service that
// the rows are what Beian itself would have written: the pre-check knows
// the subjects and domains, owners log in with the seed password, open
// applications unseal, the public lookup answers, and no certificate
// number or mobile is stored in clear.
func TestSeedThroughTheService(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		dir := t.TempDir()
		key := bytes.Repeat([]byte{7}, 32)
		cfg := config.Config{DatabaseURL: url, DataDir: dir, SecretKey: hex.EncodeToString(key),
			Provider: config.DefaultProvider(), RateLimits: true}
		samplePath := filepath.Join(dir, "sample.json")
		rep, err := Run(ctx, cfg, Options{Subjects: 250, Offset: -1, PerTx: 40, SamplePath: samplePath, SampleSize: 50, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.First != 0 || rep.Subjects != 250 || rep.Rows < 250*10 {
			t.Fatalf("first run: %+v", rep)
		}
		rep2, err := Run(ctx, cfg, Options{Subjects: 100, Offset: -1, PerTx: 33, Now: testNow})
		if err != nil {
			t.Fatalf("second run: %v", err)
		}
		if rep2.First != 250 {
			t.Fatalf("second run started at %d, want 250", rep2.First)
		}
		sample, err := ReadSample(samplePath)
		if err != nil {
			t.Fatal(err)
		}
		if len(sample.Items) < 40 {
			t.Fatalf("sample has %d items", len(sample.Items))
		}

		st := storagetest.OpenURL(t, url, clock.Fixed(clock.TestNow())) // migrated already: the seeder's database as it is
		seal, _ := pii.New(key)
		v, _ := rules.New(cfg.Provider)
		blobs, _ := blob.Open(ctx, "file:"+filepath.Join(dir, "blobs"))
		svc := service.New(service.Deps{Store: st, Sealer: seal, Rules: v, Blobs: blobs, Config: cfg,
			Now: func() time.Time { return testNow }})

		var withApp, withoutApp *SampleItem
		for i := range sample.Items {
			it := &sample.Items[i]
			// A submitted one: a draft reserves nothing (workflow.md).
			if it.ApplicationID != "" && it.ApplicationOpen != "draft" && withApp == nil {
				withApp = it
			}
			if it.ApplicationID == "" && withoutApp == nil {
				withoutApp = it
			}
		}
		if withApp == nil || withoutApp == nil {
			t.Fatal("the sample lacks subjects with and without open applications")
		}

		sess, err := svc.Login(ctx, withoutApp.AccountEmail, sample.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("login as a seeded owner: %v", err)
		}
		owner := sess.Account
		if owner.Phone != withoutApp.LeaderMobile {
			t.Errorf("account phone %q, want the leader's %q", owner.Phone, withoutApp.LeaderMobile)
		}

		// A seeded subject with a new domain: known subject, own record.
		res, err := svc.Precheck(ctx, owner, service.PrecheckInput{Domain: "brand-new-site.cn",
			CertType: withoutApp.CertType, CertNumber: strings.ToLower(withoutApp.CertNumber)})
		if err != nil {
			t.Fatalf("precheck of a seeded subject: %v", err)
		}
		if res.Flow != "new_website" || res.Subject == nil || res.Subject.Leader.Mobile != withoutApp.LeaderMobile {
			t.Fatalf("precheck: flow %s subject %+v", res.Flow, res.Subject)
		}
		// A seeded domain under another subject.
		_, err = svc.Precheck(ctx, owner, service.PrecheckInput{Domain: withApp.Domain, CertType: withoutApp.CertType, CertNumber: withoutApp.CertNumber})
		wantCode(t, err, "precheck.domain_filed_by_other")
		// A subject with an open application.
		_, err = svc.Precheck(ctx, owner, service.PrecheckInput{Domain: "another-new-site.cn", CertType: withApp.CertType, CertNumber: withApp.CertNumber})
		wantCode(t, err, "precheck.subject_in_progress")
		// The seeded domain of the subject itself, hosted here.
		_, err = svc.Precheck(ctx, owner, service.PrecheckInput{Domain: withoutApp.Domain, CertType: withoutApp.CertType, CertNumber: withoutApp.CertNumber})
		wantCode(t, err, "precheck.already_filed_here")

		// The open application, read by its owner.
		s2, err := svc.Login(ctx, withApp.AccountEmail, sample.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		app, err := svc.GetApplication(ctx, s2.Account, withApp.ApplicationID)
		if err != nil {
			t.Fatalf("read the open application: %v", err)
		}
		if app.State != withApp.ApplicationOpen || app.Document.Subject.CertNumber != withApp.CertNumber {
			t.Fatalf("application state %s cert %s", app.State, app.Document.Subject.CertNumber)
		}
		for _, vi := range app.Violations {
			if vi.Rule != "attachment.missing" {
				t.Errorf("open application violation: %s %s %s", vi.Rule, vi.Field, vi.Message.EN)
			}
		}

		// The public lookup by domain and by website number.
		for _, q := range []string{withoutApp.Domain, withoutApp.WebsiteNumber} {
			got, err := svc.PublicLookup(ctx, q)
			if err != nil {
				t.Fatalf("public lookup %s: %v", q, err)
			}
			if len(got) == 0 || got[0].SubjectNumber != withoutApp.SubjectNumber {
				t.Fatalf("public lookup %s: %+v", q, got)
			}
		}

		// Review queue: every review state of the spread is present.
		q, err := st.ReviewQueue(ctx, storage.QueueFilter{States: []string{"initial_review", "material_review"}, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(q) == 0 || q[0].DueAt.IsZero() {
			t.Fatalf("review queue: %d items", len(q))
		}
		// Queue order over states with and without due times, in pages.
		states := []string{"initial_review", "verification", "material_review", "ready_for_bureau"}
		all, err := st.ReviewQueue(ctx, storage.QueueFilter{States: states, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		sawUndue := false
		for i, a := range all {
			if a.DueAt.IsZero() {
				sawUndue = true
			} else if sawUndue {
				t.Fatalf("queue item %d has a due time after items without one", i)
			}
			if i > 0 {
				p := all[i-1]
				if !a.DueAt.IsZero() && a.DueAt.Before(p.DueAt) || a.DueAt.IsZero() && p.DueAt.IsZero() && a.SubmittedAt.Before(p.SubmittedAt) {
					t.Fatalf("queue items %d and %d out of order", i-1, i)
				}
			}
		}
		if !sawUndue || len(all) < 10 {
			t.Fatalf("queue of %d items, undue seen %v", len(all), sawUndue)
		}
		page, err := st.ReviewQueue(ctx, storage.QueueFilter{States: states, Limit: 7, Province: all[0].Province})
		if err != nil || len(page) == 0 || page[0].ID != all[0].ID {
			t.Fatalf("first page of %s: %v %d", all[0].Province, err, len(page))
		}

		if storagetest.Name(url) == "sqlite" {
			st.Close()
			db, err := os.ReadFile(strings.TrimPrefix(url, "sqlite:"))
			if err != nil {
				t.Fatal(err)
			}
			wal, _ := os.ReadFile(strings.TrimPrefix(url, "sqlite:") + "-wal")
			db = append(db, wal...)
			for _, it := range sample.Items[:20] {
				for _, secret := range []string{it.CertNumber, it.LeaderMobile} {
					if bytes.Contains(db, []byte(secret)) {
						t.Errorf("%s is stored in clear", secret)
					}
				}
			}
		}
	})
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var he *fault.Error
	if !errors.As(err, &he) || he.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}
