package service_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"beian/internal/blob"
	"beian/internal/clock"
	"beian/internal/service"
)

// TestSweepOrphanedBlobs: a process killed between writing a blob and
// committing its row (or while writing, for the local store's ".tmp-*")
// leaves files no row wants; the sweep removes them once the grace period
// has passed, and keeps every blob a row points to and every replaced file
// still in its backup grace (issue 12 item 7).
func TestSweepOrphanedBlobs(t *testing.T) {
	eachBlobStore(t, sweep)
}

func sweep(t *testing.T, url string, blobs blob.Store) {
	ctx := context.Background()
	now := clock.TestNow()
	_, svc, owner := blobService(t, url, blobs, time.Hour, &now)
	app, err := svc.CreateApplication(ctx, owner, service.CreateInput{Domain: "sweep.cn", CertType: "business_license", CertNumber: "91330106E3PWQ30LC5"})
	if err != nil {
		t.Fatal(err)
	}
	add := func(kind string, shade uint8) string {
		t.Helper()
		at, err := svc.AddAttachment(ctx, owner, app.ID, service.AttachmentInput{Kind: kind, Website: -1, File: bytes.NewReader(testPhoto(t, 640, 480, shade))})
		if err != nil {
			t.Fatal(err)
		}
		return "app/" + app.ID + "/" + at.ID + ".jpg"
	}
	kept := add("subject_leader_id", 1)
	// Encrypted at rest in either store (issue 12): the stored bytes are no JPEG.
	if rc, err := blobs.Get(ctx, kept); err != nil {
		t.Fatal(err)
	} else {
		raw, _ := io.ReadAll(rc)
		rc.Close()
		if len(raw) == 0 || bytes.HasPrefix(raw, []byte{0xff, 0xd8}) {
			t.Errorf("the stored attachment is a JPEG in clear (%d bytes)", len(raw))
		}
	}
	replaced := add("subject_certificate", 2)
	add("subject_certificate", 3) // replaces it: its file stays for the backups' hour
	orphan := "app/" + app.ID + "/killed-before-commit.jpg"
	if err := blobs.Put(ctx, orphan, bytes.NewReader(testPhoto(t, 640, 480, 4)), -1); err != nil {
		t.Fatal(err)
	}
	var tmp string
	if l, ok := blobs.(*blob.Local); ok {
		tmp = filepath.Join(l.Root(), "app", app.ID, ".tmp-killed-during-put-123")
		if err := os.WriteFile(tmp, []byte("half a photo"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// Within the grace period nothing goes: an upload may still be committing.
	var newest time.Time
	if err := blobs.(blob.Lister).List(ctx, func(_ string, m time.Time) error {
		if m.After(newest) {
			newest = m
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	now = newest.Add(30 * time.Minute)
	if n, err := svc.SweepBlobs(ctx); err != nil || n != 0 {
		t.Fatalf("sweep within the grace: %d %v", n, err)
	}
	// After it, the orphan and the temporary file go; the rest stays.
	now = newest.Add(2 * time.Hour)
	if tmp != "" {
		if err := os.Chtimes(tmp, now.Add(-2*time.Hour), now.Add(-2*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.SweepBlobs(ctx); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{kept: true, replaced: true, orphan: false} {
		if ok, err := blobs.Exists(ctx, key); err != nil || ok != want {
			t.Errorf("%s exists = %v, want %v (%v)", key, ok, want, err)
		}
	}
	if tmp != "" {
		if _, err := os.Stat(tmp); !os.IsNotExist(err) {
			t.Errorf("temporary file still there: %v", err)
		}
	}
}
