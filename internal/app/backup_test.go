package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/storage"
)

func testConfig(t *testing.T, dir string) config.Config {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if k == "BEIAN_DATA_DIR" {
			return dir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestBackupRestoreIntoFreshDataDir(t *testing.T) {
	ctx := context.Background()
	src := testConfig(t, t.TempDir())
	st, err := openStore(ctx, src, clock.Running(clock.TestNow()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Tx(ctx, func(tx *storage.Tx) error {
		return tx.Enqueue(ctx, "probe", map[string]int{"n": 1}, "backup-probe", time.Time{})
	})
	if err != nil {
		t.Fatal(err)
	}
	blobDir := filepath.Join(src.DataDir, "blobs", "app", "a1")
	os.MkdirAll(blobDir, 0o700)
	os.WriteFile(filepath.Join(blobDir, "x.jpg"), []byte("jpeg-bytes"), 0o600)
	os.WriteFile(filepath.Join(src.DataDir, "secret.key"), []byte("k\n"), 0o600)

	// The key stays out of a backup unless asked for (issue 12), and the
	// snapshot is the owner's only, like the database files.
	plain := filepath.Join(t.TempDir(), "plain")
	var out bytes.Buffer
	if err := backup(ctx, src, []string{plain}, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(plain, "secret.key")); !os.IsNotExist(err) || !strings.Contains(out.String(), "--with-key") {
		t.Errorf("a backup without --with-key holds the key (%v) or does not say so: %s", err, out.String())
	}
	db := strings.TrimPrefix(src.DatabaseURL, "sqlite:")
	for _, f := range []string{filepath.Join(plain, "beian.db"), db, db + "-wal", db + "-shm"} {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600 (%v)", f, st.Mode().Perm(), err)
		}
	}
	bdir := filepath.Join(t.TempDir(), "backup")
	// Taken while the source store is open, as during a running server.
	if err := backup(ctx, src, []string{"--with-key", bdir}, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(bdir, "secret.key")); err != nil {
		t.Errorf("--with-key: %v", err)
	}

	dst := testConfig(t, t.TempDir())
	if err := restore(ctx, dst, []string{bdir}, &out); err != nil {
		t.Fatal(err)
	}
	st2, err := storage.Open(ctx, dst.DatabaseURL, clock.Fixed(clock.TestNow()))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	counts, err := st2.JobCounts(ctx)
	if err != nil || counts["queued"] != 1 {
		t.Fatalf("restored jobs = %v, %v; want the queued probe", counts, err)
	}
	b, err := os.ReadFile(filepath.Join(dst.DataDir, "blobs", "app", "a1", "x.jpg"))
	if err != nil || string(b) != "jpeg-bytes" {
		t.Fatalf("restored blob = %q, %v", b, err)
	}
	// Restoring over an existing database is refused.
	if err := restore(ctx, dst, []string{bdir}, &out); err == nil {
		t.Fatal("restore over an existing database must fail")
	}
}
