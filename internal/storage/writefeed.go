package storage

import (
	"context"
	"strings"
	"sync"
	"time"
)

// The write feed tells every instance what the others' transactions
// changed, so caches can trust a generation instead of a short TTL and the
// domain filter learns other instances' domains:
//   - on PostgreSQL a transaction notifies the channel beian_domains with
//     its domains and a line per cached kind it changed (delivered only if
//     it commits); every instance listens (domainfilter.go);
//   - on SQLite (several processes on one database file: a server and a
//     command, tests) a transaction counts what it changed in
//     write_counters; every instance polls those rows every
//     writePollInterval and treats a count it did not make as another
//     process's write.

// Lines of a notification that are not domains (a domain has no '|').
const (
	notePublic       = "g|public"
	noteApplications = "g|applications"
)

// writePollInterval is how late an SQLite instance may learn of another
// process's write.
const writePollInterval = 250 * time.Millisecond

// The kinds write_counters counts, by index.
const (
	countPublic = iota
	countApplications
	countDomains
	countKinds
)

var counterNames = [countKinds]string{"public", "applications", "domains"}

// writeCounters are the write_counters values this instance has seen: its
// own commits and what its polls read.
type writeCounters struct {
	mu   sync.Mutex
	seen [countKinds]int64
	ok   bool // seen holds values read from the database
}

// beforeCommit tells the filter, and the other instances, about the
// transaction's domains and the cached data it changed.
func (t *Tx) beforeCommit(ctx context.Context) error {
	if len(t.domains) > 0 && t.s.domains != nil {
		t.s.domains.add(t.domains)
	}
	if t.s.pg {
		return t.notify(ctx)
	}
	return t.count(ctx)
}

// notify sends the transaction's domains and cache notes (PostgreSQL).
func (t *Tx) notify(ctx context.Context) error {
	lines := t.domains
	if t.changes&changesPublic != 0 {
		lines = append(lines[:len(lines):len(lines)], notePublic)
	}
	if t.changes&changesApplications != 0 {
		lines = append(lines[:len(lines):len(lines)], noteApplications)
	}
	// A notification's payload is limited to 8000 bytes.
	var b strings.Builder
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		_, err := t.tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, domainChannel, b.String())
		b.Reset()
		return translate(err)
	}
	for _, d := range lines {
		if b.Len()+len(d)+1 > 7900 {
			if err := flush(); err != nil {
				return err
			}
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d)
	}
	return flush()
}

// count advances write_counters for what the transaction changed
// (SQLite), keeping the new values for afterCommit.
func (t *Tx) count(ctx context.Context) error {
	kinds := [countKinds]bool{t.changes&changesPublic != 0, t.changes&changesApplications != 0, len(t.domains) > 0}
	for k, changed := range kinds {
		if !changed {
			continue
		}
		if err := t.tx.QueryRowContext(ctx, `UPDATE write_counters SET n = n + 1 WHERE kind = ? RETURNING n`, counterNames[k]).Scan(&t.counted[k]); err != nil {
			return translate(err)
		}
	}
	return nil
}

// commit commits the transaction; on SQLite, with the counters locked, so
// a poll never reads this commit's counts before they are known as its own.
func (t *Tx) commit() error {
	if t.s.pg || t.counted == [countKinds]int64{} {
		return t.tx.Commit()
	}
	c := &t.s.counters
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := t.tx.Commit(); err != nil {
		return err
	}
	for k, n := range t.counted {
		if n == 0 {
			continue
		}
		if c.ok && n != c.seen[k]+1 {
			t.s.foreignWrite(k) // another process counted in between
		}
		c.seen[k] = n
	}
	return nil
}

// pollCounters reads write_counters and takes every count this instance
// did not make as another process's write (SQLite). The first poll only
// learns the values.
func (s *Store) pollCounters(ctx context.Context) error {
	c := &s.counters
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, err := s.r.QueryContext(ctx, `SELECT kind, n FROM write_counters`)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int64
		if err := rows.Scan(&kind, &n); err != nil {
			return translate(err)
		}
		for k, name := range counterNames {
			if name == kind {
				if c.ok && n > c.seen[k] {
					s.foreignWrite(k)
				}
				c.seen[k] = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	c.ok = true
	return nil
}

// foreignWrite applies another process's write of kind k: the caches of
// that kind are dropped; the filter, which cannot know the domains, says
// maybe until it is rebuilt.
func (s *Store) foreignWrite(k int) {
	switch k {
	case countPublic:
		s.publicGen.Add(1)
	case countApplications:
		s.openGen.Add(1)
	case countDomains:
		if f := s.domains; f != nil {
			f.invalidate()
			select {
			case f.rebuild <- struct{}{}:
			default:
			}
		}
	}
}

// received applies one notification (PostgreSQL): domains to the filter,
// cache notes to the generations.
func (s *Store) received(payload string) {
	lines := strings.Split(payload, "\n")
	domains := lines[:0]
	for _, l := range lines {
		switch l {
		case notePublic:
			s.publicGen.Add(1)
		case noteApplications:
			s.openGen.Add(1)
		default:
			domains = append(domains, l)
		}
	}
	s.domains.add(domains)
}

// SeesOtherInstances reports whether PublicGeneration and
// ApplicationsGeneration count other instances' commits too: while the
// write feed runs (StartDomainFilter; milliseconds late on PostgreSQL, at
// most writePollInterval on SQLite), so caches may keep entries longer
// than the seconds they otherwise allow.
func (s *Store) SeesOtherInstances() bool {
	if s.domains == nil {
		return false
	}
	s.domains.mu.RLock()
	defer s.domains.mu.RUnlock()
	return s.domains.ready
}

// missedNotes drops every cached copy: other instances' writes may have
// gone unseen (the feed was down).
func (s *Store) missedNotes() {
	s.publicGen.Add(1)
	s.openGen.Add(1)
}
