package e2e

import (
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
	t       testing.TB
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
	return &instance{t: t, st: k.Store, svc: k.Service, handler: k.Handler(), log: logs}
}

// do sends a JSON request to the instance's API.
func (in *instance) do(method, path, token string, body any) answer {
	in.t.Helper()
	return record(in.t, in.handler, method, path, token, body, "")
}

// record sends a JSON request through h.
func record(t testing.TB, h http.Handler, method, path, token string, body any, lang string) answer {
	t.Helper()
	return serve(h, testkit.Request(t, method, path, body), token, lang)
}

// serve answers req through h as a request from 127.0.0.1, with the bearer
// token and the Accept-Language lang (either may be "").
func serve(h http.Handler, req *http.Request, token, lang string) answer {
	req.RemoteAddr = "127.0.0.1:4321"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}
