package storage

import (
	"context"
	"fmt"
	"strings"
)

// The public lookup answers from indexed columns only
// (website_records.domain / .number, subject_records.number): nothing is
// unsealed and nothing personal is selected.

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
func (rd Reader) PublicFilingsByDomain(ctx context.Context, domain string) ([]PublicFiling, error) {
	return rd.publicFilings(ctx, `SELECT `+publicCols+` WHERE w.domain = ? AND w.status <> 'cancelled' ORDER BY w.number`, domain)
}

// PublicFilingsByNumber answers the public lookup for a website number
// (that website) or a subject number (its websites).
func (rd Reader) PublicFilingsByNumber(ctx context.Context, number string) ([]PublicFiling, error) {
	if strings.HasSuffix(number, "号") {
		return rd.publicFilings(ctx, `SELECT `+publicCols+` WHERE s.number = ? AND w.status <> 'cancelled' ORDER BY w.number`, number)
	}
	return rd.publicFilings(ctx, `SELECT `+publicCols+` WHERE w.number = ? AND w.status <> 'cancelled'`, number)
}

func (rd Reader) publicFilings(ctx context.Context, q string, args ...any) ([]PublicFiling, error) {
	rows, err := rd.db.query(ctx, q, args...)
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
