package storage

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Application is a stored application. Document is the sealed JSON of the
// filing document; the columns beside it are what lookups need.
type Application struct {
	ID              string
	OwnerID         string
	Flow            string
	State           string
	Open            bool // false once approved or withdrawn
	Province        string
	SubjectName     string
	SubjectCertType string
	SubjectCertHash string
	RecordNumber    string
	Document        string
	Version         int
	DueAt           time.Time
	SubmittedAt     time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time

	// Domains are the websites' domains in document order (application_domains).
	Domains []string
	// MobileHashes maps a leader role ("subject_leader", "website_leader:0")
	// to the keyed hash of its mobile (leader_mobiles). Nil leaves them as they are on update.
	MobileHashes map[string]string
}

const appCols = `id, owner_id, flow, state, open, province, subject_name, subject_cert_type, subject_cert_hash,
	record_number, document, version, due_at, submitted_at, created_at, updated_at`

func scanApplication(row scanner) (*Application, error) {
	var a Application
	var open int
	var due, submitted, created, updated int64
	if err := row.Scan(&a.ID, &a.OwnerID, &a.Flow, &a.State, &open, &a.Province, &a.SubjectName, &a.SubjectCertType,
		&a.SubjectCertHash, &a.RecordNumber, &a.Document, &a.Version, &due, &submitted, &created, &updated); err != nil {
		return nil, translate(err)
	}
	a.Open = open != 0
	a.DueAt, a.SubmittedAt, a.CreatedAt, a.UpdatedAt = fromMS(due), fromMS(submitted), fromMS(created), fromMS(updated)
	return &a, nil
}

// CreateApplication inserts a with version 1.
func (t *Tx) CreateApplication(ctx context.Context, a *Application) error {
	t.changed(changesApplications)
	t.noteSubjects(a.SubjectCertHash)
	a.Version = 1
	_, err := t.exec(ctx, `INSERT INTO applications (`+appCols+`, queue_domains) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.OwnerID, a.Flow, a.State, boolInt(a.Open), a.Province, a.SubjectName, a.SubjectCertType, a.SubjectCertHash,
		a.RecordNumber, a.Document, a.Version, ms(a.DueAt), ms(a.SubmittedAt), ms(a.CreatedAt), ms(a.UpdatedAt), QueueDomains(a.Domains))
	if err != nil {
		return fmt.Errorf("create application: %w", err)
	}
	return t.writeLookups(ctx, a)
}

// UpdateApplication writes a if its stored version is still a.Version (the
// one read), then bumps a.Version. A concurrent change makes it ErrConflict.
func (t *Tx) UpdateApplication(ctx context.Context, a *Application) error {
	t.changed(changesApplications)
	t.noteSubjects(a.SubjectCertHash)
	res, err := t.exec(ctx, `UPDATE applications SET flow = ?, state = ?, open = ?, province = ?, subject_name = ?,
		subject_cert_type = ?, subject_cert_hash = ?, record_number = ?, document = ?, version = version + 1,
		due_at = ?, submitted_at = ?, updated_at = ?, queue_domains = ? WHERE id = ? AND version = ?`,
		a.Flow, a.State, boolInt(a.Open), a.Province, a.SubjectName, a.SubjectCertType, a.SubjectCertHash, a.RecordNumber,
		a.Document, ms(a.DueAt), ms(a.SubmittedAt), ms(a.UpdatedAt), QueueDomains(a.Domains), a.ID, a.Version)
	if err != nil {
		return fmt.Errorf("update application %s: %w", a.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("application %s changed meanwhile: %w", a.ID, ErrConflict)
	}
	a.Version++
	return t.writeLookups(ctx, a)
}

// QueueDomains is how an application keeps its domains for the review
// queue (migration 00059): the non-empty ones in document order, separated
// by a space (no domain name holds one). A list longer than
// maxQueueDomains bytes is queueDomainsElsewhere instead.
func QueueDomains(domains []string) string {
	var b strings.Builder
	for _, d := range domains {
		if d == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(d)
	}
	if b.Len() > maxQueueDomains {
		return queueDomainsElsewhere
	}
	return b.String()
}

// maxQueueDomains bounds the domains an application keeps in the queue's
// indexes: an index entry is bounded (PostgreSQL's B-tree: 2,704 bytes,
// with a subject name of up to 400), and ten domains of 253 bytes are not.
// The migrations 00059 and 00060 hold the same number.
const maxQueueDomains = 1024

// queueDomainsElsewhere stands for a list too long for the row (no domain
// is "*"): the queue reads those from application_domains.
const queueDomainsElsewhere = "*"

// writeLookups replaces the domain and mobile lookup rows of a.
func (t *Tx) writeLookups(ctx context.Context, a *Application) error {
	t.changed(changesApplications)
	if _, err := t.exec(ctx, `DELETE FROM application_domains WHERE application_id = ?`, a.ID); err != nil {
		return fmt.Errorf("application domains: %w", err)
	}
	for i, d := range a.Domains {
		if d == "" {
			continue
		}
		t.noteDomains(d)
		if _, err := t.exec(ctx, `INSERT INTO application_domains (application_id, idx, domain, open) VALUES (?, ?, ?, ?)`,
			a.ID, i, d, boolInt(a.Open)); err != nil {
			return fmt.Errorf("application domain: %w", err)
		}
	}
	if a.MobileHashes != nil {
		if err := t.SetLeaderMobiles(ctx, "application", a.ID, a.MobileHashes); err != nil {
			return err
		}
	}
	return nil
}

// SetLeaderMobiles replaces the mobile hashes of one owner ("application" or "subject").
func (t *Tx) SetLeaderMobiles(ctx context.Context, ownerType, ownerID string, hashes map[string]string) error {
	if _, err := t.exec(ctx, `DELETE FROM leader_mobiles WHERE owner_type = ? AND owner_id = ?`, ownerType, ownerID); err != nil {
		return fmt.Errorf("leader mobiles: %w", err)
	}
	roles := make([]string, 0, len(hashes))
	for r := range hashes {
		roles = append(roles, r)
	}
	sort.Strings(roles)
	for _, r := range roles {
		if hashes[r] == "" {
			continue
		}
		if _, err := t.exec(ctx, `INSERT INTO leader_mobiles (owner_type, owner_id, role, mobile_hash) VALUES (?, ?, ?, ?)`,
			ownerType, ownerID, r, hashes[r]); err != nil {
			return fmt.Errorf("leader mobile: %w", err)
		}
	}
	return nil
}

// Application reads one application with its domains.
func (rd Reader) Application(ctx context.Context, id string) (*Application, error) {
	return rd.application(ctx, id, "")
}

// ApplicationForUpdate reads one application inside a write transaction,
// locking its row on PostgreSQL (SQLite's write transaction is exclusive).
func (t *Tx) ApplicationForUpdate(ctx context.Context, id string) (*Application, error) {
	lock := ""
	if t.s.pg {
		lock = " FOR UPDATE"
	}
	return t.application(ctx, id, lock)
}

func (rd Reader) application(ctx context.Context, id, lock string) (*Application, error) {
	a, err := scanApplication(rd.db.queryRow(ctx, `SELECT `+appCols+` FROM applications WHERE id = ?`+lock, id))
	if err != nil {
		return nil, fmt.Errorf("application %s: %w", id, err)
	}
	if a.Domains, err = rd.applicationDomains(ctx, id); err != nil {
		return nil, err
	}
	return a, nil
}

func (rd Reader) applicationDomains(ctx context.Context, id string) ([]string, error) {
	rows, err := rd.db.query(ctx, `SELECT domain FROM application_domains WHERE application_id = ? ORDER BY idx`, id)
	if err != nil {
		return nil, fmt.Errorf("application domains: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, translate(err)
		}
		out = append(out, d)
	}
	return out, translate(rows.Err())
}

// ApplicationsByOwner lists an account's applications, newest first, with
// their domains but without decoding anything sealed.
func (rd Reader) ApplicationsByOwner(ctx context.Context, ownerID string) ([]*Application, error) {
	return rd.listApplications(ctx, `SELECT `+appCols+` FROM applications WHERE owner_id = ? ORDER BY created_at DESC, id DESC`,
		`SELECT d.application_id, d.domain FROM application_domains d JOIN applications a ON a.id = d.application_id
		 WHERE a.owner_id = ? ORDER BY d.idx`, ownerID)
}

func (rd Reader) listApplications(ctx context.Context, q, dq string, arg any) ([]*Application, error) {
	rows, err := rd.db.query(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("list applications: %w", err)
	}
	var out []*Application
	byID := map[string]*Application{}
	for rows.Next() {
		a, err := scanApplication(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	drows, err := rd.db.query(ctx, dq, arg)
	if err != nil {
		return nil, fmt.Errorf("list application domains: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var id, d string
		if err := drows.Scan(&id, &d); err != nil {
			return nil, translate(err)
		}
		if a := byID[id]; a != nil {
			a.Domains = append(a.Domains, d)
		}
	}
	return out, translate(drows.Err())
}

// OpenApplication is the little the pre-check needs to know about an open application.
type OpenApplication struct {
	ID      string
	OwnerID string
	Flow    string
	State   string
}

// OpenApplicationsBySubject lists open applications of a subject (by certificate hash).
func (rd Reader) OpenApplicationsBySubject(ctx context.Context, certHash string) ([]OpenApplication, error) {
	return rd.openApps(ctx, openAppsBySubject, certHash)
}

// OpenApplicationsByDomain lists open applications that include a domain.
func (rd Reader) OpenApplicationsByDomain(ctx context.Context, domain string) ([]OpenApplication, error) {
	return rd.openApps(ctx, openAppsByDomain, domain)
}

// OpenApplicationsByRecord lists open applications started from a record number.
func (rd Reader) OpenApplicationsByRecord(ctx context.Context, number string) ([]OpenApplication, error) {
	return rd.openApps(ctx, `SELECT id, owner_id, flow, state FROM applications WHERE record_number = ? AND open = 1 ORDER BY created_at`, number)
}

func (rd Reader) openApps(ctx context.Context, q string, arg any) ([]OpenApplication, error) {
	rows, err := rd.db.query(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("open applications: %w", err)
	}
	return collect(rows, scanOpenApp)
}

func scanOpenApp(row scanner) (OpenApplication, error) {
	var o OpenApplication
	err := row.Scan(&o.ID, &o.OwnerID, &o.Flow, &o.State)
	return o, translate(err)
}

// The open applications of a subject and of a domain (the columns scanOpenApp reads).
const (
	openAppsBySubject = `SELECT id, owner_id, flow, state FROM applications WHERE subject_cert_hash = ? AND open = 1 ORDER BY created_at`
	openAppsByDomain  = `SELECT a.id, a.owner_id, a.flow, a.state FROM application_domains d JOIN applications a ON a.id = d.application_id
		WHERE d.domain = ? AND d.open = 1 AND a.open = 1 ORDER BY a.created_at`
)

// MobileOwner is one holder of a leader mobile hash.
type MobileOwner struct {
	OwnerType string // application | subject
	OwnerID   string
	Role      string
}

// MobileOwners lists who uses a leader mobile (by its keyed hash).
func (rd Reader) MobileOwners(ctx context.Context, mobileHash string) ([]MobileOwner, error) {
	rows, err := rd.db.query(ctx, `SELECT owner_type, owner_id, role FROM leader_mobiles WHERE mobile_hash = ? ORDER BY owner_type, owner_id, role`, mobileHash)
	if err != nil {
		return nil, fmt.Errorf("mobile owners: %w", err)
	}
	defer rows.Close()
	var out []MobileOwner
	for rows.Next() {
		var m MobileOwner
		if err := rows.Scan(&m.OwnerType, &m.OwnerID, &m.Role); err != nil {
			return nil, translate(err)
		}
		out = append(out, m)
	}
	return out, translate(rows.Err())
}

// LockKey serializes transactions on one key until this transaction ends:
// a PostgreSQL advisory lock, nothing on SQLite, whose write transactions
// already run one at a time. Used so two instances cannot both open an
// application for one subject or domain.
func (t *Tx) LockKey(ctx context.Context, key string) error {
	if !t.s.pg {
		return nil
	}
	if _, err := t.exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, key); err != nil {
		return fmt.Errorf("lock %s: %w", key, err)
	}
	return nil
}

// OpenApplicationsFor lists, inside a write transaction, the open
// applications of a subject (by certificate hash) and those including any
// of domains, drafts included (whom they block is the service's rule).
func (t *Tx) OpenApplicationsFor(ctx context.Context, certHash string, domains []string) (bySubject, byDomain []OpenApplication, err error) {
	scan := func(q string, arg string) ([]OpenApplication, error) {
		rows, err := t.query(ctx, q, arg)
		if err != nil {
			return nil, err
		}
		return collect(rows, scanOpenApp)
	}
	if bySubject, err = scan(openAppsBySubject, certHash); err != nil {
		return nil, nil, fmt.Errorf("open by subject: %w", err)
	}
	for _, d := range domains {
		if d == "" {
			continue
		}
		got, err := scan(openAppsByDomain, d)
		if err != nil {
			return nil, nil, fmt.Errorf("open by domain: %w", err)
		}
		byDomain = append(byDomain, got...)
	}
	return bySubject, byDomain, nil
}

// CountDrafts counts an account's drafts, inside a write transaction.
func (t *Tx) CountDrafts(ctx context.Context, ownerID string) (int, error) {
	var n int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM applications WHERE owner_id = ? AND state = 'draft' AND open = 1`, ownerID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count drafts: %w", translate(err))
	}
	return n, nil
}

// StaleDrafts lists up to limit drafts last changed before before, oldest first.
func (s *Store) StaleDrafts(ctx context.Context, before time.Time, limit int) ([]*Application, error) {
	rows, err := s.query(ctx, `SELECT `+appCols+` FROM applications WHERE state = 'draft' AND open = 1 AND updated_at < ?
		ORDER BY updated_at LIMIT ?`, ms(before), limit)
	if err != nil {
		return nil, fmt.Errorf("stale drafts: %w", err)
	}
	return collect(rows, scanApplication)
}

// OpenApplicationsByOwner maps the certificate hash of each subject with
// an open application of the account to that application's id.
func (rd Reader) OpenApplicationsByOwner(ctx context.Context, ownerID string) (map[string]string, error) {
	rows, err := rd.db.query(ctx, `SELECT subject_cert_hash, id FROM applications WHERE owner_id = ? AND open = 1 ORDER BY created_at DESC`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("open applications: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var hash, id string
		if err := rows.Scan(&hash, &id); err != nil {
			return nil, translate(err)
		}
		out[hash] = id // oldest last: it wins, as the first of OpenApplicationsBySubject did
	}
	return out, translate(rows.Err())
}
