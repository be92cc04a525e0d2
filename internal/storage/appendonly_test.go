package storage_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"beian/internal/clock"
	"beian/internal/storage"
	"beian/internal/storage/storagetest"
)

// TestAuditAppendOnly: the database refuses to change or remove audit
// entries, even on a connection of its own; appending still works, and
// migrating again keeps the guard.
func TestAuditAppendOnly(t *testing.T) {
	storagetest.EachURL(t, func(t *testing.T, u string) {
		ctx := context.Background()
		s := storagetest.OpenURL(t, u, clock.Fixed(clock.TestNow()))
		if err := s.Migrate(ctx); err != nil { // idempotent
			t.Fatal(err)
		}
		if err := s.Tx(ctx, func(tx *storage.Tx) error {
			return tx.Audit(ctx, &storage.AuditEntry{At: s.Now(), ActorID: "a", ActorRole: "admin", Action: "probe", ObjectType: "account", ObjectID: "x"})
		}); err != nil {
			t.Fatal(err)
		}
		driver, dsn := "pgx", u
		if strings.HasPrefix(u, "sqlite:") {
			driver, dsn = "sqlite", "file:"+strings.TrimPrefix(u, "sqlite:")
		}
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		// The guard is a migration of its own, recorded like the others.
		var n int
		if err := raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM goose_db_version WHERE version_id = 20`).Scan(&n); err != nil || n != 1 {
			t.Errorf("migration 00020 recorded %d times (%v)", n, err)
		}
		stmts := []string{`UPDATE audit_log SET action = 'forged'`, `DELETE FROM audit_log`}
		if s.Postgres() {
			stmts = append(stmts, `TRUNCATE audit_log`)
		}
		for _, q := range stmts {
			if _, err := raw.ExecContext(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		log, err := s.AuditLog(ctx, storage.AuditFilter{ObjectID: "x"})
		if err != nil || len(log) != 1 || log[0].Action != "probe" {
			t.Errorf("the entry after the attempts: %v %+v", err, log)
		}
	})
}
