package storage

import (
	"context"
	"fmt"
	"strings"
)

// Reads of the filing records inside a transaction (the approval writes
// records from what it reads, so both must see the same state), and the
// public lookup. The public lookup answers from indexed columns only
// (website_records.domain / .number, subject_records.number): nothing is
// unsealed and nothing personal is selected.

// SubjectRecordByNumber reads a subject record by number inside the transaction.
func (t *Tx) SubjectRecordByNumber(ctx context.Context, number string) (*SubjectRecord, error) {
	r, err := scanSubject(t.queryRow(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("subject record %s: %w", number, err)
	}
	return r, nil
}

// SubjectRecord reads a subject record by id inside the transaction.
func (t *Tx) SubjectRecord(ctx context.Context, id string) (*SubjectRecord, error) {
	r, err := scanSubject(t.queryRow(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("subject record %s: %w", id, err)
	}
	return r, nil
}

// SubjectRecordsByCert lists the subject records of a certificate hash
// in one status ("" for any), inside the transaction.
func (t *Tx) SubjectRecordsByCert(ctx context.Context, certHash, status string) ([]*SubjectRecord, error) {
	rows, err := t.query(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE cert_hash = ? AND (? = '' OR status = ?) ORDER BY created_at`,
		certHash, status, status)
	if err != nil {
		return nil, fmt.Errorf("subject records: %w", err)
	}
	return collect(rows, scanSubject)
}

// WebsiteRecordByNumber reads a website record by number inside the transaction.
func (t *Tx) WebsiteRecordByNumber(ctx context.Context, number string) (*WebsiteRecord, error) {
	r, err := scanWebsite(t.queryRow(ctx, `SELECT `+websiteCols+` FROM website_records WHERE number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("website record %s: %w", number, err)
	}
	return r, nil
}

// WebsiteRecordsBySubject lists a subject's website records (cancelled
// ones included) inside the transaction.
func (t *Tx) WebsiteRecordsBySubject(ctx context.Context, subjectID string) ([]*WebsiteRecord, error) {
	rows, err := t.query(ctx, `SELECT `+websiteCols+` FROM website_records WHERE subject_id = ? ORDER BY number`, subjectID)
	if err != nil {
		return nil, fmt.Errorf("website records: %w", err)
	}
	return collect(rows, scanWebsite)
}

// AccessRecordsByWebsite lists a website's access records inside the transaction.
func (t *Tx) AccessRecordsByWebsite(ctx context.Context, websiteID string) ([]*AccessRecord, error) {
	rows, err := t.query(ctx, `SELECT `+accessCols+` FROM access_records WHERE website_id = ? ORDER BY created_at`, websiteID)
	if err != nil {
		return nil, fmt.Errorf("access records: %w", err)
	}
	return collect(rows, scanAccess)
}

// PublicFiling is one line of the public lookup: nothing personal.
type PublicFiling struct {
	SubjectName   string
	Nature        string
	SubjectNumber string
	WebsiteName   string
	Domain        string
	WebsiteNumber string
	ApprovedOn    string
}

// Each lookup is one query: the websites by an indexed column joined to
// their subject by primary key. A website number ends in "-n", a subject
// number in 号, so the number lookup knows which it is without a second try.

// publicCols are the lookup's columns, website w joined to subject s.
const publicCols = `s.name, s.nature, s.number, w.name, w.domain, w.number, w.approved_on
	FROM website_records w JOIN subject_records s ON s.id = w.subject_id AND s.status = 'active'`

// PublicFilingsByDomain answers the public lookup for a domain.
func (s *Store) PublicFilingsByDomain(ctx context.Context, domain string) ([]PublicFiling, error) {
	return s.publicFilings(ctx, `SELECT `+publicCols+` WHERE w.domain = ? AND w.status <> 'cancelled' ORDER BY w.number`, domain)
}

// PublicFilingsByNumber answers the public lookup for a website number
// (that website) or a subject number (its websites).
func (s *Store) PublicFilingsByNumber(ctx context.Context, number string) ([]PublicFiling, error) {
	if strings.HasSuffix(number, "号") {
		return s.publicFilings(ctx, `SELECT `+publicCols+` WHERE s.number = ? AND w.status <> 'cancelled' ORDER BY w.number`, number)
	}
	return s.publicFilings(ctx, `SELECT `+publicCols+` WHERE w.number = ? AND w.status <> 'cancelled'`, number)
}

func (s *Store) publicFilings(ctx context.Context, q string, args ...any) ([]PublicFiling, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("public filings: %w", err)
	}
	defer rows.Close()
	out := []PublicFiling{}
	for rows.Next() {
		var p PublicFiling
		if err := rows.Scan(&p.SubjectName, &p.Nature, &p.SubjectNumber, &p.WebsiteName, &p.Domain, &p.WebsiteNumber, &p.ApprovedOn); err != nil {
			return nil, translate(err)
		}
		out = append(out, p)
	}
	if err := translate(rows.Err()); err != nil {
		return nil, fmt.Errorf("public filings: %w", err)
	}
	return out, nil
}
