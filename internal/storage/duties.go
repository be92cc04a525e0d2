package storage

import (
	"context"
	"fmt"
	"time"
)

// Duty mark kinds: what an owner recorded about a filing record.
const (
	MarkPSBFiling       = "psb_filing"       // a website's 公安备案 is done; Value is its number, if given
	MarkLicenceValidity = "licence_validity" // a subject's business licence runs until Value (YYYY-MM-DD or long_term)
)

// DutyMark is one thing an owner recorded about a record.
type DutyMark struct {
	ObjectID string
	Kind     string
	Value    string
	ActorID  string
	At       time.Time
}

// PutDutyMark records m, replacing an earlier mark of the same kind.
func (t *Tx) PutDutyMark(ctx context.Context, m DutyMark) error {
	_, err := t.exec(ctx, `INSERT INTO duty_marks (object_id, kind, value, actor_id, at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (object_id, kind) DO UPDATE SET value = excluded.value, actor_id = excluded.actor_id, at = excluded.at`,
		m.ObjectID, m.Kind, m.Value, m.ActorID, ms(m.At))
	if err != nil {
		return fmt.Errorf("put duty mark: %w", err)
	}
	return nil
}

// DutyMarks reads the marks of the objects ids, keyed by object id and kind.
func (rd Reader) DutyMarks(ctx context.Context, ids []string) (map[[2]string]DutyMark, error) {
	out := map[[2]string]DutyMark{}
	err := inChunks(ids, func(marks string, args []any) error {
		rows, err := rd.db.query(ctx, `SELECT object_id, kind, value, actor_id, at FROM duty_marks WHERE object_id IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("duty marks: %w", err)
		}
		ms, err := collect(rows, func(r scanner) (DutyMark, error) {
			var m DutyMark
			var at int64
			err := r.Scan(&m.ObjectID, &m.Kind, &m.Value, &m.ActorID, &at)
			m.At = fromMS(at)
			return m, err
		})
		for _, m := range ms {
			out[[2]string{m.ObjectID, m.Kind}] = m
		}
		return err
	})
	return out, err
}

// ActiveSubjectsAfter pages through the active subject records in id
// order: up to limit of them after the id after ("" from the start).
func (rd Reader) ActiveSubjectsAfter(ctx context.Context, after string, limit int) ([]*SubjectRecord, error) {
	return rd.subjects(ctx, `SELECT `+subjectCols+` FROM subject_records WHERE status = 'active' AND id > ? ORDER BY id LIMIT ?`, after, limit)
}

// ActiveWebsitesOf lists the active websites of the subjects ids.
func (rd Reader) ActiveWebsitesOf(ctx context.Context, ids []string) ([]*WebsiteRecord, error) {
	var out []*WebsiteRecord
	err := inChunks(ids, func(marks string, args []any) error {
		ws, err := rd.websites(ctx, `SELECT `+websiteCols+` FROM website_records WHERE status = 'active' AND subject_id IN (`+marks+`) ORDER BY number`, args...)
		out = append(out, ws...)
		return err
	})
	return out, err
}

// DomainExpiry is a domain's expiry date as the registry last answered.
type DomainExpiry struct {
	Domain    string
	ExpiresOn string // YYYY-MM-DD; "" unknown
	Assumed   bool   // the registry did not know the domain
	CheckedAt time.Time
}

// PutDomainExpiry records a registry answer.
func (t *Tx) PutDomainExpiry(ctx context.Context, d DomainExpiry) error {
	_, err := t.exec(ctx, `INSERT INTO domain_expiry (domain, expires_on, assumed, checked_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (domain) DO UPDATE SET expires_on = excluded.expires_on, assumed = excluded.assumed, checked_at = excluded.checked_at`,
		d.Domain, d.ExpiresOn, boolInt(d.Assumed), ms(d.CheckedAt))
	if err != nil {
		return fmt.Errorf("put domain expiry: %w", err)
	}
	return nil
}

// DomainExpiries reads what is known of domains, keyed by domain.
func (rd Reader) DomainExpiries(ctx context.Context, domains []string) (map[string]DomainExpiry, error) {
	out := map[string]DomainExpiry{}
	err := inChunks(domains, func(marks string, args []any) error {
		rows, err := rd.db.query(ctx, `SELECT domain, expires_on, assumed, checked_at FROM domain_expiry WHERE domain IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("domain expiry: %w", err)
		}
		ds, err := collect(rows, func(r scanner) (DomainExpiry, error) {
			var d DomainExpiry
			var at int64
			err := r.Scan(&d.Domain, &d.ExpiresOn, &d.Assumed, &at)
			d.CheckedAt = fromMS(at)
			return d, err
		})
		for _, d := range ds {
			out[d.Domain] = d
		}
		return err
	})
	return out, err
}

// DutyReminder is one reminder sent.
type DutyReminder struct {
	Key        string
	Kind       string
	ObjectID   string
	OwnerID    string
	DueOn      string
	DaysBefore int
	SentAt     time.Time
}

// AddDutyReminder records r and reports whether it is new: false when a
// reminder with r.Key was recorded before (by this or another instance),
// so the caller queues the mail only on true, in the same transaction.
func (t *Tx) AddDutyReminder(ctx context.Context, r DutyReminder) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO duty_reminders (idem_key, kind, object_id, owner_id, due_on, days_before, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
		r.Key, r.Kind, r.ObjectID, r.OwnerID, r.DueOn, r.DaysBefore, ms(r.SentAt))
	if err != nil {
		return false, fmt.Errorf("add duty reminder: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DutyRemindersOf lists the reminders sent to an owner, oldest first.
func (rd Reader) DutyRemindersOf(ctx context.Context, ownerID string) ([]DutyReminder, error) {
	rows, err := rd.db.query(ctx, `SELECT idem_key, kind, object_id, owner_id, due_on, days_before, sent_at FROM duty_reminders
		WHERE owner_id = ? ORDER BY sent_at, idem_key`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("duty reminders: %w", err)
	}
	return collect(rows, func(r scanner) (DutyReminder, error) {
		var d DutyReminder
		var at int64
		err := r.Scan(&d.Key, &d.Kind, &d.ObjectID, &d.OwnerID, &d.DueOn, &d.DaysBefore, &at)
		d.SentAt = fromMS(at)
		return d, err
	})
}
