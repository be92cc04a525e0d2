package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// testStore is the contract every Store meets.
func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	big := make([]byte, 3<<20+17) // above a multipart threshold, odd size
	rand.Read(big)

	t.Run("put then get returns identical bytes", func(t *testing.T) {
		for _, c := range []struct {
			key  string
			data []byte
			size int64
		}{
			{"applications/1/a.jpg", []byte("\xff\xd8\xff small"), 9},
			{"applications/1/big.jpg", big, int64(len(big))},
			{"unknown-size.bin", big[:100_000], -1},
		} {
			if err := s.Put(ctx, c.key, bytes.NewReader(c.data), c.size); err != nil {
				t.Fatalf("put %s: %v", c.key, err)
			}
			if got := get(t, s, c.key); !bytes.Equal(got, c.data) {
				t.Fatalf("get %s: %d bytes, want %d identical", c.key, len(got), len(c.data))
			}
			if ok, err := s.Exists(ctx, c.key); err != nil || !ok {
				t.Fatalf("exists %s: %v %v", c.key, ok, err)
			}
		}
	})

	t.Run("overwrite replaces", func(t *testing.T) {
		put(t, s, "over/x.jpg", "first version")
		put(t, s, "over/x.jpg", "second")
		if got := string(get(t, s, "over/x.jpg")); got != "second" {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("delete, then get is ErrNotFound", func(t *testing.T) {
		put(t, s, "del/me.jpg", "bye")
		put(t, s, "del/keep.jpg", "stay")
		if err := s.Delete(ctx, "del/me.jpg"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "del/me.jpg"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get after delete: %v, want ErrNotFound", err)
		}
		if ok, err := s.Exists(ctx, "del/me.jpg"); err != nil || ok {
			t.Fatalf("exists after delete: %v %v", ok, err)
		}
		if err := s.Delete(ctx, "del/me.jpg"); err != nil {
			t.Fatalf("second delete: %v, want nil", err)
		}
		if got := string(get(t, s, "del/keep.jpg")); got != "stay" {
			t.Fatalf("neighbour lost: %q", got)
		}
	})

	t.Run("missing key", func(t *testing.T) {
		if _, err := s.Get(ctx, "never/put.jpg"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
		if _, err := s.Get(ctx, "applications/1"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a key prefix: %v, want ErrNotFound", err)
		}
		if ok, err := s.Exists(ctx, "never/put.jpg"); err != nil || ok {
			t.Fatalf("exists: %v %v", ok, err)
		}
	})

	t.Run("invalid keys refused everywhere", func(t *testing.T) {
		for _, key := range badKeys {
			if err := s.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("put %q: %v", key, err)
			}
			if _, err := s.Get(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("get %q: %v", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("delete %q: %v", key, err)
			}
			if _, err := s.Exists(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("exists %q: %v", key, err)
			}
		}
	})

	t.Run("a put in progress is invisible", func(t *testing.T) {
		put(t, s, "slow/x.jpg", "old")
		pr, pw := io.Pipe()
		done := make(chan error, 1)
		go func() { done <- s.Put(ctx, "slow/x.jpg", pr, 8) }()
		pw.Write([]byte("new-"))
		time.Sleep(50 * time.Millisecond)
		if got := string(get(t, s, "slow/x.jpg")); got != "old" {
			t.Fatalf("during put: %q, want the old blob", got)
		}
		pw.Write([]byte("data"))
		pw.Close()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if got := string(get(t, s, "slow/x.jpg")); got != "new-data" {
			t.Fatalf("after put: %q", got)
		}
	})

	t.Run("a failing reader stores nothing", func(t *testing.T) {
		r := io.MultiReader(bytes.NewReader(big[:1<<20]), errReader{errors.New("client went away")})
		if err := s.Put(ctx, "fail/x.jpg", r, int64(len(big))); err == nil {
			t.Fatal("put succeeded")
		}
		if _, err := s.Get(ctx, "fail/x.jpg"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after failed put: %v, want ErrNotFound", err)
		}
	})

	t.Run("concurrent puts of different keys", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				key := "conc/" + string(rune('a'+i)) + ".jpg"
				if err := s.Put(ctx, key, strings.NewReader(key), int64(len(key))); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for i := range 8 {
			key := "conc/" + string(rune('a'+i)) + ".jpg"
			if got := string(get(t, s, key)); got != key {
				t.Errorf("%s: %q", key, got)
			}
		}
	})
}

var badKeys = []string{"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", ".hidden", "a/.tmp-x", "a b", "a\\b", "ä.jpg", "a\x00b", strings.Repeat("a", maxKeyLen+1)}

func put(t *testing.T, s Store, key, data string) {
	t.Helper()
	if err := s.Put(context.Background(), key, strings.NewReader(data), int64(len(data))); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func get(t *testing.T, s Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("get %s: %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestLocalStore(t *testing.T) {
	s, err := Open(context.Background(), "file:"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
}

// fakeS3 serves an in-memory S3 and sets credentials the way an operator would.
func fakeS3(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "beian-test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "beian-test-secret")
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestS3Store(t *testing.T) {
	endpoint := fakeS3(t)
	s, err := Open(context.Background(), "s3://beian-attachments?endpoint="+endpoint+"&region=us-east-1&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	testStore(t, s)
}

func TestS3StoreWithPrefixAndExistingBucket(t *testing.T) {
	endpoint := fakeS3(t)
	ctx := context.Background()
	url := "s3://shared/beian/prod?endpoint=" + endpoint + "&insecure=1"
	a, err := Open(ctx, url) // creates the bucket
	if err != nil {
		t.Fatal(err)
	}
	put(t, a, "k.jpg", "prefixed")
	b, err := Open(ctx, url) // finds it
	if err != nil {
		t.Fatal(err)
	}
	if got := string(get(t, b, "k.jpg")); got != "prefixed" {
		t.Fatalf("got %q", got)
	}
	root, err := Open(ctx, "s3://shared?endpoint="+endpoint+"&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(get(t, root, "beian/prod/k.jpg")); got != "prefixed" {
		t.Fatalf("object not under the prefix: %q", got)
	}
}

func TestOpenURLs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		url string
		ok  bool
	}{
		{"file:" + dir, true},
		{"file://" + dir, true},
		{"file://otherhost/x", false},
		{"file:", false},
		{dir, false},
		{"ftp://x", false},
		{"s3://", false},
		{"s3://user:pw@bucket", false},
		{"s3://bucket?insecure=maybe", false},
		{"s3://bucket/../x", false},
	}
	for _, tt := range tests {
		_, err := Open(context.Background(), tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("Open(%q): %v", tt.url, err)
		}
	}
	cfg, err := ParseS3URL("s3://b/p/q?endpoint=minio:9000&region=cn-north-1&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Bucket != "b" || cfg.Prefix != "p/q" || cfg.Endpoint != "minio:9000" || cfg.Region != "cn-north-1" || !cfg.Insecure {
		t.Errorf("parsed %+v", cfg)
	}
}

func TestValidKey(t *testing.T) {
	for _, k := range []string{"a", "applications/12/3.jpg", "A-b_c.d/e", "x/y/z/w.jpeg"} {
		if err := ValidKey(k); err != nil {
			t.Errorf("%q: %v", k, err)
		}
	}
	for _, k := range badKeys {
		if err := ValidKey(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%q accepted", k)
		}
	}
}
