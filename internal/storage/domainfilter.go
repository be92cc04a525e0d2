package storage

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/jackc/pgx/v5"
)

// The domain filter answers "no table here holds this domain" (or "this
// subject") without a round trip: a Bloom filter of every domain ever
// written to application_domains, website_records and bureau_websites, and
// of every subject certificate hash written to applications,
// subject_records and bureau_subjects. A Bloom filter
// has no false negatives, so its "no" is exact, and a "maybe" (a domain
// there, or cancelled since, or a false positive) falls back to the query.
// The pre-check of a domain nobody has filed or applied for — an applicant
// trying names — then costs no database round trip, nor does the subject
// half of a first filing.
//
// It stays in step with the writes:
//   - this Store's transactions add their domains before the commit (a
//     reader during the commit sees "maybe" and queries) and again after it
//     (so a rebuild that scanned before the commit still learns them);
//   - on PostgreSQL the same transactions notify the channel
//     beian_domains (delivered only if they commit), and every instance
//     listens, so another instance's domain is known milliseconds after its
//     commit; creating an application checks again inside its transaction,
//     so that window cannot open a second application;
//   - until the filter is built, and whenever the listener's connection is
//     lost (notifications missed), the filter says "maybe" to everything
//     and is rebuilt from a scan.
type domainFilter struct {
	mu       sync.RWMutex
	bf       *bloom.BloomFilter
	n, cap   uint
	ready    bool
	building bool
	pending  []string // adds while building, for the new filter

	listener atomic.Uint32 // the listening backend's PID (PostgreSQL), for tests

	rebuild chan struct{}
	stop    context.CancelFunc
	done    chan struct{}
}

// domainFilterFP is the filter's false-positive rate: one new name in a
// hundred still pays the query. Sized at twice the domains it starts
// with, about 2.4 MB at a million.
const (
	domainFilterFP      = 0.01
	domainFilterMinSize = 1 << 16
	domainChannel       = "beian_domains"
)

// mayHold reports whether the domain may be in a table here.
func (f *domainFilter) mayHold(domain string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return !f.ready || f.bf.TestString(domain)
}

// add records domains written (or about to be committed).
func (f *domainFilter) add(domains []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.building {
		f.pending = append(f.pending, domains...)
	}
	if f.bf == nil {
		return
	}
	for _, d := range domains {
		if !f.bf.TestOrAddString(d) {
			f.n++
		}
	}
	if f.n > f.cap && !f.building {
		select {
		case f.rebuild <- struct{}{}:
		default:
		}
	}
}

// invalidate makes the filter say "maybe" until the next rebuild.
func (f *domainFilter) invalidate() {
	f.mu.Lock()
	f.ready = false
	f.mu.Unlock()
}

// DomainMayBeKnown reports whether a table of this database may hold the
// normalized domain (an application's, a website record's, the bureau
// simulator's registry): false is exact; true means ask the database.
// Before StartDomainFilter, always true.
func (s *Store) DomainMayBeKnown(domain string) bool {
	if s.domains == nil {
		return true
	}
	return s.domains.mayHold(domain)
}

// SubjectMayBeKnown is DomainMayBeKnown for a subject's certificate hash
// (an application's, a subject record's, or the registry's own hash).
func (s *Store) SubjectMayBeKnown(certHash string) bool {
	if s.domains == nil {
		return true
	}
	return s.domains.mayHold(subjectKey(certHash))
}

// The filter's keys: a domain as it is, a certificate hash behind a
// prefix no domain can have.
func subjectKey(certHash string) string { return "s|" + certHash }

// noteDomains records domains a transaction writes, for the filter —
// this instance's, and the other instances' through the write feed, even
// where this one runs no filter.
func (t *Tx) noteDomains(domains ...string) {
	for _, d := range domains {
		if d != "" {
			t.domains = append(t.domains, d)
		}
	}
}

// noteSubjects records subject certificate hashes a transaction writes.
func (t *Tx) noteSubjects(certHashes ...string) {
	for _, h := range certHashes {
		if h != "" {
			t.domains = append(t.domains, subjectKey(h))
		}
	}
}

// StartDomainFilter builds the domain filter in the background and keeps
// it current until Close. Until it is built, DomainMayBeKnown says true.
func (s *Store) StartDomainFilter(ctx context.Context, log *slog.Logger) {
	if s.domains != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f := &domainFilter{rebuild: make(chan struct{}, 1), stop: cancel, done: make(chan struct{})}
	s.domains = f
	go func() {
		defer close(f.done)
		for ctx.Err() == nil {
			err := s.runDomainFilter(ctx)
			f.invalidate()
			s.missedNotes()
			if ctx.Err() != nil {
				return
			}
			log.Warn("domain filter: rebuilding after an error; the pre-check queries meanwhile", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

// runDomainFilter listens (PostgreSQL) or polls the write counters
// (SQLite), builds the filter and keeps it current until ctx ends or the
// feed fails (writefeed.go).
func (s *Store) runDomainFilter(ctx context.Context) error {
	f := s.domains
	var conn *pgx.Conn
	if s.pg {
		var err error
		if conn, err = pgx.Connect(ctx, s.url); err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		if _, err := conn.Exec(ctx, "LISTEN "+domainChannel); err != nil {
			return err
		}
		f.listener.Store(conn.PgConn().PID())
	}
	var tick <-chan time.Time
	if !s.pg {
		// Read the counts before the scan, as PostgreSQL listens before it:
		// a write after the scan is then counted as news.
		if err := s.pollCounters(ctx); err != nil {
			return err
		}
		t := time.NewTicker(writePollInterval)
		defer t.Stop()
		tick = t.C
	}
	if err := s.buildDomainFilter(ctx); err != nil {
		return err
	}
	s.missedNotes() // what was cached while nobody listened
	notes := make(chan string, 64)
	lost := make(chan error, 1)
	if conn != nil {
		go func() {
			for {
				n, err := conn.WaitForNotification(ctx)
				if err != nil {
					lost <- err
					return
				}
				notes <- n.Payload
			}
		}()
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-lost:
			return err
		case p := <-notes:
			s.received(p)
		case <-tick:
			if err := s.pollCounters(ctx); err != nil {
				return err
			}
		case <-f.rebuild:
			if err := s.buildDomainFilter(ctx); err != nil {
				return err
			}
		}
	}
}

// buildDomainFilter scans every domain into a new filter sized for twice
// as many, adding what was written meanwhile, and swaps it in.
func (s *Store) buildDomainFilter(ctx context.Context) error {
	f := s.domains
	f.mu.Lock()
	f.building, f.pending = true, nil
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.building, f.pending = false, nil
		f.mu.Unlock()
	}()
	var count int
	if err := s.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM application_domains) + (SELECT COUNT(*) FROM website_records) + (SELECT COUNT(*) FROM bureau_websites)
		+ (SELECT COUNT(*) FROM applications) + (SELECT COUNT(*) FROM subject_records) + (SELECT COUNT(*) FROM bureau_subjects)`).Scan(&count); err != nil {
		return translate(err)
	}
	size := max(uint(2*count), domainFilterMinSize)
	bf := bloom.NewWithEstimates(size, domainFilterFP)
	var n uint
	rows, err := s.r.QueryContext(ctx, `SELECT '', domain FROM application_domains UNION ALL SELECT '', domain FROM website_records
		UNION ALL SELECT '', domain FROM bureau_websites UNION ALL SELECT 's', subject_cert_hash FROM applications
		UNION ALL SELECT 's', cert_hash FROM subject_records UNION ALL SELECT 's', cert_hash FROM bureau_subjects`)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	var tag, d string
	for rows.Next() {
		if err := rows.Scan(&tag, &d); err != nil {
			return translate(err)
		}
		if tag != "" {
			d = subjectKey(d)
		}
		if !bf.TestOrAddString(d) {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.pending {
		if !bf.TestOrAddString(d) {
			n++
		}
	}
	f.bf, f.n, f.cap, f.ready = bf, n, size, true
	return nil
}

// stopDomainFilter ends the filter's goroutine (Close).
func (s *Store) stopDomainFilter() {
	if f := s.domains; f != nil {
		f.stop()
		<-f.done
	}
}

var errNoFilter = errors.New("storage: domain filter not started")

// DomainFilterReady waits until the domain filter is built (tests and the
// benchmark's warm-up), or ctx ends.
func (s *Store) DomainFilterReady(ctx context.Context) error {
	f := s.domains
	if f == nil {
		return errNoFilter
	}
	for {
		f.mu.RLock()
		ok := f.ready
		f.mu.RUnlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
