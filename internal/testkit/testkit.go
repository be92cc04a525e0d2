// Package testkit is what the tests of Beian's doors share, written once:
// the system as production wires it (app.New) on SQLite or PostgreSQL with
// a clock the test moves, HTTP helpers (JSON requests, uploads, a cookie
// browser that carries the CSRF token), JPEG pictures and the spec's
// example document. Every /api/v1 answer that passes through a Kit is
// checked against internal/api/openapi.json, so the document cannot drift
// from the handlers without a test failing.
package testkit

import (
	"context"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"beian/internal/api/apitest"
	"beian/internal/app"
	"beian/internal/clock"
	"beian/internal/config"
	"beian/internal/pii"
	"beian/internal/storage/storagetest"
)

// Clock is business time a test sets and moves.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// Kit is one Beian over one database and data dir.
type Kit struct {
	T testing.TB
	*app.System
	Clock *Clock
	cfg   config.Config
	opts  []app.Option
}

// Option configures a Kit.
type Option func(*settings)

type settings struct {
	url  string
	env  map[string]string
	opts []app.Option
}

// DB runs the kit on a database URL (default: a fresh SQLite file).
func DB(url string) Option { return func(s *settings) { s.url = url } }

// Env sets a setting as the environment would (BEIAN_BUREAU_MODE,
// BEIAN_RATE_LIMITS …).
func Env(name, value string) Option { return func(s *settings) { s.env[name] = value } }

// With passes options to app.New (a blob store, a logger).
func With(opts ...app.Option) Option { return func(s *settings) { s.opts = append(s.opts, opts...) } }

// New builds a Beian for the test, with its clock at clock.TestNow().
func New(t testing.TB, opts ...Option) *Kit {
	t.Helper()
	dir := t.TempDir()
	s := settings{env: map[string]string{
		"BEIAN_DATA_DIR":          dir,
		"BEIAN_BASE_URL":          "http://beian.test",
		"BEIAN_SECRET_KEY":        hex.EncodeToString([]byte(strings.Repeat("\x07", 32))),
		"BEIAN_BUREAU_TIME_SCALE": "0",
	}}
	for _, o := range opts {
		o(&s)
	}
	if s.url == "" {
		s.url = storagetest.URLs(t)["sqlite"]
	}
	s.env["BEIAN_DATABASE_URL"] = s.url
	cfg, err := config.Load(func(k string) string { return s.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	k := &Kit{T: t, Clock: &Clock{t: clock.TestNow()}, cfg: cfg}
	k.opts = append([]app.Option{app.WithClock(k.Clock.Now)}, s.opts...)
	k.open()
	t.Cleanup(func() { k.System.Close() })
	return k
}

// Each runs fn on a kit of every available database.
func Each(t *testing.T, fn func(t *testing.T, k *Kit), opts ...Option) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) { fn(t, New(t, append([]Option{DB(url)}, opts...)...)) })
}

// EachPair runs fn on two kits sharing one database — two instances of
// Beian, as a deployment runs them — on every available database.
func EachPair(t *testing.T, fn func(t *testing.T, a, b *Kit), opts ...Option) {
	t.Helper()
	storagetest.EachURL(t, func(t *testing.T, url string) {
		opts := append([]Option{DB(url)}, opts...)
		fn(t, New(t, opts...), New(t, opts...))
	})
}

func (k *Kit) open() {
	k.T.Helper()
	sys, err := app.New(context.Background(), k.cfg, k.opts...)
	if err != nil {
		k.T.Fatal(err)
	}
	k.System = sys
}

// Reopen closes the system and builds it again on the same database and
// data dir, as a restart does.
func (k *Kit) Reopen() {
	k.T.Helper()
	if err := k.System.Close(); err != nil {
		k.T.Fatal(err)
	}
	k.open()
}

// Config is the configuration the kit runs with.
func (k *Kit) Config() config.Config { return k.cfg }

// Handler is the server's handler, every /api/v1 answer checked against
// the OpenAPI document.
func (k *Kit) Handler() http.Handler { return apitest.Checked(k.T, k.System.Handler()) }

// RunJobs runs the queued jobs that are due until none is left, and
// says how many ran.
func (k *Kit) RunJobs() int {
	k.T.Helper()
	total := 0
	for range 1000 {
		n, err := k.Runner.RunDue(context.Background())
		if err != nil {
			k.T.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	k.T.Fatal("jobs keep coming")
	return total
}

// Together runs fn on each of kits at the same moment — instances on one
// database racing for the same work — and waits for them all. fn runs
// beside the test's goroutine: it reports with Error, not Fatal.
func Together(kits []*Kit, fn func(k *Kit)) {
	var wg sync.WaitGroup
	for _, k := range kits {
		wg.Go(func() { fn(k) })
	}
	wg.Wait()
}

// RunJobsTogether runs the due jobs of kits at the same moment, each until
// its queue is dry.
func RunJobsTogether(kits ...*Kit) { Together(kits, (*Kit).DrainJobs) }

// DrainJobs runs the kit's due jobs until none is left (at most 200
// rounds), reporting a failure with Error: it may run beside another
// instance's runner.
func (k *Kit) DrainJobs() {
	for range 200 {
		if n, err := k.Runner.RunDue(context.Background()); err != nil || n == 0 {
			if err != nil {
				k.T.Error(err)
			}
			return
		}
	}
}

// File writes data to a file called name in a fresh folder and returns
// its path (a provider file, a seed, an upload to pick).
func File(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Sealer seals and hashes personal data with the kit's key, as the system
// does (tests that write records straight to the store).
func (k *Kit) Sealer() *pii.Sealer {
	k.T.Helper()
	key, err := hex.DecodeString(k.cfg.SecretKey)
	if err != nil {
		k.T.Fatal(err)
	}
	s, err := pii.New(key)
	if err != nil {
		k.T.Fatal(err)
	}
	return s
}
