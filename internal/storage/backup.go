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
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	// VACUUM INTO takes no bound parameter for the file name; quote it.
	quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	if _, err := s.r.ExecContext(ctx, "VACUUM INTO "+quoted); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
