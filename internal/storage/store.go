// Package storage is the one place Beian speaks SQL. The same schema and
// queries run on SQLite (embedded default) and PostgreSQL (scale-out); where
// the two differ, both variants sit side by side in the same method.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"beian/internal/clock"
)

// Store is the database. Writes go through Tx on the writer pool; reads use
// the read pool (on SQLite a separate set of connections beside the single
// writer, so readers never wait behind a write).
type Store struct {
	Reader // the read queries, on the read pool
	w, r   *sql.DB
	pg     bool
	url    string      // for the domain filter's listener (PostgreSQL)
	now    clock.Clock // business time: every stamp storage writes itself

	rebinds sync.Map // query text → its PostgreSQL form (q)

	// stmts caches the read pool's prepared statements by query text
	// (SQLite only: parsing and planning a query cost more than running
	// an indexed lookup; pgx caches statements itself).
	stmtMu sync.RWMutex
	stmts  map[string]*sql.Stmt

	// transitionHook runs inside every AddTransition (transitions.go).
	transitionHook TransitionHook

	domains  *domainFilter // see DomainMayBeKnown; nil until started
	counters writeCounters // SQLite: the write feed's counts (writefeed.go)

	publicGen atomic.Uint64 // see PublicGeneration
	openGen   atomic.Uint64 // see ApplicationsGeneration
}

// maxStmts bounds the statement cache; queries beyond it are prepared each time.
const maxStmts = 512

// Open connects to "sqlite:PATH" or "postgres://…". now is the business
// clock: the times storage stamps itself (job creation, outbox, registry
// rows) come from it, never from the wall clock.
func Open(ctx context.Context, url string, now clock.Clock) (*Store, error) {
	if now == nil {
		return nil, errors.New("storage: no clock")
	}
	s := &Store{stmts: map[string]*sql.Stmt{}, now: now}
	s.Reader = Reader{db: s}
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		db.SetMaxOpenConns(32)
		db.SetMaxIdleConns(32)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.r, s.pg, s.url = db, db, true, url
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, errors.New("sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("create data dir: %w", err)
			}
		}
		// The database file is created 0600 here, before SQLite opens it:
		// SQLite gives its -wal and -shm files the database file's mode.
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("create database file: %w", err)
		}
		// synchronous(FULL): an acknowledged commit is on disk, even after
		// a power cut, not only after a process crash.
		base := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
		w, err := sql.Open("sqlite", base+"&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		w.SetMaxOpenConns(1) // SQLite has one writer; queue in Go, not in busy loops
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		// 8 MiB of page cache per reader (SQLite's default is 2): the hot
		// index pages stay in memory instead of being read again from the
		// OS. Each reader has its own cache outside the Go heap; 16 MiB
		// took the server to 291 MB at 1,000,000 subjects (bound: 300).
		r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=cache_size(-8192)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite readers: %w", err)
		}
		n := max(4, runtime.NumCPU()*2)
		r.SetMaxOpenConns(n)
		r.SetMaxIdleConns(n)
		r.SetConnMaxLifetime(0)
		s.w, s.r = w, r
	default:
		return nil, fmt.Errorf("database URL must start with sqlite: or postgres://, got %q", url)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.w.PingContext(pctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return s, nil
}

// Now is the business clock the store was opened with.
func (s *Store) Now() time.Time { return s.now() }

// Postgres reports whether the store runs on PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }

// Close closes both pools.
func (s *Store) Close() error {
	s.stopDomainFilter()
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return nil
}

// q turns the portable "?" placeholders into PostgreSQL's $n, once per
// query text (a sync.Map: each key written once, then only read).
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	if out, ok := s.rebinds.Load(query); ok {
		return out.(string)
	}
	out := rebind(query)
	s.rebinds.Store(query, out)
	return out
}

// rebind numbers the "?" placeholders outside string literals: $1, $2, …
func rebind(query string) string {
	var b strings.Builder
	n := 0
	inStr := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inStr = !inStr
			b.WriteByte(c)
		case c == '?' && !inStr:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// reader runs the read queries: the read pool outside a transaction, the
// transaction itself inside one (so it sees its own writes and locks).
type reader interface {
	queryRow(ctx context.Context, query string, args ...any) *sql.Row
	query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Reader holds every read query, each written once. Store and Tx embed
// it: s.SubjectRecord reads from the read pool, tx.SubjectRecord inside
// the transaction, with the same SQL.
type Reader struct{ db reader }

// Tx is a write transaction. Methods that change data hang off Tx so a
// state change and the jobs announcing it commit together.
type Tx struct {
	Reader // the read queries, inside the transaction
	s      *Store
	tx     *sql.Tx
	// changes are what the transaction wrote that caches keep: each write
	// method says so itself (Tx.changed), and the commit counts it.
	changes changes
	// domains are the domains the transaction writes (the domain filter).
	domains []string
	// counted are the write_counters values it set (SQLite; writefeed.go).
	counted [countKinds]int64
}

// changes name the data that caches outside storage keep copies of.
type changes uint8

const (
	// changesPublic: filing records or the bureau's registry, which the
	// public lookup and the pre-check read (PublicGeneration).
	changesPublic changes = 1 << iota
	// changesApplications: applications or their domains, which the
	// pre-check's open-application answers read (ApplicationsGeneration).
	changesApplications
)

// changed records that the transaction wrote data a cache keeps. Every
// write method of those tables calls it (a test checks they do).
func (t *Tx) changed(c changes) { t.changes |= c }

// PublicGeneration counts committed transactions of this Store that wrote
// filing records or the bureau's registry. Caches of public data compare
// it to drop everything read before a change. Another instance's writes
// count only while SeesOtherInstances; otherwise those caches keep
// entries for seconds only.
func (s *Store) PublicGeneration() uint64 { return s.publicGen.Load() }

// ApplicationsGeneration counts committed transactions of this Store (and
// of other instances while SeesOtherInstances) that wrote applications (created, saved, moved state, closed): the pre-check's
// cache of which subjects and domains have an open application compares it.
func (s *Store) ApplicationsGeneration() uint64 { return s.openGen.Load() }

// Tx runs fn in a write transaction, committing when fn returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	t := &Tx{s: s, tx: sqlTx}
	t.Reader = Reader{db: t}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := t.beforeCommit(ctx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	err = t.commit()
	if err == nil && len(t.domains) > 0 && s.domains != nil {
		s.domains.add(t.domains) // again: a rebuild may have scanned before the commit
	}
	// Even after a failed commit: a stale cache entry costs more than a miss.
	if t.changes&changesPublic != 0 {
		s.publicGen.Add(1)
	}
	if t.changes&changesApplications != 0 {
		s.openGen.Add(1)
	}
	if err != nil {
		return translate(fmt.Errorf("commit: %w", err))
	}
	return nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, t.s.q(query), args...)
	return res, translate(err)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.s.q(query), args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, t.s.q(query), args...)
	return rows, translate(err)
}

// read helpers on the read pool.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, s.q(query), args...)
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, translate(err)
	}
	rows, err := s.r.QueryContext(ctx, s.q(query), args...)
	return rows, translate(err)
}

// prepared returns the read pool's prepared statement for query, preparing
// it on first use; nil on PostgreSQL, when the cache is full or preparing
// fails (the caller then runs the query unprepared and sees the error).
func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	if s.pg {
		return nil
	}
	s.stmtMu.RLock()
	st, ok := s.stmts[query]
	s.stmtMu.RUnlock()
	if ok {
		return st
	}
	st, err := s.r.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if prev, ok := s.stmts[query]; ok {
		st.Close()
		return prev
	}
	if s.stmts == nil || len(s.stmts) >= maxStmts {
		st.Close()
		return nil
	}
	s.stmts[query] = st
	return st
}

// ms converts a time to the stored form: Unix milliseconds, portable across both databases.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS converts a stored timestamp back; 0 is the zero time.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// where collects a query's optional conditions, each with its argument.
type where struct {
	sql  string // " AND …" for each condition
	args []any
}

// and adds cond (one placeholder) with arg when set.
func (w *where) and(cond string, arg any, set bool) {
	if set {
		w.sql += " AND " + cond
		w.args = append(w.args, arg)
	}
}

// eq adds "col = ?" when v is not empty.
func (w *where) eq(col, v string) { w.and(col+" = ?", v, v != "") }

// limitOf is n, or def when n is not positive, at most max.
func limitOf(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// marks is n placeholders for an IN list: "?, ?, ?".
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// inChunks calls fn for keys in chunks of at most 500, with the chunk's
// placeholders and arguments, so an IN list stays within every driver's
// bound on parameters.
func inChunks(keys []string, fn func(marks string, args []any) error) error {
	for len(keys) > 0 {
		n := min(len(keys), 500)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		keys = keys[n:]
		if err := fn(marks(n), args); err != nil {
			return err
		}
	}
	return nil
}

// collect reads every row with scan and closes the rows.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// counted reads rows of (key, count) into out and closes the rows.
func counted(rows *sql.Rows, out map[string]int) (map[string]int, error) {
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, translate(err)
		}
		out[k] = n
	}
	return out, translate(rows.Err())
}

// createPrivate creates an empty file readable by its owner only, unless
// it exists.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}
