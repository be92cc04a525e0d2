package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// MonitorTarget is a website as the compliance monitor checks it.
type MonitorTarget struct {
	WebsiteID     string
	Number        string
	Domain        string
	Name          string
	Data          string // sealed filing.Website
	Status        string
	SubjectNumber string
	Province      string
	OwnerID       string
	SubjectName   string
	AccessedHere  bool // an active access record of this provider
}

// MonitorCheck is one check of one website.
type MonitorCheck struct {
	ID        string
	WebsiteID string
	At        time.Time
	DNS       string
	Addresses []string
	HTTP      string
	Status    int
	Number    string
	Summary   string
	Findings  []string
	Detail    string
}

// MonitorProblem is one problem of one website, from its first sighting
// until a check no longer shows it.
type MonitorProblem struct {
	ID          string
	WebsiteID   string
	Kind        string
	Seen        int
	Detail      string
	FirstSeenAt time.Time
	LastSeenAt  time.Time
	OpenedAt    time.Time
	EscalatedAt time.Time
	ResolvedAt  time.Time
	// With the website, for the escalation mail.
	Domain, Number string
}

// accessedHere is the condition of a website the monitor watches: filed
// (active) and accessed through this provider.
const accessedHere = `w.status = 'active' AND EXISTS (SELECT 1 FROM access_records a WHERE a.website_id = w.id AND a.status = 'active')`

// MonitorDue lists up to limit websites accessed here whose next check is
// due at now (or never checked), the longest waiting first.
func (rd Reader) MonitorDue(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := rd.db.query(ctx, `SELECT w.id FROM website_records w LEFT JOIN monitor_sites m ON m.website_id = w.id
		WHERE `+accessedHere+` AND (m.website_id IS NULL OR m.next_check_at <= ?)
		ORDER BY COALESCE(m.next_check_at, 0), w.id LIMIT ?`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("monitor due: %w", translate(err))
	}
	return collect(rows, func(r scanner) (string, error) {
		var id string
		return id, translate(r.Scan(&id))
	})
}

// SetMonitorNext sets when a website is checked next.
func (t *Tx) SetMonitorNext(ctx context.Context, websiteID string, next time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO monitor_sites (website_id, next_check_at) VALUES (?, ?)
		ON CONFLICT (website_id) DO UPDATE SET next_check_at = excluded.next_check_at`, websiteID, ms(next))
	if err != nil {
		return fmt.Errorf("monitor next: %w", err)
	}
	return nil
}

// ResolveUnwatchedProblems resolves the current problems of websites no
// longer filed and accessed here (access cancelled, website cancelled).
func (t *Tx) ResolveUnwatchedProblems(ctx context.Context, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE monitor_problems SET resolved_at = ? WHERE resolved_at = 0 AND NOT EXISTS
		(SELECT 1 FROM website_records w WHERE w.id = monitor_problems.website_id AND `+accessedHere+`)`, ms(at))
	if err != nil {
		return fmt.Errorf("resolve unwatched problems: %w", err)
	}
	return nil
}

// PruneMonitorChecks deletes up to limit checks made before before, never
// a website's latest (the problems, which tell the story, are kept).
func (t *Tx) PruneMonitorChecks(ctx context.Context, before time.Time, limit int) error {
	_, err := t.exec(ctx, `DELETE FROM monitor_checks WHERE id IN (SELECT c.id FROM monitor_checks c WHERE c.at < ?
		AND NOT EXISTS (SELECT 1 FROM monitor_sites m WHERE m.last_check_id = c.id) ORDER BY c.at LIMIT ?)`, ms(before), limit)
	if err != nil {
		return fmt.Errorf("prune monitor checks: %w", err)
	}
	return nil
}

// MonitorTarget reads a website with its subject's number, province and owner.
func (rd Reader) MonitorTarget(ctx context.Context, websiteID string) (*MonitorTarget, error) {
	var m MonitorTarget
	var accessed int
	err := rd.db.queryRow(ctx, `SELECT w.id, w.number, w.domain, w.name, w.data, w.status, s.number, s.province, s.owner_id, s.name,
		(SELECT COUNT(*) FROM access_records a WHERE a.website_id = w.id AND a.status = 'active')
		FROM website_records w JOIN subject_records s ON s.id = w.subject_id WHERE w.id = ?`, websiteID).Scan(
		&m.WebsiteID, &m.Number, &m.Domain, &m.Name, &m.Data, &m.Status, &m.SubjectNumber, &m.Province, &m.OwnerID, &m.SubjectName, &accessed)
	if err != nil {
		return nil, translate(err)
	}
	m.AccessedHere = accessed > 0 && m.Status == RecordActive
	return &m, nil
}

// AddMonitorCheck stores a check and makes it the website's latest.
func (t *Tx) AddMonitorCheck(ctx context.Context, c *MonitorCheck) error {
	if c.ID == "" {
		c.ID = uuid.Must(uuid.NewV7()).String()
	}
	_, err := t.exec(ctx, `INSERT INTO monitor_checks (id, website_id, at, dns, addresses, http, status, number, summary, findings, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.WebsiteID, ms(c.At), c.DNS, strings.Join(c.Addresses, ","), c.HTTP, c.Status,
		c.Number, c.Summary, strings.Join(c.Findings, ","), c.Detail)
	if err != nil {
		return fmt.Errorf("add monitor check: %w", err)
	}
	_, err = t.exec(ctx, `INSERT INTO monitor_sites (website_id, next_check_at, last_check_id, last_checked_at, last_summary) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (website_id) DO UPDATE SET last_check_id = excluded.last_check_id, last_checked_at = excluded.last_checked_at,
		last_summary = excluded.last_summary`, c.WebsiteID, ms(c.At), c.ID, ms(c.At), c.Summary)
	if err != nil {
		return fmt.Errorf("monitor site: %w", err)
	}
	return nil
}

const checkCols = `id, website_id, at, dns, addresses, http, status, number, summary, findings, detail`

func scanCheck(r scanner) (*MonitorCheck, error) {
	var c MonitorCheck
	var at int64
	var addrs, findings string
	if err := r.Scan(&c.ID, &c.WebsiteID, &at, &c.DNS, &addrs, &c.HTTP, &c.Status, &c.Number, &c.Summary, &findings, &c.Detail); err != nil {
		return nil, translate(err)
	}
	c.At, c.Addresses, c.Findings = fromMS(at), splitList(addrs), splitList(findings)
	return &c, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// MonitorChecks lists a website's checks, newest first.
func (rd Reader) MonitorChecks(ctx context.Context, websiteID string, limit int) ([]*MonitorCheck, error) {
	rows, err := rd.db.query(ctx, `SELECT `+checkCols+` FROM monitor_checks WHERE website_id = ? ORDER BY at DESC, id DESC LIMIT ?`, websiteID, limit)
	if err != nil {
		return nil, fmt.Errorf("monitor checks: %w", translate(err))
	}
	return collect(rows, scanCheck)
}

const problemCols = `id, website_id, kind, seen, detail, first_seen_at, last_seen_at, opened_at, escalated_at, resolved_at`

func scanProblem(r scanner) (*MonitorProblem, error) {
	var p MonitorProblem
	var f, l, o, e, rs int64
	if err := r.Scan(&p.ID, &p.WebsiteID, &p.Kind, &p.Seen, &p.Detail, &f, &l, &o, &e, &rs); err != nil {
		return nil, translate(err)
	}
	p.FirstSeenAt, p.LastSeenAt, p.OpenedAt, p.EscalatedAt, p.ResolvedAt = fromMS(f), fromMS(l), fromMS(o), fromMS(e), fromMS(rs)
	return &p, nil
}

// MonitorProblems lists a website's problems: the current ones, or with
// all the resolved ones too, newest first.
func (rd Reader) MonitorProblems(ctx context.Context, websiteID string, all bool) ([]*MonitorProblem, error) {
	q := `SELECT ` + problemCols + ` FROM monitor_problems WHERE website_id = ?`
	if !all {
		q += ` AND resolved_at = 0`
	}
	rows, err := rd.db.query(ctx, q+` ORDER BY first_seen_at DESC, id DESC LIMIT 200`, websiteID)
	if err != nil {
		return nil, fmt.Errorf("monitor problems: %w", translate(err))
	}
	return collect(rows, scanProblem)
}

// PutMonitorProblem adds a problem or stores its new counts and stamps.
func (t *Tx) PutMonitorProblem(ctx context.Context, p *MonitorProblem) error {
	if p.ID == "" {
		p.ID = uuid.Must(uuid.NewV7()).String()
		_, err := t.exec(ctx, `INSERT INTO monitor_problems (`+problemCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ID, p.WebsiteID, p.Kind, p.Seen, p.Detail, ms(p.FirstSeenAt), ms(p.LastSeenAt), ms(p.OpenedAt), ms(p.EscalatedAt), ms(p.ResolvedAt))
		if err != nil {
			return fmt.Errorf("add monitor problem: %w", err)
		}
		return nil
	}
	_, err := t.exec(ctx, `UPDATE monitor_problems SET seen = ?, detail = ?, last_seen_at = ?, opened_at = ?, escalated_at = ?, resolved_at = ? WHERE id = ?`,
		p.Seen, p.Detail, ms(p.LastSeenAt), ms(p.OpenedAt), ms(p.EscalatedAt), ms(p.ResolvedAt), p.ID)
	if err != nil {
		return fmt.Errorf("update monitor problem: %w", err)
	}
	return nil
}

// MonitorToEscalate lists open problems of kinds opened at or before
// before and not yet escalated, with their websites, oldest first.
func (rd Reader) MonitorToEscalate(ctx context.Context, kinds []string, before time.Time, limit int) ([]*MonitorProblem, error) {
	args := []any{ms(before)}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, limit)
	rows, err := rd.db.query(ctx, `SELECT `+prefixCols("p.", problemCols)+`, w.domain, w.number FROM monitor_problems p
		JOIN website_records w ON w.id = p.website_id
		WHERE p.resolved_at = 0 AND p.escalated_at = 0 AND p.opened_at > 0 AND p.opened_at <= ? AND p.kind IN (`+
		marks(len(kinds))+`) AND `+accessedHere+` ORDER BY p.opened_at, p.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("monitor escalations: %w", translate(err))
	}
	defer rows.Close()
	var out []*MonitorProblem
	for rows.Next() {
		var p MonitorProblem
		var f, l, o, e, rs int64
		if err := rows.Scan(&p.ID, &p.WebsiteID, &p.Kind, &p.Seen, &p.Detail, &f, &l, &o, &e, &rs, &p.Domain, &p.Number); err != nil {
			return nil, translate(err)
		}
		p.FirstSeenAt, p.LastSeenAt, p.OpenedAt, p.EscalatedAt, p.ResolvedAt = fromMS(f), fromMS(l), fromMS(o), fromMS(e), fromMS(rs)
		out = append(out, &p)
	}
	return out, translate(rows.Err())
}

// EscalateMonitorProblem stamps a problem escalated; false when it was
// already (another run got there first) or is resolved.
func (t *Tx) EscalateMonitorProblem(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := t.exec(ctx, `UPDATE monitor_problems SET escalated_at = ? WHERE id = ? AND escalated_at = 0 AND resolved_at = 0`, ms(at), id)
	if err != nil {
		return false, fmt.Errorf("escalate monitor problem: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MonitorFilter narrows the monitor report; empty fields do not filter.
type MonitorFilter struct {
	Kind  string // websites with a current, confirmed problem of this kind
	State string // "problem": any confirmed problem; "escalated"; "ok": the latest check found nothing; "failed": the latest check could not tell; "unchecked"
	Query string // part of the domain or the number
	Limit int
}

// MonitorRow is one website in the monitor report.
type MonitorRow struct {
	WebsiteID   string
	Number      string
	Domain      string
	SubjectName string
	Province    string
	Last        *MonitorCheck // nil: not checked yet
	Problems    []*MonitorProblem
}

// MonitorReport lists the websites the monitor watches with their latest
// check and current problems, those with problems first.
func (rd Reader) MonitorReport(ctx context.Context, f MonitorFilter) ([]*MonitorRow, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 500
	}
	q := `SELECT w.id, w.number, w.domain, s.name, s.province, COALESCE(m.last_check_id, ''),
		(SELECT COUNT(*) FROM monitor_problems p WHERE p.website_id = w.id AND p.resolved_at = 0 AND p.opened_at > 0) AS n_open
		FROM website_records w JOIN subject_records s ON s.id = w.subject_id LEFT JOIN monitor_sites m ON m.website_id = w.id
		WHERE ` + accessedHere
	var args []any
	current := `EXISTS (SELECT 1 FROM monitor_problems p WHERE p.website_id = w.id AND p.resolved_at = 0 AND p.opened_at > 0`
	if f.Kind != "" {
		q += ` AND ` + current + ` AND p.kind = ?)`
		args = append(args, f.Kind)
	}
	switch f.State {
	case "problem":
		q += ` AND ` + current + `)`
	case "escalated":
		q += ` AND ` + current + ` AND p.escalated_at > 0)`
	case "ok":
		q += ` AND m.last_summary = 'ok'`
	case "failed":
		q += ` AND m.last_summary = 'check_failed'`
	case "unchecked":
		q += ` AND COALESCE(m.last_check_id, '') = ''`
	}
	if f.Query != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Query)) + "%"
		q += ` AND (w.domain LIKE ? ESCAPE '\' OR LOWER(w.number) LIKE ? ESCAPE '\')`
		args = append(args, like, like)
	}
	args = append(args, f.Limit)
	rows, err := rd.db.query(ctx, q+` ORDER BY n_open DESC, w.domain, w.id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("monitor report: %w", translate(err))
	}
	var out []*MonitorRow
	var checkIDs []any
	func() {
		defer rows.Close()
		for rows.Next() {
			var r MonitorRow
			var last string
			var open int
			if err = rows.Scan(&r.WebsiteID, &r.Number, &r.Domain, &r.SubjectName, &r.Province, &last, &open); err != nil {
				return
			}
			if last != "" {
				checkIDs = append(checkIDs, last)
				r.Last = &MonitorCheck{ID: last}
			}
			out = append(out, &r)
		}
		err = rows.Err()
	}()
	if err != nil {
		return nil, translate(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	checks := map[string]*MonitorCheck{}
	if len(checkIDs) > 0 {
		crows, err := rd.db.query(ctx, `SELECT `+checkCols+` FROM monitor_checks WHERE id IN (`+
			marks(len(checkIDs))+`)`, checkIDs...)
		if err != nil {
			return nil, fmt.Errorf("monitor report checks: %w", translate(err))
		}
		cs, err := collect(crows, scanCheck)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			checks[c.ID] = c
		}
	}
	ids := make([]any, 0, len(out))
	byID := map[string]*MonitorRow{}
	for _, r := range out {
		if r.Last != nil {
			r.Last = checks[r.Last.ID]
		}
		ids = append(ids, r.WebsiteID)
		byID[r.WebsiteID] = r
	}
	prows, err := rd.db.query(ctx, `SELECT `+problemCols+` FROM monitor_problems WHERE resolved_at = 0 AND website_id IN (`+
		marks(len(ids))+`) ORDER BY first_seen_at, id`, ids...)
	if err != nil {
		return nil, fmt.Errorf("monitor report problems: %w", translate(err))
	}
	ps, err := collect(prows, scanProblem)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		byID[p.WebsiteID].Problems = append(byID[p.WebsiteID].Problems, p)
	}
	return out, nil
}

// MonitorSummaryCounts counts the watched websites by their latest check's
// summary ("unchecked" for none yet), for /metrics.
func (rd Reader) MonitorSummaryCounts(ctx context.Context) (map[string]int, error) {
	return rd.counts(ctx, `SELECT COALESCE(NULLIF(m.last_summary, ''), 'unchecked'), COUNT(*) FROM website_records w
		LEFT JOIN monitor_sites m ON m.website_id = w.id WHERE `+accessedHere+` GROUP BY 1`)
}

// MonitorOpenProblemCounts counts the confirmed, unresolved problems by kind.
func (rd Reader) MonitorOpenProblemCounts(ctx context.Context) (map[string]int, error) {
	return rd.counts(ctx, `SELECT p.kind, COUNT(*) FROM monitor_problems p JOIN website_records w ON w.id = p.website_id
		WHERE p.resolved_at = 0 AND p.opened_at > 0 AND `+accessedHere+` GROUP BY p.kind`)
}

func (rd Reader) counts(ctx context.Context, q string, args ...any) (map[string]int, error) {
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("counts: %w", translate(err))
	}
	return counted(rows, map[string]int{})
}
