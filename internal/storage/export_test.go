package storage

import "context"

// ListenerPID is the backend PID of the domain filter's listening
// connection (PostgreSQL), so a test cuts its own listener and no other
// test's.
func (s *Store) ListenerPID() uint32 {
	if s.domains == nil {
		return 0
	}
	return s.domains.listener.Load()
}

// MigrateDownTo undoes the migrations after version v, so a test can check
// what a later migration does to data written before it.
func (s *Store) MigrateDownTo(ctx context.Context, v int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}
