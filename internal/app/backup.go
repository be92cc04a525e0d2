package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/storage"
)

// backup writes PATH/beian.db (a consistent SQLite snapshot) and
// PATH/blobs (the attachment files, encrypted). The database goes first:
// every blob it references was written before its row committed, so the
// copy is complete. The key that unseals them is not written next to
// them unless asked (--with-key): a backup that carries its own key
// protects nothing, so by default it is kept apart (docs/operations.md).
func backup(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	withKey := fs.Bool("with-key", false, "also copy the data dir's secret.key into the backup")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return errors.New("usage: beian backup [--with-key] PATH")
	}
	dst := fs.Arg(0)
	if cfg.IsPostgres() {
		return errors.New("backup: the database is PostgreSQL; use pg_dump (docs/operations.md)")
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	st, err := storage.Open(ctx, cfg.DatabaseURL, clock.Wall)
	if err != nil {
		return err
	}
	defer st.Close()
	t0 := time.Now()
	if err := st.BackupTo(ctx, filepath.Join(dst, "beian.db")); err != nil {
		return err
	}
	if dir, ok := strings.CutPrefix(cfg.BlobURL, "file:"); ok {
		if err := copyTree(dir, filepath.Join(dst, "blobs")); err != nil {
			return fmt.Errorf("backup attachments: %w", err)
		}
	} else {
		fmt.Fprintln(stdout, "attachments live in object storage; back up the bucket with its own tools")
	}
	if key, err := os.ReadFile(filepath.Join(cfg.DataDir, "secret.key")); err == nil {
		if !*withKey {
			fmt.Fprintln(stdout, "the key (secret.key) is not in the backup: keep a copy of it apart, or use --with-key")
		} else if err := os.WriteFile(filepath.Join(dst, "secret.key"), key, 0o600); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "backup written to %s in %s\n", dst, time.Since(t0).Round(time.Millisecond))
	return nil
}

// restore puts a backup into the (stopped) server's data dir; it refuses to
// overwrite an existing database.
func restore(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: beian restore PATH")
	}
	src := args[0]
	dbPath, ok := strings.CutPrefix(cfg.DatabaseURL, "sqlite:")
	if !ok {
		return errors.New("restore: the database is PostgreSQL; use pg_restore (docs/operations.md)")
	}
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("restore: %s exists; restore into an empty data dir", dbPath)
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return err
	}
	if err := copyFile(filepath.Join(src, "beian.db"), dbPath); err != nil {
		return fmt.Errorf("restore database: %w", err)
	}
	if dir, ok := strings.CutPrefix(cfg.BlobURL, "file:"); ok {
		if _, err := os.Stat(filepath.Join(src, "blobs")); err == nil {
			if err := copyTree(filepath.Join(src, "blobs"), dir); err != nil {
				return fmt.Errorf("restore attachments: %w", err)
			}
		}
	}
	if key, err := os.ReadFile(filepath.Join(src, "secret.key")); err == nil && cfg.SecretKey == "" {
		if err := os.WriteFile(filepath.Join(cfg.DataDir, "secret.key"), key, 0o600); err != nil {
			return err
		}
	}
	// Bring the schema up to date in case the backup is older than this binary.
	st, err := openStore(ctx, cfg, clock.Wall)
	if err != nil {
		return err
	}
	st.Close()
	fmt.Fprintf(stdout, "restored %s into %s\n", src, cfg.DataDir)
	return nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == src {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if strings.Contains(d.Name(), ".tmp") {
			return nil // a write in progress; its final name will be copied next time
		}
		return copyFile(p, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".restore-tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}
