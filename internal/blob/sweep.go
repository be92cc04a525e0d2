package blob

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Lister walks the stored blobs with their modification times, for the
// sweep of blobs no row points to (a process killed between writing a
// blob and committing its row leaves one). Both stores implement it.
type Lister interface {
	List(ctx context.Context, fn func(key string, modified time.Time) error) error
}

// List calls fn for every blob; the local store's temporary files (".tmp-*",
// left by a process killed while writing) are not blobs: see SweepTemp.
func (l *Local) List(ctx context.Context, fn func(key string, modified time.Time) error) error {
	return filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // gone meanwhile
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil {
			return err
		}
		return fn(filepath.ToSlash(rel), info.ModTime())
	})
}

// SweepTemp removes the temporary files of writes that never finished
// (".tmp-*", left by a kill -9 during Put) last modified before before,
// and reports how many it removed.
func (l *Local) SweepTemp(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && info.ModTime().Before(before) && os.Remove(p) == nil {
			n++
		}
		return nil
	})
	return n, err
}

// List calls fn for every object under the store's prefix.
func (s *S3) List(ctx context.Context, fn func(key string, modified time.Time) error) error {
	prefix := ""
	if s.prefix != "" {
		prefix = s.prefix + "/"
	}
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return obj.Err
		}
		if err := fn(strings.TrimPrefix(obj.Key, prefix), obj.LastModified); err != nil {
			return err
		}
	}
	return nil
}
