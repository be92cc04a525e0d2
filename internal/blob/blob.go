// Package blob stores attachment bytes under string keys, on the local
// disk (the default) or in S3-compatible object storage, behind one small
// interface. Metadata about the bytes lives in the database, not here.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// Store keeps blobs by key. Keys are relative slash-separated paths of
// [A-Za-z0-9_.-] segments (for example "applications/42/7.jpg"); segments
// may not start with a dot.
type Store interface {
	// Put stores r's bytes under key, replacing any blob there. size is the
	// byte count if known, else -1. Readers never see a partial blob.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Get opens the blob; ErrNotFound if there is none.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the blob; deleting a missing blob is not an error, so
	// a cleanup job can be repeated safely.
	Delete(ctx context.Context, key string) error
	// Exists reports whether a blob is stored under key.
	Exists(ctx context.Context, key string) (bool, error)
}

// Errors callers can test with errors.Is.
var (
	ErrNotFound   = errors.New("blob: not found")
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrNoSpace: the disk is full; nothing was stored.
	ErrNoSpace = errors.New("blob: no space left on device")
)

// maxKeyLen keeps keys well inside every file system's and S3's limits.
const maxKeyLen = 512

// ValidKey checks a key against the rules of Store.
func ValidKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("%w: length %d", ErrInvalidKey, len(key))
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg[0] == '.' {
			// Rules out absolute paths, "//", ".", "..", and names that
			// could collide with the local store's temporary files.
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
		for _, c := range []byte(seg) {
			ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-'
			if !ok {
				return fmt.Errorf("%w: %q", ErrInvalidKey, key)
			}
		}
	}
	return nil
}

// Open returns the store BEIAN_BLOB_URL names:
//
//	file:DIR (or file:///abs/dir)   local files under DIR, created if missing
//	s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&insecure=1
//
// S3 credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and
// AWS_SESSION_TOKEN); without endpoint, AWS S3 itself is used. The bucket
// is created if missing.
func Open(ctx context.Context, rawURL string) (Store, error) {
	switch {
	case strings.HasPrefix(rawURL, "file://"):
		u, err := url.Parse(rawURL)
		if err != nil {
			return nil, fmt.Errorf("blob url: %w", err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("blob url %q: file URLs name a local folder", rawURL)
		}
		return NewLocal(u.Path)
	case strings.HasPrefix(rawURL, "file:"):
		return NewLocal(strings.TrimPrefix(rawURL, "file:"))
	case strings.HasPrefix(rawURL, "s3://"):
		cfg, err := ParseS3URL(rawURL)
		if err != nil {
			return nil, err
		}
		return NewS3(ctx, cfg)
	}
	return nil, fmt.Errorf("blob url %q: want file:DIR or s3://bucket?endpoint=…", rawURL)
}
