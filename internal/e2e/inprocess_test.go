package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"beian/internal/app"
	"beian/internal/blob"
	"beian/internal/clock"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/testkit"
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
	logs := &syncBuffer{}
	opts := []app.Option{app.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		app.WithClock(clock.Running(clock.TestNow()))}
	if blobs != nil {
		opts = append(opts, app.WithBlobs(blobs))
	}
	k := testkit.New(t, testkit.DB(dbURL), testkit.With(opts...))
	return &instance{st: k.Store, svc: k.Service, handler: k.Handler(), log: logs}
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
