package storage

// ListenerPID is the backend PID of the domain filter's listening
// connection (PostgreSQL), so a test cuts its own listener and no other
// test's.
func (s *Store) ListenerPID() uint32 {
	if s.domains == nil {
		return 0
	}
	return s.domains.listener.Load()
}
