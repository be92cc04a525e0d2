package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// AuditEntry is one line of the append-only audit log: who did what to
// which object, when and from where. Detail never holds personal data.
type AuditEntry struct {
	ID         string
	At         time.Time
	ActorID    string
	ActorRole  string
	Action     string // e.g. account.login, application.submit, application.read
	ObjectType string
	ObjectID   string
	IP         string
	Detail     string
}

// Audit appends an entry in this transaction.
func (t *Tx) Audit(ctx context.Context, e *AuditEntry) error {
	if e.ID == "" {
		e.ID = uuid.Must(uuid.NewV7()).String()
	}
	if e.IP == "" {
		e.IP = ClientIP(ctx) // the request's address (clientip.go)
	}
	_, err := t.exec(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_role, action, object_type, object_id, ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, ms(e.At), e.ActorID, e.ActorRole, e.Action, e.ObjectType, e.ObjectID, e.IP, e.Detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFilter narrows AuditLog; zero fields match everything.
type AuditFilter struct {
	ActorID    string
	ObjectType string
	ObjectID   string
	Before     time.Time // entries strictly before, for paging
	Limit      int       // default 100, at most 1000
}

// AuditLog lists entries newest first.
func (rd Reader) AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEntry, error) {
	var w where
	w.eq("actor_id", f.ActorID)
	w.eq("object_type", f.ObjectType)
	w.eq("object_id", f.ObjectID)
	w.and("at < ?", ms(f.Before), !f.Before.IsZero())
	q := `SELECT id, at, actor_id, actor_role, action, object_type, object_id, ip, detail FROM audit_log WHERE 1 = 1` +
		w.sql + ` ORDER BY at DESC, id DESC LIMIT ?`
	args := append(w.args, limitOf(f.Limit, 100, 1000))
	rows, err := rd.db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []*AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorRole, &e.Action, &e.ObjectType, &e.ObjectID, &e.IP, &e.Detail); err != nil {
			return nil, translate(err)
		}
		e.At = fromMS(at)
		out = append(out, &e)
	}
	return out, translate(rows.Err())
}
