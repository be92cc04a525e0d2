package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// files lists everything under dir, temporary files included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestLocalFailingReaderLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(strings.Repeat("x", 64<<10)), errReader{boom})
	err = s.Put(context.Background(), "applications/9/a.jpg", r, -1)
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want the reader's error", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

func TestLocalShortBodyLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewLocal(dir)
	if err := s.Put(context.Background(), "a.jpg", strings.NewReader("abc"), 10); err == nil {
		t.Fatal("short body accepted")
	}
	if got := files(t, dir); len(got) != 0 {
		t.Fatalf("left behind: %v", got)
	}
}

// fullDisk fails writes after limit bytes the way a full disk does.
// (No embedded *os.File: its ReadFrom would bypass Write.)
type fullDisk struct {
	f     *os.File
	limit int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.limit {
		n, _ := d.f.Write(p[:d.limit])
		d.limit = 0
		return n, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	d.limit -= len(p)
	return d.f.Write(p)
}

func (d *fullDisk) Name() string { return d.f.Name() }
func (d *fullDisk) Sync() error  { return d.f.Sync() }
func (d *fullDisk) Close() error { return d.f.Close() }

func TestLocalDiskFull(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewLocal(dir)
	put(t, s, "a/b.jpg", "old bytes")
	s.createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		return &fullDisk{f: f, limit: 1000}, err
	}
	err := s.Put(context.Background(), "a/b.jpg", bytes.NewReader(make([]byte, 5000)), 5000)
	if !errors.Is(err, ErrNoSpace) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err %v, want ErrNoSpace wrapping ENOSPC", err)
	}
	if got := files(t, dir); len(got) != 1 || got[0] != filepath.Join("a", "b.jpg") {
		t.Fatalf("files after failed put: %v", got)
	}
	if got := string(get(t, s, "a/b.jpg")); got != "old bytes" {
		t.Fatalf("old blob damaged: %q", got)
	}
}

func TestLocalWritesUnderRootOnly(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "blobs")
	s, err := NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "applications/1/2.jpg", "x")
	if _, err := os.Stat(filepath.Join(root, "applications", "1", "2.jpg")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(context.Background(), "../escape.jpg", strings.NewReader("x"), 1); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("escape: %v", err)
	}
	if _, err := os.Stat(filepath.Join(parent, "escape.jpg")); !os.IsNotExist(err) {
		t.Fatal("wrote outside the root")
	}
	// Deleting the last blob of an application removes its folders too.
	if err := s.Delete(context.Background(), "applications/1/2.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "applications")); !os.IsNotExist(err) {
		t.Errorf("empty folders left: %v", err)
	}
	if _, err := os.Stat(root); err != nil {
		t.Errorf("root removed: %v", err)
	}
}

func TestLocalCancelledContext(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Put(ctx, "a.jpg", strings.NewReader("x"), 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("put: %v", err)
	}
}

// Empty blobs work locally; gofakes3 refuses an empty PUT from minio-go
// (MissingContentLength), and Beian never stores empty attachments.
func TestLocalEmptyBlob(t *testing.T) {
	s, _ := NewLocal(t.TempDir())
	put(t, s, "empty", "")
	if got := get(t, s, "empty"); len(got) != 0 {
		t.Fatalf("got %q", got)
	}
}
