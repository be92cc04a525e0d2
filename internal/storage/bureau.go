package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The bureau simulator's tables (migration 00004). Sealing and hashing are
// the caller's (package bureau); storage keeps what it is given.

// Bureau registry statuses.
const (
	BureauActive    = "active"
	BureauNoAccess  = "no_access"
	BureauCancelled = "cancelled"
)

// Bureau submission states.
const (
	SubmissionSMS      = "sms"
	SubmissionReview   = "review"
	SubmissionReturned = "returned"
	SubmissionApproved = "approved"
	SubmissionRejected = "rejected"
)

// BureauSubject is a subject in the national registry.
type BureauSubject struct {
	Number        string
	Province      string
	CertType      string
	CertHash      string
	Name          string
	Data          string // sealed JSON of filing.Subject
	Status        string
	NextWebsite   int
	Source        string // seed | beian
	ApplicationID string
	ApprovedOn    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// BureauWebsite is a website in the national registry.
type BureauWebsite struct {
	Number        string
	SubjectNumber string
	Domain        string
	Name          string
	Data          string // sealed JSON of filing.Website
	Providers     []string
	Status        string
	Source        string
	ApplicationID string
	ApprovedOn    string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// BureauSubmission is one submission of an application to the bureau.
type BureauSubmission struct {
	ID              string
	ApplicationID   string
	Flow            string
	Province        string
	Payload         string // sealed JSON
	State           string
	WrongAttempts   int
	SubmittedAt     time.Time
	SMSDeadline     time.Time
	ReviewStartedAt time.Time
	DecidedAt       time.Time
	Reason          string // JSON
	Numbers         string // JSON
}

// BureauSMS is one code texted for a submission.
type BureauSMS struct {
	SubmissionID string
	Idx          int
	Role         string
	Website      int
	MobileSealed string
	MobileHash   string
	MobileMasked string
	CertHashes   []string
	CodeHash     string
	Status       string // pending | confirmed | expired
	ConfirmedAt  time.Time
	// WrongAttempts counts the wrong tries charged to this leader's code.
	WrongAttempts int
}

const bureauSubjectCols = `number, province, cert_type, cert_hash, name, data, status, next_website, source, application_id, approved_on, created_at, updated_at`
const bureauWebsiteCols = `number, subject_number, domain, name, data, providers, status, source, application_id, approved_on, created_at, updated_at`
const bureauSubmissionCols = `id, application_id, flow, province, payload, state, wrong_attempts, submitted_at, sms_deadline, review_started_at, decided_at, reason, numbers`
const bureauSMSCols = `submission_id, idx, role, website, mobile_sealed, mobile_hash, mobile_masked, cert_hashes, code_hash, status, confirmed_at, wrong_attempts`

func scanBureauSubject(r scanner) (*BureauSubject, error) {
	var b BureauSubject
	var c, u int64
	if err := r.Scan(&b.Number, &b.Province, &b.CertType, &b.CertHash, &b.Name, &b.Data, &b.Status, &b.NextWebsite, &b.Source, &b.ApplicationID, &b.ApprovedOn, &c, &u); err != nil {
		return nil, translate(err)
	}
	b.CreatedAt, b.UpdatedAt = fromMS(c), fromMS(u)
	return &b, nil
}

func scanBureauWebsite(r scanner) (*BureauWebsite, error) {
	var b BureauWebsite
	var providers string
	var c, u int64
	if err := r.Scan(&b.Number, &b.SubjectNumber, &b.Domain, &b.Name, &b.Data, &providers, &b.Status, &b.Source, &b.ApplicationID, &b.ApprovedOn, &c, &u); err != nil {
		return nil, translate(err)
	}
	if err := json.Unmarshal([]byte(providers), &b.Providers); err != nil {
		return nil, fmt.Errorf("bureau website %s providers: %w", b.Number, err)
	}
	b.CreatedAt, b.UpdatedAt = fromMS(c), fromMS(u)
	return &b, nil
}

func scanBureauSubmission(r scanner) (*BureauSubmission, error) {
	var b BureauSubmission
	var sub, dl, rs, dec int64
	if err := r.Scan(&b.ID, &b.ApplicationID, &b.Flow, &b.Province, &b.Payload, &b.State, &b.WrongAttempts, &sub, &dl, &rs, &dec, &b.Reason, &b.Numbers); err != nil {
		return nil, translate(err)
	}
	b.SubmittedAt, b.SMSDeadline, b.ReviewStartedAt, b.DecidedAt = fromMS(sub), fromMS(dl), fromMS(rs), fromMS(dec)
	return &b, nil
}

func scanBureauSMS(r scanner) (*BureauSMS, error) {
	var b BureauSMS
	var certs string
	var at int64
	if err := r.Scan(&b.SubmissionID, &b.Idx, &b.Role, &b.Website, &b.MobileSealed, &b.MobileHash, &b.MobileMasked, &certs, &b.CodeHash, &b.Status, &at, &b.WrongAttempts); err != nil {
		return nil, translate(err)
	}
	if err := json.Unmarshal([]byte(certs), &b.CertHashes); err != nil {
		return nil, fmt.Errorf("bureau sms cert hashes: %w", err)
	}
	b.ConfirmedAt = fromMS(at)
	return &b, nil
}

// --- registry: subjects ---

// InsertBureauSubject adds a subject; false when its number exists already
// (seeding twice, or two instances seeding at once, keeps one row).
func (t *Tx) InsertBureauSubject(ctx context.Context, b *BureauSubject) (bool, error) {
	t.changed(changesPublic)
	now := t.s.now()
	if b.NextWebsite < 1 {
		b.NextWebsite = 1
	}
	t.noteSubjects(b.CertHash)
	res, err := t.exec(ctx, `INSERT INTO bureau_subjects (`+bureauSubjectCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING`,
		b.Number, b.Province, b.CertType, b.CertHash, b.Name, b.Data, b.Status, b.NextWebsite, b.Source, b.ApplicationID, b.ApprovedOn, ms(now), ms(now))
	if err != nil {
		return false, fmt.Errorf("insert bureau subject: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UpdateBureauSubject rewrites a subject's data and status (never its number
// or its website counter).
func (t *Tx) UpdateBureauSubject(ctx context.Context, b *BureauSubject) error {
	t.changed(changesPublic)
	t.noteSubjects(b.CertHash)
	res, err := t.exec(ctx, `UPDATE bureau_subjects SET cert_type = ?, cert_hash = ?, name = ?, data = ?, status = ?, application_id = ?, updated_at = ? WHERE number = ?`,
		b.CertType, b.CertHash, b.Name, b.Data, b.Status, b.ApplicationID, ms(t.s.now()), b.Number)
	if err != nil {
		return fmt.Errorf("update bureau subject: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update bureau subject %s: %w", b.Number, ErrNotFound)
	}
	return nil
}

// BureauSubjectByNumber reads a registry subject; ErrNotFound when absent.
func (rd Reader) BureauSubjectByNumber(ctx context.Context, number string) (*BureauSubject, error) {
	return scanBureauSubject(rd.db.queryRow(ctx, `SELECT `+bureauSubjectCols+` FROM bureau_subjects WHERE number = ?`, number))
}

// BureauSubjectsByCert lists the registry subjects with this certificate
// hash, whatever their status, newest first.
func (rd Reader) BureauSubjectsByCert(ctx context.Context, certHash string) ([]*BureauSubject, error) {
	rows, err := rd.db.query(ctx, `SELECT `+bureauSubjectCols+` FROM bureau_subjects WHERE cert_hash = ? ORDER BY created_at DESC`, certHash)
	if err != nil {
		return nil, fmt.Errorf("bureau subjects by cert: %w", err)
	}
	return collect(rows, scanBureauSubject)
}

// TakeBureauWebsiteSerial returns the next "-n" of a subject and advances
// it atomically (UPDATE … RETURNING on both databases).
func (t *Tx) TakeBureauWebsiteSerial(ctx context.Context, subjectNumber string) (int, error) {
	t.changed(changesPublic)
	var n int
	err := t.queryRow(ctx, `UPDATE bureau_subjects SET next_website = next_website + 1 WHERE number = ? RETURNING next_website - 1`, subjectNumber).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("bureau website serial: %w", translate(err))
	}
	return n, nil
}

// RaiseBureauWebsiteSerial makes sure the subject's next "-n" is above n
// (for seeded websites whose numbers were given).
func (t *Tx) RaiseBureauWebsiteSerial(ctx context.Context, subjectNumber string, n int) error {
	t.changed(changesPublic)
	_, err := t.exec(ctx, `UPDATE bureau_subjects SET next_website = ? WHERE number = ? AND next_website <= ?`, n+1, subjectNumber, n)
	if err != nil {
		return fmt.Errorf("raise bureau website serial: %w", err)
	}
	return nil
}

// NextBureauCounter returns the next value of a named counter, starting at
// 1, and advances it in the transaction: concurrent transactions (two
// instances on one PostgreSQL) wait on the row and get different values.
func (t *Tx) NextBureauCounter(ctx context.Context, name string) (int64, error) {
	if _, err := t.exec(ctx, `INSERT INTO bureau_counters (name, next) VALUES (?, 1) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return 0, fmt.Errorf("bureau counter %s: %w", name, err)
	}
	var n int64
	if err := t.queryRow(ctx, `UPDATE bureau_counters SET next = next + 1 WHERE name = ? RETURNING next - 1`, name).Scan(&n); err != nil {
		return 0, fmt.Errorf("bureau counter %s: %w", name, translate(err))
	}
	return n, nil
}

// --- registry: websites ---

// InsertBureauWebsite adds a website; false when its number exists already.
func (t *Tx) InsertBureauWebsite(ctx context.Context, b *BureauWebsite) (bool, error) {
	t.changed(changesPublic)
	now := t.s.now()
	providers, err := json.Marshal(nonNil(b.Providers))
	if err != nil {
		return false, err
	}
	t.noteDomains(b.Domain)
	res, err := t.exec(ctx, `INSERT INTO bureau_websites (`+bureauWebsiteCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING`,
		b.Number, b.SubjectNumber, b.Domain, b.Name, b.Data, string(providers), b.Status, b.Source, b.ApplicationID, b.ApprovedOn, ms(now), ms(now))
	if err != nil {
		return false, fmt.Errorf("insert bureau website: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UpdateBureauWebsite rewrites a website's data, providers and status.
func (t *Tx) UpdateBureauWebsite(ctx context.Context, b *BureauWebsite) error {
	t.changed(changesPublic)
	providers, err := json.Marshal(nonNil(b.Providers))
	if err != nil {
		return err
	}
	t.noteDomains(b.Domain)
	res, err := t.exec(ctx, `UPDATE bureau_websites SET domain = ?, name = ?, data = ?, providers = ?, status = ?, application_id = ?, updated_at = ? WHERE number = ?`,
		b.Domain, b.Name, b.Data, string(providers), b.Status, b.ApplicationID, ms(t.s.now()), b.Number)
	if err != nil {
		return fmt.Errorf("update bureau website: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("update bureau website %s: %w", b.Number, ErrNotFound)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (rd Reader) bureauWebsites(ctx context.Context, where string, arg any) ([]*BureauWebsite, error) {
	rows, err := rd.db.query(ctx, `SELECT `+bureauWebsiteCols+` FROM bureau_websites WHERE `+where+` ORDER BY created_at, number`, arg)
	if err != nil {
		return nil, fmt.Errorf("bureau websites: %w", err)
	}
	return collect(rows, scanBureauWebsite)
}

// BureauWebsitesByDomain lists the registry websites of a domain, any status.
func (rd Reader) BureauWebsitesByDomain(ctx context.Context, domain string) ([]*BureauWebsite, error) {
	return rd.bureauWebsites(ctx, `domain = ?`, domain)
}

// BureauWebsitesBySubject lists a subject's websites, any status.
func (rd Reader) BureauWebsitesBySubject(ctx context.Context, subjectNumber string) ([]*BureauWebsite, error) {
	return rd.bureauWebsites(ctx, `subject_number = ?`, subjectNumber)
}

// BureauWebsiteByNumber reads one registry website; ErrNotFound when absent.
func (rd Reader) BureauWebsiteByNumber(ctx context.Context, number string) (*BureauWebsite, error) {
	return scanBureauWebsite(rd.db.queryRow(ctx, `SELECT `+bureauWebsiteCols+` FROM bureau_websites WHERE number = ?`, number))
}

// --- blacklist ---

// AddBureauBlacklist adds a certificate hash to the blacklist (idempotent).
func (t *Tx) AddBureauBlacklist(ctx context.Context, certHash string) error {
	t.changed(changesPublic)
	_, err := t.exec(ctx, `INSERT INTO bureau_blacklist (cert_hash) VALUES (?) ON CONFLICT (cert_hash) DO NOTHING`, certHash)
	if err != nil {
		return fmt.Errorf("bureau blacklist: %w", err)
	}
	return nil
}

// BureauBlacklisted reports whether any of the hashes is blacklisted.
func (t *Tx) BureauBlacklisted(ctx context.Context, certHashes ...string) (bool, error) {
	for _, h := range certHashes {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM bureau_blacklist WHERE cert_hash = ?`, h).Scan(&n); err != nil {
			return false, fmt.Errorf("bureau blacklist: %w", translate(err))
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// --- submissions and SMS ---

// CreateBureauSubmission stores a new submission.
func (t *Tx) CreateBureauSubmission(ctx context.Context, b *BureauSubmission) error {
	_, err := t.exec(ctx, `INSERT INTO bureau_submissions (`+bureauSubmissionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.ID, b.ApplicationID, b.Flow, b.Province, b.Payload, b.State, b.WrongAttempts,
		ms(b.SubmittedAt), ms(b.SMSDeadline), ms(b.ReviewStartedAt), ms(b.DecidedAt), b.Reason, b.Numbers)
	if err != nil {
		return fmt.Errorf("create bureau submission: %w", err)
	}
	return nil
}

// UpdateBureauSubmission writes a submission's mutable fields.
func (t *Tx) UpdateBureauSubmission(ctx context.Context, b *BureauSubmission) error {
	_, err := t.exec(ctx, `UPDATE bureau_submissions SET state = ?, wrong_attempts = ?, sms_deadline = ?, review_started_at = ?, decided_at = ?, reason = ?, numbers = ? WHERE id = ?`,
		b.State, b.WrongAttempts, ms(b.SMSDeadline), ms(b.ReviewStartedAt), ms(b.DecidedAt), b.Reason, b.Numbers, b.ID)
	if err != nil {
		return fmt.Errorf("update bureau submission: %w", err)
	}
	return nil
}

// BureauSubmissionForUpdate reads a submission and, on PostgreSQL, locks
// it until the transaction ends (SQLite's single writer already serializes).
func (t *Tx) BureauSubmissionForUpdate(ctx context.Context, id string) (*BureauSubmission, error) {
	lock := ""
	if t.s.pg {
		lock = " FOR UPDATE"
	}
	return scanBureauSubmission(t.queryRow(ctx, `SELECT `+bureauSubmissionCols+` FROM bureau_submissions WHERE id = ?`+lock, id))
}

func latestBureauSubmission(ctx context.Context, r reader, appID, lock string) (*BureauSubmission, error) {
	return scanBureauSubmission(r.queryRow(ctx, `SELECT `+bureauSubmissionCols+` FROM bureau_submissions WHERE application_id = ? ORDER BY submitted_at DESC, id DESC LIMIT 1`+lock, appID))
}

// LatestBureauSubmission is an application's most recent submission; ErrNotFound when none.
func (rd Reader) LatestBureauSubmission(ctx context.Context, appID string) (*BureauSubmission, error) {
	return latestBureauSubmission(ctx, rd.db, appID, "")
}

// LatestBureauSubmissionForUpdate reads and (on PostgreSQL) locks an
// application's most recent submission.
func (t *Tx) LatestBureauSubmissionForUpdate(ctx context.Context, appID string) (*BureauSubmission, error) {
	lock := ""
	if t.s.pg {
		lock = " FOR UPDATE"
	}
	return latestBureauSubmission(ctx, t, appID, lock)
}

// BureauSubmissionsInState lists submissions in a state, oldest first (the admin console).
func (rd Reader) BureauSubmissionsInState(ctx context.Context, state string) ([]*BureauSubmission, error) {
	rows, err := rd.db.query(ctx, `SELECT `+bureauSubmissionCols+` FROM bureau_submissions WHERE state = ? ORDER BY submitted_at`, state)
	if err != nil {
		return nil, fmt.Errorf("bureau submissions: %w", err)
	}
	return collect(rows, scanBureauSubmission)
}

// InsertBureauSMS stores one texted code.
func (t *Tx) InsertBureauSMS(ctx context.Context, b *BureauSMS) error {
	certs, err := json.Marshal(nonNil(b.CertHashes))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO bureau_sms (`+bureauSMSCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.SubmissionID, b.Idx, b.Role, b.Website, b.MobileSealed, b.MobileHash, b.MobileMasked, string(certs), b.CodeHash, b.Status, ms(b.ConfirmedAt), b.WrongAttempts)
	if err != nil {
		return fmt.Errorf("insert bureau sms: %w", err)
	}
	return nil
}

// SetBureauSMSStatus changes the status of one code, or of all the
// submission's pending codes when idx < 0.
func (t *Tx) SetBureauSMSStatus(ctx context.Context, submissionID string, idx int, status string, at time.Time) error {
	var err error
	if idx < 0 {
		_, err = t.exec(ctx, `UPDATE bureau_sms SET status = ? WHERE submission_id = ? AND status = 'pending'`, status, submissionID)
	} else {
		_, err = t.exec(ctx, `UPDATE bureau_sms SET status = ?, confirmed_at = ? WHERE submission_id = ? AND idx = ?`, status, ms(at), submissionID, idx)
	}
	if err != nil {
		return fmt.Errorf("bureau sms status: %w", err)
	}
	return nil
}

// SetBureauSMSWrongAttempts records how many wrong tries one code has been charged.
func (t *Tx) SetBureauSMSWrongAttempts(ctx context.Context, submissionID string, idx, n int) error {
	if _, err := t.exec(ctx, `UPDATE bureau_sms SET wrong_attempts = ? WHERE submission_id = ? AND idx = ?`, n, submissionID, idx); err != nil {
		return fmt.Errorf("bureau sms attempts: %w", err)
	}
	return nil
}

// BureauSubmission reads one submission; ErrNotFound when none has the id.
func (rd Reader) BureauSubmission(ctx context.Context, id string) (*BureauSubmission, error) {
	return scanBureauSubmission(rd.db.queryRow(ctx, `SELECT `+bureauSubmissionCols+` FROM bureau_submissions WHERE id = ?`, id))
}

// BureauSMSList lists a submission's codes in order.
func (rd Reader) BureauSMSList(ctx context.Context, submissionID string) ([]*BureauSMS, error) {
	rows, err := rd.db.query(ctx, `SELECT `+bureauSMSCols+` FROM bureau_sms WHERE submission_id = ? ORDER BY idx`, submissionID)
	if err != nil {
		return nil, fmt.Errorf("bureau sms: %w", err)
	}
	return collect(rows, scanBureauSMS)
}

// DebugDump renders every row of the named tables as text, for tests that
// prove no personal data is stored in clear. Table names must be plain
// identifiers.
func (rd Reader) DebugDump(ctx context.Context, tables ...string) (string, error) {
	var b strings.Builder
	for _, t := range tables {
		for _, r := range t {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return "", fmt.Errorf("debug dump: bad table name %q", t)
			}
		}
		rows, err := rd.db.query(ctx, `SELECT * FROM `+t)
		if err != nil {
			return "", fmt.Errorf("debug dump %s: %w", t, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			rows.Close()
			return "", err
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			b.WriteString(t)
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "\t%v", v)
			}
			b.WriteByte('\n')
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}
