package storage

import (
	"context"
	"fmt"
	"strings"
)

// PrecheckFacts is what Beian's own tables say about a certificate and a
// domain, for the pre-check (workflow.md "Choosing the flow").
type PrecheckFacts struct {
	// The open applications of the subject and those including the
	// domain, drafts included: whom they block is the service's rule.
	OpenBySubject, OpenByDomain []OpenApplication
	// Subject is the oldest active subject record of the certificate that
	// still has a website; nil when none.
	Subject *PrecheckSubject
	// Website is the oldest website record of the domain that is not
	// cancelled; nil when none.
	Website *PrecheckWebsite
	// With a RegistryProbe: whether the bureau simulator's registry holds
	// an active subject of the certificate, and a website of the domain
	// that is not cancelled.
	RegistrySubject, RegistryDomain bool
}

// RegistryProbe are the bureau simulator's keys for a certificate and a
// domain (its tables share this database).
type RegistryProbe struct{ CertHash, Domain string }

// PrecheckSubject is a subject record as the pre-check needs it.
type PrecheckSubject struct {
	Number, OwnerID, Data string // Data: sealed filing.Subject
}

// PrecheckWebsite is a website record with its subject's certificate hash
// and whether an active access of this provider hosts it.
type PrecheckWebsite struct {
	Number, CertHash, Data string // Data: sealed filing.Website
	AccessedHere           bool
}

// The pre-check's questions are branches of one statement (one round trip
// on PostgreSQL, one statement step loop on SQLite), each an indexed
// lookup tagged by its first column; a question the caller has answered
// from its cache is left out. The LIMIT 1 branches sit in subqueries,
// which both databases accept in a compound SELECT.
const (
	openBySubject = `SELECT 'os', flow, id, owner_id, state FROM applications WHERE subject_cert_hash = ? AND open = 1`
	openByDomain  = `SELECT 'od', a.flow, a.id, a.owner_id, a.state FROM application_domains d JOIN applications a ON a.id = d.application_id
	WHERE d.domain = ? AND d.open = 1 AND a.open = 1`
	liveSubject = `SELECT * FROM (SELECT 'S', sr.number, sr.owner_id, sr.data, '' FROM subject_records sr
	WHERE sr.cert_hash = ? AND sr.status = 'active'
	AND EXISTS (SELECT 1 FROM website_records w WHERE w.subject_id = sr.id AND w.status <> 'cancelled')
	ORDER BY sr.created_at LIMIT 1) s`
	liveWebsite = `SELECT * FROM (SELECT 'W', w.number, sr.cert_hash, w.data,
	CASE WHEN EXISTS (SELECT 1 FROM access_records ac WHERE ac.website_id = w.id AND ac.status = 'active') THEN 'y' ELSE '' END
	FROM website_records w JOIN subject_records sr ON sr.id = w.subject_id
	WHERE w.domain = ? AND w.status <> 'cancelled' ORDER BY w.created_at LIMIT 1) w`
	// The bureau simulator's registry: existence tests on its indexes.
	registrySubject = `SELECT 'BS', '', '', '', '' WHERE EXISTS (SELECT 1 FROM bureau_subjects WHERE cert_hash = ? AND status = 'active')`
	registryDomain  = `SELECT 'BW', '', '', '', '' WHERE EXISTS (SELECT 1 FROM bureau_websites WHERE domain = ? AND status <> 'cancelled')`
)

// PrecheckFacts reads the pre-check's facts in one query: about the
// subject of certHash and about the normalized domain (either "" to leave
// it out), and with a probe what the simulator's registry holds.
func (rd Reader) PrecheckFacts(ctx context.Context, certHash, domain string, probe *RegistryProbe) (*PrecheckFacts, error) {
	var branches []string
	var args []any
	add := func(q string, arg any) {
		branches = append(branches, q)
		args = append(args, arg)
	}
	if certHash != "" {
		add(openBySubject, certHash)
		add(liveSubject, certHash)
		if probe != nil {
			add(registrySubject, probe.CertHash)
		}
	}
	if domain != "" {
		add(openByDomain, domain)
		add(liveWebsite, domain)
		if probe != nil {
			add(registryDomain, probe.Domain)
		}
	}
	if len(branches) == 0 {
		return &PrecheckFacts{}, nil
	}
	q := strings.Join(branches, "\nUNION ALL\n")
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pre-check facts: %w", err)
	}
	defer rows.Close()
	f := &PrecheckFacts{}
	for rows.Next() {
		var tag, a, b, c, d string
		if err := rows.Scan(&tag, &a, &b, &c, &d); err != nil {
			return nil, translate(err)
		}
		switch tag {
		case "os":
			f.OpenBySubject = append(f.OpenBySubject, OpenApplication{Flow: a, ID: b, OwnerID: c, State: d})
		case "od":
			f.OpenByDomain = append(f.OpenByDomain, OpenApplication{Flow: a, ID: b, OwnerID: c, State: d})
		case "S":
			f.Subject = &PrecheckSubject{Number: a, OwnerID: b, Data: c}
		case "W":
			f.Website = &PrecheckWebsite{Number: a, CertHash: b, Data: c, AccessedHere: d != ""}
		case "BS":
			f.RegistrySubject = true
		case "BW":
			f.RegistryDomain = true
		}
	}
	if err := translate(rows.Err()); err != nil {
		return nil, fmt.Errorf("pre-check facts: %w", err)
	}
	return f, nil
}
