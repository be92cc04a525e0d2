package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// auditAppendOnly is migration 00020: the database itself keeps audit_log
// append-only, so not even a bug or a hijacked connection of the
// application can change or remove history — UPDATE, DELETE (and on
// PostgreSQL TRUNCATE) are refused by triggers. Trigger syntax differs
// between the two databases, so this migration is Go beside the SQL ones.
// Its statements are idempotent: databases created before it already
// carry the same triggers (Migrate used to install them on every start).
func auditAppendOnly(pg bool) *goose.Migration {
	stmts := []string{
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
		`CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
		 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`,
	}
	down := []string{`DROP TRIGGER IF EXISTS audit_log_no_update`, `DROP TRIGGER IF EXISTS audit_log_no_delete`}
	if pg {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
			 BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`,
			`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`,
			`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
			`DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`,
			`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
		}
		down = []string{`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`,
			`DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log`, `DROP FUNCTION IF EXISTS audit_log_append_only()`}
	}
	run := func(stmts []string) *goose.GoFunc {
		return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
			for _, q := range stmts {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("audit log append-only: %w", err)
				}
			}
			return nil
		}}
	}
	return goose.NewGoMigration(20, run(stmts), run(down))
}
