package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Migrations are portable SQL (TEXT ids, BIGINT Unix-millisecond times) so
// one schema serves both databases. Each file is one goose version; where
// the two databases need different statements (triggers), the version is a
// Go migration beside them (appendonly.go).
//
//go:embed migrations/*.sql
var migrations embed.FS

// Migrate brings the schema up to date. On PostgreSQL an advisory lock makes
// it safe when several instances start at once.
func (s *Store) Migrate(ctx context.Context) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(res) > 0 && !s.pg {
		// SQLite's planner needs statistics to prefer a covering index over a
		// unique one (00008); new indexes have none. A bounded sample per
		// index: a second on millions of rows. PostgreSQL's autovacuum
		// analyzes by itself.
		for _, q := range []string{"PRAGMA analysis_limit = 2000", "ANALYZE"} {
			if _, err := s.w.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("migrate: %s: %w", q, err)
			}
		}
	}
	return nil
}

// migrations is the goose provider of this store's dialect.
func (s *Store) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	// Out of order: work on parallel branches numbers its migrations in
	// ranges (00030s, 00040s …), so a database already past 00040 must
	// still take a 00031 that lands later.
	opts := []goose.ProviderOption{goose.WithGoMigrations(auditAppendOnly(s.pg)), goose.WithAllowOutofOrder(true)}
	if s.pg {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, s.w, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Optimize keeps SQLite's planner statistics current as the data grows
// (PRAGMA optimize analyzes only the tables whose row counts changed a lot
// since their last analysis, a bounded sample each): without them it may
// prefer a unique index to a covering one. PostgreSQL's autovacuum does
// this by itself.
func (s *Store) Optimize(ctx context.Context) error {
	if s.pg {
		return nil
	}
	for _, q := range []string{"PRAGMA analysis_limit = 2000", "PRAGMA optimize"} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("optimize: %s: %w", q, err)
		}
	}
	return nil
}
