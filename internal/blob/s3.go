package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config is a parsed s3:// blob URL.
type S3Config struct {
	Bucket   string
	Prefix   string // prepended to every key, without trailing slash
	Endpoint string // host:port; empty for AWS S3
	Region   string
	Insecure bool // plain HTTP, for a local MinIO or a test server
	// Creds default to the AWS environment variables.
	Creds *credentials.Credentials
}

// ParseS3URL reads s3://BUCKET[/PREFIX]?endpoint=HOST:PORT&region=R&insecure=1.
func ParseS3URL(raw string) (S3Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return S3Config{}, fmt.Errorf("blob url: %w", err)
	}
	if u.Scheme != "s3" || u.Host == "" {
		return S3Config{}, fmt.Errorf("blob url %q: want s3://bucket?endpoint=…", raw)
	}
	if u.User != nil {
		return S3Config{}, errors.New("blob url: put S3 credentials in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, not in the URL")
	}
	q := u.Query()
	cfg := S3Config{
		Bucket:   u.Host,
		Prefix:   strings.Trim(u.Path, "/"),
		Endpoint: q.Get("endpoint"),
		Region:   q.Get("region"),
	}
	switch v := q.Get("insecure"); v {
	case "", "0", "false":
	case "1", "true":
		cfg.Insecure = true
	default:
		return S3Config{}, fmt.Errorf("blob url: insecure=%q, want 1 or 0", v)
	}
	if cfg.Prefix != "" {
		if err := ValidKey(cfg.Prefix); err != nil {
			return S3Config{}, fmt.Errorf("blob url prefix: %w", err)
		}
	}
	return cfg, nil
}

// S3 keeps blobs as objects in one bucket. S3 makes an object visible
// only once its upload completes, which gives Put the same all-or-nothing
// behaviour as the local store.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3 connects and creates the bucket if it is missing.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	endpoint := cfg.Endpoint
	if endpoint == "" {
		endpoint = "s3.amazonaws.com"
	}
	creds := cfg.Creds
	if creds == nil {
		creds = credentials.NewEnvAWS()
	}
	client, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: !cfg.Insecure, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("blob: s3 client: %w", err)
	}
	s := &S3{client: client, bucket: cfg.Bucket, prefix: cfg.Prefix}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("blob: s3 bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return nil, fmt.Errorf("blob: create s3 bucket %s: %w", cfg.Bucket, err)
		}
	}
	return s, nil
}

func (s *S3) object(key string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	if s.prefix != "" {
		return s.prefix + "/" + key, nil
	}
	return key, nil
}

// Put uploads r as one object.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if size < 0 {
		// Without a size minio-go switches to multipart uploads with parts
		// sized for a 5 TiB object; attachments are a few MB, so read them
		// first and send one plain PUT.
		b, err := io.ReadAll(r)
		if err != nil {
			return fmt.Errorf("blob: s3 put %s: %w", key, err)
		}
		r, size = bytes.NewReader(b), int64(len(b))
	}
	opts := minio.PutObjectOptions{ContentType: contentType(key)}
	if _, err := s.client.PutObject(ctx, s.bucket, name, r, size, opts); err != nil {
		return fmt.Errorf("blob: s3 put %s: %w", key, err)
	}
	return nil
}

// Get opens the object; the first request is made here so a missing key is
// reported as ErrNotFound rather than on the first Read.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err == nil {
		_, err = obj.Stat()
	}
	if err != nil {
		if obj != nil {
			obj.Close()
		}
		if isNoSuchKey(err) {
			return nil, fmt.Errorf("blob: get %s: %w", key, ErrNotFound)
		}
		return nil, fmt.Errorf("blob: s3 get %s: %w", key, err)
	}
	return obj, nil
}

// Delete removes the object; S3 answers success for a missing one.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil && !isNoSuchKey(err) {
		return fmt.Errorf("blob: s3 delete %s: %w", key, err)
	}
	return nil
}

// Exists asks for the object's metadata.
func (s *S3) Exists(ctx context.Context, key string) (bool, error) {
	name, err := s.object(key)
	if err != nil {
		return false, err
	}
	_, err = s.client.StatObject(ctx, s.bucket, name, minio.StatObjectOptions{})
	switch {
	case err == nil:
		return true, nil
	case isNoSuchKey(err):
		return false, nil
	}
	return false, fmt.Errorf("blob: s3 stat %s: %w", key, err)
}

func isNoSuchKey(err error) bool {
	r := minio.ToErrorResponse(err)
	return r.Code == "NoSuchKey" || r.StatusCode == 404 && r.Code != "NoSuchBucket"
}

func contentType(key string) string {
	switch {
	case strings.HasSuffix(key, ".jpg"), strings.HasSuffix(key, ".jpeg"):
		return "image/jpeg"
	case strings.HasSuffix(key, ".json"):
		return "application/json"
	}
	return "application/octet-stream"
}
