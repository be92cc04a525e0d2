package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Record statuses (workflow.md "Filing records").
const (
	RecordActive    = "active"
	RecordNoAccess  = "no_access" // websites only: no provider hosts it any more
	RecordCancelled = "cancelled"
)

// SubjectRecord is the current version of a filed subject. Data is the
// sealed JSON of its filing.Subject.
type SubjectRecord struct {
	ID            string
	Number        string
	OwnerID       string
	Province      string
	Nature        string
	CertType      string
	CertHash      string
	Name          string
	Status        string
	Version       int
	Data          string
	ApplicationID string
	NextWebsite   int
	ApprovedOn    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// WebsiteRecord is the current version of a filed website. Data is the
// sealed JSON of its filing.Website (without access).
type WebsiteRecord struct {
	ID            string
	SubjectID     string
	Number        string
	Domain        string
	Name          string
	Status        string
	Version       int
	Data          string
	ApplicationID string
	ApprovedOn    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// AccessRecord is this provider's access of a website. Data is the JSON of
// its filing.Access (addresses only, nothing personal).
type AccessRecord struct {
	ID            string
	WebsiteID     string
	Status        string
	Version       int
	Data          string
	ApplicationID string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

const subjectCols = `id, number, owner_id, province, nature, cert_type, cert_hash, name, status, version, data, application_id, next_website, approved_on, created_at, updated_at`
const websiteCols = `id, subject_id, number, domain, name, status, version, data, application_id, approved_on, created_at, updated_at`
const accessCols = `id, website_id, status, version, data, application_id, created_at, updated_at`

func scanSubject(row scanner) (*SubjectRecord, error) {
	var r SubjectRecord
	var c, u int64
	if err := row.Scan(&r.ID, &r.Number, &r.OwnerID, &r.Province, &r.Nature, &r.CertType, &r.CertHash, &r.Name, &r.Status,
		&r.Version, &r.Data, &r.ApplicationID, &r.NextWebsite, &r.ApprovedOn, &c, &u); err != nil {
		return nil, translate(err)
	}
	r.CreatedAt, r.UpdatedAt = fromMS(c), fromMS(u)
	return &r, nil
}

func scanWebsite(row scanner) (*WebsiteRecord, error) {
	var r WebsiteRecord
	var c, u int64
	if err := row.Scan(&r.ID, &r.SubjectID, &r.Number, &r.Domain, &r.Name, &r.Status, &r.Version, &r.Data,
		&r.ApplicationID, &r.ApprovedOn, &c, &u); err != nil {
		return nil, translate(err)
	}
	r.CreatedAt, r.UpdatedAt = fromMS(c), fromMS(u)
	return &r, nil
}

func scanAccess(row scanner) (*AccessRecord, error) {
	var r AccessRecord
	var c, u int64
	if err := row.Scan(&r.ID, &r.WebsiteID, &r.Status, &r.Version, &r.Data, &r.ApplicationID, &c, &u); err != nil {
		return nil, translate(err)
	}
	r.CreatedAt, r.UpdatedAt = fromMS(c), fromMS(u)
	return &r, nil
}

// currentVersion returns a record's stored version, 0 when it does not exist yet.
func (t *Tx) currentVersion(ctx context.Context, table, id string) (int, error) {
	var v int
	err := translate(t.queryRow(ctx, `SELECT version FROM `+table+` WHERE id = ?`, id).Scan(&v))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return 0, nil
		}
		return 0, err
	}
	return v, nil
}

func (t *Tx) addVersion(ctx context.Context, typ, id string, version int, status, data, appID string, at time.Time) error {
	t.changed(changesPublic)
	_, err := t.exec(ctx, `INSERT INTO record_versions (record_type, record_id, version, status, data, application_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		typ, id, version, status, data, appID, ms(at))
	if err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	return nil
}

// PutSubjectRecord inserts r (version 1) or writes it as the next version,
// keeping every version in record_versions. A taken number is ErrConflict.
func (t *Tx) PutSubjectRecord(ctx context.Context, r *SubjectRecord) error {
	t.changed(changesPublic)
	if r.ID == "" {
		r.ID = uuid.Must(uuid.NewV7()).String()
	}
	v, err := t.currentVersion(ctx, "subject_records", r.ID)
	if err != nil {
		return fmt.Errorf("subject record: %w", err)
	}
	if r.NextWebsite < 1 {
		r.NextWebsite = 1
	}
	r.Version = v + 1
	t.noteSubjects(r.CertHash)
	if v == 0 {
		if r.CreatedAt.IsZero() {
			r.CreatedAt = r.UpdatedAt
		}
		_, err = t.exec(ctx, `INSERT INTO subject_records (`+subjectCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Number, r.OwnerID, r.Province, r.Nature, r.CertType, r.CertHash, r.Name, r.Status, r.Version, r.Data,
			r.ApplicationID, r.NextWebsite, r.ApprovedOn, ms(r.CreatedAt), ms(r.UpdatedAt))
	} else {
		// next_website only grows: a number once issued is never issued again.
		_, err = t.exec(ctx, `UPDATE subject_records SET number = ?, owner_id = ?, province = ?, nature = ?, cert_type = ?, cert_hash = ?,
			name = ?, status = ?, version = ?, data = ?, application_id = ?,
			next_website = CASE WHEN next_website > ? THEN next_website ELSE ? END, approved_on = ?, updated_at = ? WHERE id = ?`,
			r.Number, r.OwnerID, r.Province, r.Nature, r.CertType, r.CertHash, r.Name, r.Status, r.Version, r.Data,
			r.ApplicationID, r.NextWebsite, r.NextWebsite, r.ApprovedOn, ms(r.UpdatedAt), r.ID)
	}
	if err != nil {
		return fmt.Errorf("put subject record: %w", err)
	}
	return t.addVersion(ctx, "subject", r.ID, r.Version, r.Status, r.Data, r.ApplicationID, r.UpdatedAt)
}

// PutWebsiteRecord inserts r or writes it as the next version.
func (t *Tx) PutWebsiteRecord(ctx context.Context, r *WebsiteRecord) error {
	t.changed(changesPublic)
	if r.ID == "" {
		r.ID = uuid.Must(uuid.NewV7()).String()
	}
	v, err := t.currentVersion(ctx, "website_records", r.ID)
	if err != nil {
		return fmt.Errorf("website record: %w", err)
	}
	r.Version = v + 1
	t.noteDomains(r.Domain)
	if v == 0 {
		if r.CreatedAt.IsZero() {
			r.CreatedAt = r.UpdatedAt
		}
		_, err = t.exec(ctx, `INSERT INTO website_records (`+websiteCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.SubjectID, r.Number, r.Domain, r.Name, r.Status, r.Version, r.Data, r.ApplicationID, r.ApprovedOn,
			ms(r.CreatedAt), ms(r.UpdatedAt))
	} else {
		_, err = t.exec(ctx, `UPDATE website_records SET subject_id = ?, number = ?, domain = ?, name = ?, status = ?, version = ?,
			data = ?, application_id = ?, approved_on = ?, updated_at = ? WHERE id = ?`,
			r.SubjectID, r.Number, r.Domain, r.Name, r.Status, r.Version, r.Data, r.ApplicationID, r.ApprovedOn, ms(r.UpdatedAt), r.ID)
	}
	if err != nil {
		return fmt.Errorf("put website record: %w", err)
	}
	return t.addVersion(ctx, "website", r.ID, r.Version, r.Status, r.Data, r.ApplicationID, r.UpdatedAt)
}

// PutAccessRecord inserts r or writes it as the next version.
func (t *Tx) PutAccessRecord(ctx context.Context, r *AccessRecord) error {
	t.changed(changesPublic)
	if r.ID == "" {
		r.ID = uuid.Must(uuid.NewV7()).String()
	}
	v, err := t.currentVersion(ctx, "access_records", r.ID)
	if err != nil {
		return fmt.Errorf("access record: %w", err)
	}
	r.Version = v + 1
	if v == 0 {
		if r.CreatedAt.IsZero() {
			r.CreatedAt = r.UpdatedAt
		}
		_, err = t.exec(ctx, `INSERT INTO access_records (`+accessCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.WebsiteID, r.Status, r.Version, r.Data, r.ApplicationID, ms(r.CreatedAt), ms(r.UpdatedAt))
	} else {
		_, err = t.exec(ctx, `UPDATE access_records SET website_id = ?, status = ?, version = ?, data = ?, application_id = ?, updated_at = ? WHERE id = ?`,
			r.WebsiteID, r.Status, r.Version, r.Data, r.ApplicationID, ms(r.UpdatedAt), r.ID)
	}
	if err != nil {
		return fmt.Errorf("put access record: %w", err)
	}
	return t.addVersion(ctx, "access", r.ID, r.Version, r.Status, r.Data, r.ApplicationID, r.UpdatedAt)
}

// TakeWebsiteSerial returns the next "-n" of a subject's website numbers
// and advances it, so concurrent approvals never share one.
func (t *Tx) TakeWebsiteSerial(ctx context.Context, subjectID string) (int, error) {
	t.changed(changesPublic)
	var n int
	err := t.queryRow(ctx, `UPDATE subject_records SET next_website = next_website + 1 WHERE id = ? RETURNING next_website - 1`, subjectID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("website serial: %w", translate(err))
	}
	return n, nil
}

// SubjectRecord reads a subject record by id.
func (rd Reader) SubjectRecord(ctx context.Context, id string) (*SubjectRecord, error) {
	r, err := scanSubject(rd.db.queryRow(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("subject record %s: %w", id, err)
	}
	return r, nil
}

// SubjectRecordByNumber reads a subject record by its number.
func (rd Reader) SubjectRecordByNumber(ctx context.Context, number string) (*SubjectRecord, error) {
	r, err := scanSubject(rd.db.queryRow(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("subject record %s: %w", number, err)
	}
	return r, nil
}

// SubjectRecordsByCert lists the subject records with a certificate hash in one status ("" for any).
func (rd Reader) SubjectRecordsByCert(ctx context.Context, certHash, status string) ([]*SubjectRecord, error) {
	return rd.subjects(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE cert_hash = ? AND (? = '' OR status = ?) ORDER BY created_at`,
		certHash, status, status)
}

// SubjectRecordsByOwner lists the subject records an account filed here.
func (rd Reader) SubjectRecordsByOwner(ctx context.Context, ownerID string) ([]*SubjectRecord, error) {
	return rd.subjects(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE owner_id = ? ORDER BY created_at`, ownerID)
}

func (rd Reader) subjects(ctx context.Context, q string, args ...any) ([]*SubjectRecord, error) {
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("subject records: %w", err)
	}
	return collect(rows, scanSubject)
}

// WebsiteRecordByNumber reads a website record by its number.
func (rd Reader) WebsiteRecordByNumber(ctx context.Context, number string) (*WebsiteRecord, error) {
	r, err := scanWebsite(rd.db.queryRow(ctx, `SELECT `+websiteCols+` FROM website_records WHERE number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("website record %s: %w", number, err)
	}
	return r, nil
}

// WebsiteRecordsByDomain lists the website records of a domain that are not cancelled.
func (rd Reader) WebsiteRecordsByDomain(ctx context.Context, domain string) ([]*WebsiteRecord, error) {
	return rd.websites(ctx, `SELECT `+websiteCols+` FROM website_records WHERE domain = ? AND status <> 'cancelled' ORDER BY created_at`, domain)
}

// WebsiteRecordsBySubject lists a subject's website records, cancelled ones included.
func (rd Reader) WebsiteRecordsBySubject(ctx context.Context, subjectID string) ([]*WebsiteRecord, error) {
	return rd.websites(ctx, `SELECT `+websiteCols+` FROM website_records WHERE subject_id = ? ORDER BY number`, subjectID)
}

func (rd Reader) websites(ctx context.Context, q string, args ...any) ([]*WebsiteRecord, error) {
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("website records: %w", err)
	}
	return collect(rows, scanWebsite)
}

// AccessRecordsByWebsite lists a website's access records, cancelled ones included.
func (rd Reader) AccessRecordsByWebsite(ctx context.Context, websiteID string) ([]*AccessRecord, error) {
	rows, err := rd.db.query(ctx, `SELECT `+accessCols+` FROM access_records WHERE website_id = ? ORDER BY created_at`, websiteID)
	if err != nil {
		return nil, fmt.Errorf("access records: %w", err)
	}
	return collect(rows, scanAccess)
}

// RecordVersion is one kept version of a record.
type RecordVersion struct {
	Version       int
	Status        string
	Data          string
	ApplicationID string
	At            time.Time
}

// RecordVersions lists every version of one record ("subject", "website", "access"), oldest first.
func (rd Reader) RecordVersions(ctx context.Context, recordType, id string) ([]RecordVersion, error) {
	rows, err := rd.db.query(ctx, `SELECT version, status, data, application_id, at FROM record_versions
		WHERE record_type = ? AND record_id = ? ORDER BY version`, recordType, id)
	if err != nil {
		return nil, fmt.Errorf("record versions: %w", err)
	}
	defer rows.Close()
	var out []RecordVersion
	for rows.Next() {
		var v RecordVersion
		var at int64
		if err := rows.Scan(&v.Version, &v.Status, &v.Data, &v.ApplicationID, &at); err != nil {
			return nil, translate(err)
		}
		v.At = fromMS(at)
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// The records of one account in three queries, whatever their number ("my
// filings"): its websites and their access records, joined through the
// subject records it owns, and its open applications by subject.

// WebsiteRecordsByOwner lists the website records under an account's
// subject records, cancelled ones included, by number.
func (rd Reader) WebsiteRecordsByOwner(ctx context.Context, ownerID string) ([]*WebsiteRecord, error) {
	return rd.websites(ctx, `SELECT `+prefixCols("w.", websiteCols)+` FROM website_records w
		JOIN subject_records s ON s.id = w.subject_id WHERE s.owner_id = ? ORDER BY w.number`, ownerID)
}

// AccessRecordsByOwner lists the access records of those websites, oldest first.
func (rd Reader) AccessRecordsByOwner(ctx context.Context, ownerID string) ([]*AccessRecord, error) {
	rows, err := rd.db.query(ctx, `SELECT `+prefixCols("a.", accessCols)+` FROM access_records a
		JOIN website_records w ON w.id = a.website_id JOIN subject_records s ON s.id = w.subject_id
		WHERE s.owner_id = ? ORDER BY a.created_at`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("access records: %w", err)
	}
	return collect(rows, scanAccess)
}

// prefixCols qualifies a column list with a table alias.
func prefixCols(alias, cols string) string {
	return alias + strings.ReplaceAll(cols, ", ", ", "+alias)
}
