package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"beian/internal/api"
	"beian/internal/blob"
	"beian/internal/clock"
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
	st, err := storage.Open(ctx, dbURL, clock.Running(clock.TestNow()))
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
	svc := service.New(service.Deps{Store: st, Sealer: sealer, Rules: v, Blobs: blobs, Config: cfg, Log: log, Now: st.Now})
	mux := http.NewServeMux()
	api.New(api.Deps{Service: svc, Validator: v, Log: log, Now: st.Now}).Routes(mux)
	return &instance{st: st, svc: svc, handler: mux, log: logs}
}

var _ = io.Discard

// record sends a JSON request through h.
func record(t testing.TB, h http.Handler, method, path, token string, body any, lang string) answer {
	t.Helper()
	var raw []byte
	ct := ""
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
		ct = "application/json"
	}
	return recordRaw(t, h, method, path, token, ct, raw, lang)
}

func recordRaw(t testing.TB, h http.Handler, method, path, token, ct string, body []byte, lang string) answer {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:4321"
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}
