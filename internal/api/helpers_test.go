package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"beian/internal/api"
	"beian/internal/blob"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/pii"
	"beian/internal/rules"
	"beian/internal/service"
	"beian/internal/storage"
	"beian/internal/workdays"
)

// env is one Beian instance over a database URL and a data dir; reopen
// closes everything and starts again on the same data, like a restart.
type env struct {
	t       testing.TB
	url     string
	dir     string
	now     time.Time
	store   *storage.Store
	handler http.Handler
}

func newEnv(t testing.TB, url string) *env {
	e := &env{t: t, url: url, dir: t.TempDir(), now: clock.TestNow()}
	e.open()
	t.Cleanup(func() { e.store.Close() })
	return e
}

func (e *env) open() {
	t := e.t
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(ctx, e.url, func() time.Time { return e.now })
	if err != nil {
		t.Fatal(err)
	}
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
	blobs, err := blob.Open(ctx, "file:"+filepath.Join(e.dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return e.now }
	svc := service.New(service.Deps{Store: st, Sealer: sealer, Rules: v, Blobs: blobs, Config: cfg, Now: now})
	mux := http.NewServeMux()
	api.New(api.Deps{Service: svc, Validator: v, Now: now}).Routes(mux)
	e.store, e.handler = st, mux
}

func (e *env) reopen() {
	e.t.Helper()
	if err := e.store.Close(); err != nil {
		e.t.Fatal(err)
	}
	e.open()
}

// answer is a recorded response.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("answer %d is not JSON: %v\n%s", a.status, err, a.body)
	}
	return m
}

// code is the error code of an error answer.
func (a answer) code(t testing.TB) string {
	t.Helper()
	e, _ := a.json(t)["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (e *env) do(method, path, token string, body any) answer {
	e.t.Helper()
	return e.send(e.request(method, path, body), token)
}

func (e *env) request(method, path string, body any) *http.Request {
	e.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ct = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(j), "application/json"
	}
	req := httptest.NewRequest(method, path, rd)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return req
}

func (e *env) send(req *http.Request, token string) answer {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (e *env) upload(path, token string, fields map[string]string, file []byte) answer {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(file)
	mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return e.send(req, token)
}

// photo is a real JPEG of w×h with some structure in it.
func photo(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x ^ y) & 0xff), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exampleDocument is the spec's Hangzhou enterprise filing.
func exampleDocument(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile("testdata/enterprise-first-filing.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func itoa(i int) string { return strconv.Itoa(i) }

// testCal is the official working-day calendar the tests compute their
// expected deadlines with (workdays has its own tests on fixed dates).
var testCal, _ = workdays.New(nil)

// day is the CST calendar date offset days from the env's clock, so a
// test's dates follow BEIAN_TEST_NOW.
func (e *env) day(offset int) string {
	return e.now.In(workdays.CST).AddDate(0, 0, offset).Format(time.DateOnly)
}

// workday is the first working day after the env's clock; offday the first
// day that is not one.
func (e *env) workday() string { return e.nextDay(true) }
func (e *env) offday() string  { return e.nextDay(false) }

func (e *env) nextDay(work bool) string {
	d := e.now.In(workdays.CST)
	for {
		d = d.AddDate(0, 0, 1)
		if testCal.IsWorkday(d) == work {
			return d.Format(time.DateOnly)
		}
	}
}

// dueAfter is the API's rendering of the instant h working hours after at.
func dueAfter(at time.Time, h float64) string {
	return testCal.AddWorkingHours(at, h).UTC().Format(time.RFC3339)
}
