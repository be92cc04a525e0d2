package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// QueueFilter narrows ReviewQueue; empty fields do not filter.
type QueueFilter struct {
	States   []string // default: every state a reviewer acts in
	Province string
	Limit    int // default 200, at most 1000
}

// queueCols are the columns a queue line shows, all in the queue indexes
// (migrations 00006, 00059): no row, and no sealed document, is read.
const queueCols = `id, flow, state, province, subject_name, due_at, submitted_at, queue_domains`

// ReviewQueue lists open applications waiting on the provider, oldest due
// first (tasks without a due time after those with one, by submission).
// The applications carry only ID, Flow, State, Province, SubjectName,
// DueAt, SubmittedAt and Domains (Open is true); read one with Application
// for more.
//
// Two index walks in queue order (migration 00006), the tasks with a due
// time first, then if the page is not full those without: a page costs
// its own length, however long the queue is.
func (rd Reader) ReviewQueue(ctx context.Context, f QueueFilter) ([]*Application, error) {
	if len(f.States) == 0 {
		return nil, errors.New("review queue: no states")
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	limit := min(f.Limit, 1000)
	var long []*Application // lists too long for the index (QueueDomains)
	out, err := rd.queuePart(ctx, f, "due_at > 0", "due_at, submitted_at, id", limit, &long)
	if err != nil {
		return nil, err
	}
	if len(out) < limit {
		rest, err := rd.queuePart(ctx, f, "due_at = 0", "submitted_at, id", limit-len(out), &long)
		if err != nil {
			return nil, err
		}
		out = append(out, rest...)
	}
	return out, rd.withDomains(ctx, long)
}

// withDomains reads the domains of applications whose list was too long
// for the queue's index (QueueDomains), in one query.
func (rd Reader) withDomains(ctx context.Context, apps []*Application) error {
	if len(apps) == 0 {
		return nil
	}
	byID := make(map[string]*Application, len(apps))
	args := make([]any, 0, len(apps))
	for _, a := range apps {
		byID[a.ID] = a
		args = append(args, a.ID)
	}
	rows, err := rd.db.query(ctx, `SELECT application_id, domain FROM application_domains WHERE application_id IN (`+
		marks(len(args))+`) ORDER BY application_id, idx`, args...)
	if err != nil {
		return fmt.Errorf("queue domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, d string
		if err := rows.Scan(&id, &d); err != nil {
			return translate(err)
		}
		if a := byID[id]; a != nil {
			a.Domains = append(a.Domains, d)
		}
	}
	return translate(rows.Err())
}

func (rd Reader) queuePart(ctx context.Context, f QueueFilter, due, order string, limit int, long *[]*Application) ([]*Application, error) {
	q := `SELECT ` + queueCols + ` FROM applications WHERE open = 1`
	args := make([]any, 0, len(f.States)+2)
	if f.Province != "" {
		q += ` AND province = ?`
		args = append(args, f.Province)
	}
	q += ` AND ` + due + ` AND state IN (` + marks(len(f.States)) + `)`
	for _, st := range f.States {
		args = append(args, st)
	}
	q += ` ORDER BY ` + order + ` LIMIT ?`
	args = append(args, limit)
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	defer rows.Close()
	var out []*Application
	for rows.Next() {
		a := &Application{Open: true}
		var due, submitted int64
		var domains string
		if err := rows.Scan(&a.ID, &a.Flow, &a.State, &a.Province, &a.SubjectName, &due, &submitted, &domains); err != nil {
			return nil, translate(err)
		}
		a.DueAt, a.SubmittedAt = fromMS(due), fromMS(submitted)
		if domains == queueDomainsElsewhere {
			*long = append(*long, a)
		} else {
			a.Domains = strings.Fields(domains)
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// Verification is how the applicant verifies an application.
type Verification struct {
	ApplicationID  string
	Method         string // onsite | mail
	Office         string
	AppointmentOn  string
	TrackingNumber string
	ChosenAt       time.Time
	ReceivedAt     time.Time
	ReceivedBy     string
	Note           string
}

// PutVerification records (or replaces) the applicant's choice; a new
// choice clears an earlier receipt (after the materials were rejected).
func (t *Tx) PutVerification(ctx context.Context, v *Verification) error {
	_, err := t.exec(ctx, `INSERT INTO verifications (application_id, method, office, appointment_on, tracking_number, chosen_at, received_at, received_by, note)
		VALUES (?, ?, ?, ?, ?, ?, 0, '', '')
		ON CONFLICT (application_id) DO UPDATE SET method = excluded.method, office = excluded.office,
		appointment_on = excluded.appointment_on, tracking_number = excluded.tracking_number, chosen_at = excluded.chosen_at,
		received_at = 0, received_by = '', note = ''`,
		v.ApplicationID, v.Method, v.Office, v.AppointmentOn, v.TrackingNumber, ms(v.ChosenAt))
	if err != nil {
		return fmt.Errorf("put verification: %w", err)
	}
	return nil
}

// MarkVerificationReceived records the reviewer's receipt. An application
// whose applicant never recorded a choice gets a row with method "".
func (t *Tx) MarkVerificationReceived(ctx context.Context, appID, by, note string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO verifications (application_id, method, chosen_at, received_at, received_by, note)
		VALUES (?, '', 0, ?, ?, ?)
		ON CONFLICT (application_id) DO UPDATE SET received_at = excluded.received_at, received_by = excluded.received_by, note = excluded.note`,
		appID, ms(at), by, note)
	if err != nil {
		return fmt.Errorf("verification received: %w", err)
	}
	return nil
}

// ClearVerificationReceipt forgets the receipt of a round of materials the
// reviewer refused: the next round is received anew (the transitions keep
// the history).
func (t *Tx) ClearVerificationReceipt(ctx context.Context, appID string) error {
	if _, err := t.exec(ctx, `UPDATE verifications SET received_at = 0, received_by = '', note = '' WHERE application_id = ?`, appID); err != nil {
		return fmt.Errorf("clear verification receipt: %w", err)
	}
	return nil
}

// Verification reads an application's verification; ErrNotFound when none was recorded.
func (rd Reader) Verification(ctx context.Context, appID string) (*Verification, error) {
	var v Verification
	var chosen, received int64
	err := rd.db.queryRow(ctx, `SELECT application_id, method, office, appointment_on, tracking_number, chosen_at, received_at, received_by, note
		FROM verifications WHERE application_id = ?`, appID).Scan(&v.ApplicationID, &v.Method, &v.Office, &v.AppointmentOn,
		&v.TrackingNumber, &chosen, &received, &v.ReceivedBy, &v.Note)
	if err != nil {
		return nil, fmt.Errorf("verification %s: %w", appID, translate(err))
	}
	v.ChosenAt, v.ReceivedAt = fromMS(chosen), fromMS(received)
	return &v, nil
}

// ApplicationNumbers are the numbers issued for an approved application.
type ApplicationNumbers struct {
	Subject    string
	Websites   []string
	ApprovedAt time.Time
}

// PutApplicationNumbers keeps the numbers of an approval with the application.
func (t *Tx) PutApplicationNumbers(ctx context.Context, appID string, n ApplicationNumbers) error {
	ws := n.Websites
	if ws == nil {
		ws = []string{}
	}
	b, err := json.Marshal(ws)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO application_numbers (application_id, subject, websites, approved_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (application_id) DO UPDATE SET subject = excluded.subject, websites = excluded.websites, approved_at = excluded.approved_at`,
		appID, n.Subject, string(b), ms(n.ApprovedAt))
	if err != nil {
		return fmt.Errorf("application numbers: %w", err)
	}
	return nil
}

// ApplicationNumbers reads the numbers of an approved application; ErrNotFound before approval.
func (rd Reader) ApplicationNumbers(ctx context.Context, appID string) (*ApplicationNumbers, error) {
	var n ApplicationNumbers
	var ws string
	var at int64
	err := rd.db.queryRow(ctx, `SELECT subject, websites, approved_at FROM application_numbers WHERE application_id = ?`, appID).Scan(&n.Subject, &ws, &at)
	if err != nil {
		return nil, fmt.Errorf("application numbers %s: %w", appID, translate(err))
	}
	if err := json.Unmarshal([]byte(ws), &n.Websites); err != nil {
		return nil, fmt.Errorf("application numbers %s: %w", appID, err)
	}
	n.ApprovedAt = fromMS(at)
	return &n, nil
}

// AccountsByRole lists the accounts of the given roles, oldest first (staff lists, alerts).
func (rd Reader) AccountsByRole(ctx context.Context, roles ...string) ([]*Account, error) {
	if len(roles) == 0 {
		return nil, nil
	}
	args := make([]any, len(roles))
	for i, r := range roles {
		args[i] = r
	}
	rows, err := rd.db.query(ctx, `SELECT `+accountCols+` FROM accounts WHERE role IN (`+
		marks(len(roles))+`) ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts by role: %w", err)
	}
	return collect(rows, scanAccount)
}

// AddLeaderMobiles adds or replaces some mobile hashes of one owner, keeping
// its other roles (a subject gaining websites keeps its earlier leaders).
func (t *Tx) AddLeaderMobiles(ctx context.Context, ownerType, ownerID string, hashes map[string]string) error {
	for role, h := range hashes {
		if h == "" {
			continue
		}
		if _, err := t.exec(ctx, `INSERT INTO leader_mobiles (owner_type, owner_id, role, mobile_hash) VALUES (?, ?, ?, ?)
			ON CONFLICT (owner_type, owner_id, role) DO UPDATE SET mobile_hash = excluded.mobile_hash`,
			ownerType, ownerID, role, h); err != nil {
			return fmt.Errorf("leader mobile: %w", err)
		}
	}
	return nil
}
