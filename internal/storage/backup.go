package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
)

// BackupTo writes a consistent copy of a SQLite database to path with
// VACUUM INTO, which reads one snapshot and is safe while the server runs.
// PostgreSQL is backed up with pg_dump instead (docs/operations.md).
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.pg {
		return errors.New("backup: use pg_dump for PostgreSQL (see docs/operations.md)")
	}
	// Created 0600 first (VACUUM INTO fills an empty file and keeps its mode).
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	// VACUUM INTO takes no bound parameter for the file name; quote it.
	quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	// A reader connection, so writers are not held up while it copies; it is
	// query_only by default, so lift that for this one statement.
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA query_only = 1")
	if _, err := conn.ExecContext(ctx, "VACUUM INTO "+quoted); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
