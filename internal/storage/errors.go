package storage

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors every caller can test with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means the database cannot be reached or cannot write
	// right now (down, restarting, disk full): worth trying again later.
	ErrUnavailable = errors.New("database unavailable")
)

// translate maps driver errors to the package's sentinels, by the drivers'
// own error codes (never by reading the message): the one place that knows
// both databases' errors.
func translate(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case uniqueViolation(err):
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case unavailable(err):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// uniqueViolation: a UNIQUE or PRIMARY KEY constraint refused the row.
func uniqueViolation(err error) bool {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		return pe.Code == "23505" // unique_violation
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// unavailable: the database is out of reach or out of space. The pool
// redials on the next request, so an outage heals by itself once the
// server is back.
func unavailable(err error) bool {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			strings.HasPrefix(pe.Code, "57P"), // operator intervention: shutdown, cannot connect now
			pe.Code == "53100":                // disk_full
			return true
		}
		return false
	}
	if se, ok := errors.AsType[*sqlite.Error](err); ok {
		return se.Code()&0xff == sqlite3.SQLITE_FULL
	}
	// The connection broke or cannot be made: a pooled connection cut
	// mid-query (unexpected EOF, reset, closed), a refused dial, a network
	// timeout.
	_, connectErr := errors.AsType[*pgconn.ConnectError](err)
	_, netErr := errors.AsType[net.Error](err)
	return connectErr || netErr || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE)
}
