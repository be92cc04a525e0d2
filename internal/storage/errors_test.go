package storage

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"beian/internal/clock"
)

// PostgreSQL's errors are classified by their SQLSTATE, whatever their text.
func TestTranslatePostgresCodes(t *testing.T) {
	cases := []struct {
		code string
		want error
	}{
		{"23505", ErrConflict},    // unique_violation
		{"57P01", ErrUnavailable}, // admin_shutdown
		{"57P03", ErrUnavailable}, // cannot_connect_now
		{"08006", ErrUnavailable}, // connection_failure
		{"53100", ErrUnavailable}, // disk_full
		{"23503", nil},            // foreign_key_violation: a bug, not a conflict
		{"42P01", nil},            // undefined_table
	}
	for _, c := range cases {
		err := translate(fmt.Errorf("exec: %w", &pgconn.PgError{Code: c.code, Message: "anything"}))
		for _, s := range []error{ErrConflict, ErrUnavailable, ErrNotFound} {
			if errors.Is(err, s) != (s == c.want) {
				t.Errorf("SQLSTATE %s: %v, want %v", c.code, err, c.want)
			}
		}
	}
	if err := translate(fmt.Errorf("query: %w", pgconn.ErrConnClosed)); !errors.Is(err, ErrUnavailable) {
		t.Errorf("a closed connection: %v", err)
	}
}

// SQLite's errors are classified by the driver's result codes: a UNIQUE
// violation is a conflict, a full database is unavailable (the write is
// refused and nothing is half-written).
func TestTranslateSQLiteCodes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "full.db"), clock.Fixed(clock.TestNow()))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	put := func(name, value string) error {
		return s.Tx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value)
			return err
		})
	}
	if err := put("a", "1"); err != nil {
		t.Fatal(err)
	}
	if err := put("a", "2"); !errors.Is(err, ErrConflict) {
		t.Fatalf("a duplicate key: %v", err)
	}
	var pages int
	if err := s.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The writer is one connection: the cap holds for every write below.
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+2)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 64<<10)
	for i := range 100 {
		err = put(fmt.Sprint("big", i), big)
		if err != nil {
			break
		}
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("a full database: %v, want ErrUnavailable", err)
	}
}
