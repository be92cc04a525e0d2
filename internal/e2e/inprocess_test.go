package e2e

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"beian/internal/api"
	"beian/internal/blob"
	"beian/internal/config"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
)

// instance is an in-process Beian (service + API router) for tests that
// need to swap a part (a failing blob store) or to hammer one call.
type instance struct {
	st      *storage.Store
	svc     *service.Service
	handler http.Handler
	log     *syncBuffer
}

func newInstance(t testing.TB, dbURL string, blobs blob.Store) *instance {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sealer, err := pii.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{Provider: config.DefaultProvider(), BaseURL: "http://beian.test", RateLimits: true}
	v, err := rules.New(cfg.Provider)
	if err != nil {
		t.Fatal(err)
	}
	if blobs == nil {
		if blobs, err = blob.Open(ctx, "file:"+filepath.Join(t.TempDir(), "blobs")); err != nil {
			t.Fatal(err)
		}
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := service.New(service.Deps{Store: st, Sealer: sealer, Rules: v, Blobs: blobs, Config: cfg, Log: log, Now: time.Now})
	mux := http.NewServeMux()
	api.New(api.Deps{Service: svc, Validator: v, Log: log, Now: time.Now}).Routes(mux)
	return &instance{st: st, svc: svc, handler: mux, log: logs}
}

var _ = io.Discard
