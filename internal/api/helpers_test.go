package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"beian/internal/storage"
	"beian/internal/storage/storagetest"
	"beian/internal/testkit"
	"beian/internal/workdays"
)

// env is one Beian over a database URL and a data dir, as production
// wires it (testkit: every API answer checked against openapi.json);
// reopen closes everything and starts again on the same data, like a
// restart. A test that wires its own stack (lcEnv) fills store and handler.
type env struct {
	t       testing.TB
	url     string
	dir     string
	clock   *testkit.Clock
	kit     *testkit.Kit
	store   *storage.Store
	handler http.Handler
}

func newEnv(t testing.TB, url string) *env { return envOf(t, url, testkit.New(t, testkit.DB(url))) }

// eachEnv runs fn on an env of every available database.
func eachEnv(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) { fn(t, newEnv(t, url)) })
}

// envOf is the env of a kit built with options of the test's own.
func envOf(t testing.TB, url string, k *testkit.Kit) *env {
	return &env{t: t, url: url, dir: t.TempDir(), clock: k.Clock, kit: k, store: k.Store, handler: k.Handler()}
}

// login opens a session through the API and returns its token.
func (e *env) login(email, password string) string { return e.kit.Login(email, password) }

func (e *env) reopen() {
	e.t.Helper()
	e.kit.Reopen()
	e.store, e.handler = e.kit.Store, e.kit.Handler()
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
	return testkit.Request(e.t, method, path, body)
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
	return e.send(testkit.UploadRequest(path, fields, map[string][]byte{"file": file}), token)
}

// photo is a real JPEG of w×h with some structure in it.
func photo(t testing.TB, w, h int) []byte { return testkit.Photo(t, w, h) }

// exampleDocument is the spec's Hangzhou enterprise filing.
func exampleDocument(t testing.TB) map[string]any { return testkit.ExampleDocument(t) }

func itoa(i int) string { return strconv.Itoa(i) }

// testCal is the official working-day calendar the tests compute their
// expected deadlines with (workdays has its own tests on fixed dates).
var testCal, _ = workdays.New(nil)

// day is the CST calendar date offset days from the env's clock, so a
// test's dates follow BEIAN_TEST_NOW.
func (e *env) day(offset int) string {
	return e.clock.Now().In(workdays.CST).AddDate(0, 0, offset).Format(time.DateOnly)
}

// workday is the first working day after the env's clock; offday the first
// day that is not one.
func (e *env) workday() string { return e.nextDay(true) }
func (e *env) offday() string  { return e.nextDay(false) }

func (e *env) nextDay(work bool) string {
	d := e.clock.Now().In(workdays.CST)
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
