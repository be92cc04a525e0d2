// Package storagetest opens real databases for tests: always a fresh SQLite
// file, and a fresh PostgreSQL schema when BEIAN_TEST_POSTGRES_URL is set
// (CI sets it; a plain `go test ./...` skips PostgreSQL with a message).
package storagetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"beian/internal/clock"
	"beian/internal/storage"
)

// PostgresEnv names the variable holding the PostgreSQL test URL.
const PostgresEnv = "BEIAN_TEST_POSTGRES_URL"

var seq atomic.Int64

// URLs returns database URLs to run a test against, keyed by name
// ("sqlite", "postgres"): each a fresh, empty database.
func URLs(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "beian.db")}
	if u := PostgresURL(t); u != "" {
		out["postgres"] = u
	}
	return out
}

// PostgresURL creates a fresh schema and returns a URL whose search_path
// points at it, or "" (with a logged note) when PostgreSQL tests are off.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Logf("PostgreSQL tests skipped: set %s=postgres://… to run them", PostgresEnv)
		return ""
	}
	schema := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), rand.Uint64(), seq.Add(1))
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresEnv, err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return u.String()
}

// Open returns migrated stores keyed by database name, their clock
// starting at clock.TestNow() and running on with real time (leases and
// timeouts expire as they would in production).
func Open(t testing.TB) map[string]*storage.Store {
	return OpenAt(t, clock.Running(clock.TestNow()))
}

// OpenAt is Open with the stores' business clock.
func OpenAt(t testing.TB, now clock.Clock) map[string]*storage.Store {
	t.Helper()
	out := map[string]*storage.Store{}
	for name, u := range URLs(t) {
		out[name] = OpenURL(t, u, now)
	}
	return out
}

// OpenURL opens the database at url with the business clock now, migrates
// it and closes it when the test ends.
func OpenURL(t testing.TB, url string, now clock.Clock) *storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), url, now)
	if err != nil {
		t.Fatalf("open %s: %v", Name(url), err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", Name(url), err)
	}
	return s
}

// EachURL runs fn as a subtest on every available database, named after
// it ("sqlite", "postgres"), with the database's URL: for tests that build
// more than a store on it (a whole system, two instances, a seeder).
func EachURL(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	for name, u := range URLs(t) {
		t.Run(name, func(t *testing.T) { fn(t, u) })
	}
}

// Each runs fn as a subtest on every available database.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	for name, s := range Open(t) {
		t.Run(name, func(t *testing.T) { fn(t, s) })
	}
}

// WantJobs fails the test unless the store holds as many jobs in each state
// ("queued", "running", "done", "failed") as want says; states want leaves
// out are not checked.
func WantJobs(t testing.TB, s *storage.Store, want map[string]int) {
	t.Helper()
	counts, err := s.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for state, n := range want {
		if counts[state] != n {
			t.Errorf("jobs %v, want %d %s", counts, n, state)
		}
	}
}

// Name extracts the driver name from a URL, for test labels.
func Name(u string) string {
	if strings.HasPrefix(u, "postgres") {
		return "postgres"
	}
	return "sqlite"
}
