package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Local keeps blobs as files under a folder. Every Put writes a temporary
// file beside the target, syncs it, renames it over the target and syncs
// the folder, so after a crash a key holds either the old or the new bytes,
// never a half-written file.
type Local struct {
	root string
	// createTemp is os.CreateTemp; tests swap it to simulate a full disk.
	createTemp func(dir, pattern string) (tempFile, error)
}

// tempFile is the part of *os.File Put uses.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
}

// NewLocal opens (creating if needed) a store under dir.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local store needs a folder")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", abs, err)
	}
	return &Local{root: abs, createTemp: func(dir, pattern string) (tempFile, error) {
		return os.CreateTemp(dir, pattern)
	}}, nil
}

// Root is the folder holding the blobs (for backups).
func (l *Local) Root() string { return l.root }

func (l *Local) path(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(key)), nil
}

// Put writes r under key atomically.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := l.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return wrapFS("put "+key, err)
	}
	f, err := l.createTemp(dir, ".tmp-"+filepath.Base(p)+"-*")
	if err != nil {
		return wrapFS("put "+key, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, ctxReader{ctx, r})
	if err != nil {
		return wrapFS("put "+key, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("blob: put %s: got %d bytes, want %d", key, n, size)
	}
	if err := f.Sync(); err != nil {
		return wrapFS("put "+key, err)
	}
	if err := f.Close(); err != nil {
		return wrapFS("put "+key, err)
	}
	if err := os.Chmod(tmp, 0o640); err != nil {
		return wrapFS("put "+key, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return wrapFS("put "+key, err)
	}
	// The rename is durable only once the folder entry is on disk.
	if err := syncDir(dir); err != nil {
		return wrapFS("put "+key, err)
	}
	return nil
}

// Get opens the file stored under key.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, wrapFS("get "+key, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
	}
	return f, nil
}

// Delete removes the file and any folders the removal left empty.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return wrapFS("delete "+key, err)
	}
	for dir := filepath.Dir(p); dir != l.root && strings.HasPrefix(dir, l.root+string(filepath.Separator)); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil { // not empty (or in use): stop climbing
			break
		}
	}
	return nil
}

// Exists reports whether key holds a file.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p, err := l.path(key)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return false, nil
	case err != nil:
		return false, wrapFS("stat "+key, err)
	}
	return st.Mode().IsRegular(), nil
}

// wrapFS names the operation and marks a full disk with ErrNoSpace.
func wrapFS(op string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("blob: %s: %w: %w", op, ErrNoSpace, err)
	}
	return fmt.Errorf("blob: %s: %w", op, err)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err // EINVAL: the file system cannot sync folders; nothing to do
	}
	return nil
}

// ctxReader stops a long copy when the request is gone.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
