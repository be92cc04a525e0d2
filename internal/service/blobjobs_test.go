package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"beian/internal/blob"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/jobs"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// eachBlobStore runs fn on every database × every attachment store, a fresh
// database for each (subtests "sqlite/local", "postgres/s3" …).
func eachBlobStore(t *testing.T, fn func(t *testing.T, url string, blobs blob.Store)) {
	t.Helper()
	for storeName, mk := range blobStores() {
		for dbName, url := range storagetest.URLs(t) {
			t.Run(dbName+"/"+storeName, func(t *testing.T) { fn(t, url, mk(t)) })
		}
	}
}

// blobStores are the attachment stores the attachment tests run on.
func blobStores() map[string]func(t *testing.T) blob.Store {
	return map[string]func(t *testing.T) blob.Store{
		"local": func(t *testing.T) blob.Store {
			s, err := blob.Open(context.Background(), "file:"+t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"s3": func(t *testing.T) blob.Store {
			srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
			t.Cleanup(srv.Close)
			t.Setenv("AWS_ACCESS_KEY_ID", "beian-test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "beian-test-secret")
			s, err := blob.Open(context.Background(), "s3://beian?endpoint="+strings.TrimPrefix(srv.URL, "http://")+"&region=us-east-1&insecure=1")
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func testPhoto(t *testing.T, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), shade, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestBlobCleanupJobs: the bytes of a replaced or deleted attachment and
// of a withdrawn application's attachments stay until the background job
// queued with the change runs, then are gone; the job leaves everything of
// an application that is not withdrawn alone. Every database × every store.
func TestBlobCleanupJobs(t *testing.T) {
	eachBlobStore(t, blobCleanup)
}

// blobService is a service over url and blobs with its clock at *now and
// one applicant, owner@example.com.
func blobService(t *testing.T, url string, blobs blob.Store, grace time.Duration, now *time.Time) (*storage.Store, *service.Service, *service.Account) {
	t.Helper()
	ctx := context.Background()
	st := storagetest.OpenURL(t, url, func() time.Time { return *now })
	seal, _ := pii.New(bytes.Repeat([]byte{3}, 32))
	cfg := config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test"}
	v, err := rules.New(cfg.Provider)
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(service.Deps{Store: st, Sealer: seal, Rules: v, Blobs: blobs, Config: cfg, BlobGrace: grace,
		Now: func() time.Time { return *now }})
	owner, err := svc.Register(ctx, service.RegisterInput{Email: "owner@example.com", Phone: "13700001111", Password: "Str0ng-pass!"})
	if err != nil {
		t.Fatal(err)
	}
	return st, svc, owner
}

func blobCleanup(t *testing.T, url string, blobs blob.Store) {
	ctx := context.Background()
	now := clock.TestNow()
	st, svc, owner := blobService(t, url, blobs, 0, &now)
	runner := &jobs.Runner{Store: st, Log: slog.New(slog.DiscardHandler), Handlers: svc.JobHandlers()}
	drain := func() {
		t.Helper()
		for range 10 {
			n, err := runner.RunDue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				return
			}
		}
	}
	exists := func(appID, attID string) bool {
		t.Helper()
		ok, err := blobs.Exists(ctx, "app/"+appID+"/"+attID+".jpg")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	create := func(domain, cert string) string {
		t.Helper()
		app, err := svc.CreateApplication(ctx, owner, service.CreateInput{Domain: domain, CertType: "business_license", CertNumber: cert})
		if err != nil {
			t.Fatal(err)
		}
		return app.ID
	}
	add := func(appID, kind string, shade uint8) string {
		t.Helper()
		at, err := svc.AddAttachment(ctx, owner, appID, service.AttachmentInput{Kind: kind, Website: -1, File: bytes.NewReader(testPhoto(t, 640, 480, shade))})
		if err != nil {
			t.Fatal(err)
		}
		if !exists(appID, at.ID) {
			t.Fatalf("%s stored under another key", kind)
		}
		return at.ID
	}

	app := create("clean-a.cn", "91330106E3PWQ30LC5")
	first := add(app, "subject_certificate", 1)
	second := add(app, "subject_certificate", 2) // replaces the first
	if !exists(app, first) {
		t.Fatal("replaced blob deleted before its job ran")
	}
	drain()
	if exists(app, first) || !exists(app, second) {
		t.Fatalf("after the job: replaced %v (want gone), replacement %v (want kept)", exists(app, first), exists(app, second))
	}

	if err := svc.DeleteAttachment(ctx, owner, app, second); err != nil {
		t.Fatal(err)
	}
	drain()
	if exists(app, second) {
		t.Fatal("deleted attachment's blob still there after the job")
	}

	// Withdrawn: every attachment goes, rows and bytes.
	leader := add(app, "subject_leader_id", 3)
	letter := add(app, "security_letter", 4)
	other := create("clean-b.cn", "91330106MA27XJ0F79")
	kept := add(other, "subject_leader_id", 5)
	if _, err := svc.Withdraw(ctx, owner, app); err != nil {
		t.Fatal(err)
	}
	if !exists(app, leader) {
		t.Fatal("withdrawal deleted bytes before its job ran")
	}
	drain()
	if exists(app, leader) || exists(app, letter) {
		t.Fatal("withdrawn application's blobs still there after the job")
	}
	if rows, err := st.Attachments(ctx, app); err != nil || len(rows) != 0 {
		t.Fatalf("withdrawn application's attachment rows: %d %v", len(rows), err)
	}
	if !exists(other, kept) {
		t.Fatal("another application's blob was deleted")
	}

	// Run again (a retry after a crash) and for an application that is
	// not withdrawn: nothing breaks, nothing of the draft goes.
	h := svc.JobHandlers()[service.JobBlobsOfWithdrawn]
	for _, id := range []string{app, other, "no-such-application"} {
		payload, _ := json.Marshal(map[string]string{"application_id": id})
		if err := h(ctx, storage.Job{Kind: service.JobBlobsOfWithdrawn, Payload: payload}); err != nil {
			t.Fatalf("cleanup of %s: %v", id, err)
		}
	}
	if !exists(other, kept) {
		t.Fatal("the cleanup job deleted a draft's blob")
	}
	if err := svc.JobHandlers()[service.JobBlobDelete](ctx, storage.Job{Payload: []byte(`{"key":"app/x/never.jpg"}`)}); err != nil {
		t.Fatalf("deleting a missing blob: %v", err)
	}
}
