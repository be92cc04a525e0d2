package storage

import (
	"context"
	"fmt"
)

// guardAudit makes audit_log append-only in the database itself, so not
// even a bug or a hijacked connection of the application can change or
// remove history: UPDATE, DELETE (and on PostgreSQL TRUNCATE) are refused
// by triggers. Idempotent; on PostgreSQL it runs under a transaction-scoped
// advisory lock so instances starting at once do not race on the DDL.
func (s *Store) guardAudit(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(fmt.Errorf("audit guard: %w", err))
	}
	defer tx.Rollback()
	var stmts []string
	if s.pg {
		stmts = []string{
			`SELECT pg_advisory_xact_lock(4232238125)`,
			`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
			`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`,
			`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
			`DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`,
			`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
			 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
			`CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
			 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
		}
	}
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return translate(fmt.Errorf("audit guard: %w", err))
		}
	}
	return translate(tx.Commit())
}
