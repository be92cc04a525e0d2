package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Job is one unit of background work.
type Job struct {
	ID          string
	Kind        string
	Payload     json.RawMessage
	Key         string // idempotency key: enqueuing the same key twice keeps one job
	RunAt       time.Time
	Attempts    int
	MaxAttempts int
}

// Enqueue adds a job in this transaction. A job whose Key already exists is
// silently kept as it is, so retried requests do not double the work.
func (t *Tx) Enqueue(ctx context.Context, kind string, payload any, key string, runAt time.Time) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("job payload: %w", err)
	}
	now := t.s.now()
	if runAt.IsZero() {
		runAt = now
	}
	var k any
	if key != "" {
		k = key
	}
	_, err = t.exec(ctx, `INSERT INTO jobs (id, kind, payload, idem_key, run_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
		uuid.Must(uuid.NewV7()).String(), kind, string(b), k, ms(runAt), ms(now))
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return nil
}

// EnqueueSlot queues a periodic job for the first slot of every at or
// after at; the slot's key keeps one job per slot, however many instances
// queue it.
func (t *Tx) EnqueueSlot(ctx context.Context, kind, keyPrefix string, every time.Duration, at time.Time) error {
	slot := at.Truncate(every)
	if slot.Before(at) {
		slot = slot.Add(every)
	}
	return t.Enqueue(ctx, kind, struct{}{}, keyPrefix+slot.UTC().Format(time.RFC3339), slot)
}

// EnqueueNew adds a job like Enqueue and says whether it is new: false
// when a job with key existed already (whatever its state), so a caller
// that must act once per key acts only on a fresh one. key is required.
func (t *Tx) EnqueueNew(ctx context.Context, kind string, payload any, key string, runAt time.Time) (id string, created bool, err error) {
	if key == "" {
		return "", false, fmt.Errorf("enqueue %s: EnqueueNew needs a key", kind)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", false, fmt.Errorf("job payload: %w", err)
	}
	now := t.s.now()
	if runAt.IsZero() {
		runAt = now
	}
	id = uuid.Must(uuid.NewV7()).String()
	res, err := t.exec(ctx, `INSERT INTO jobs (id, kind, payload, idem_key, run_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`, id, kind, string(b), key, ms(runAt), ms(now))
	if err != nil {
		return "", false, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", false, nil
	}
	return id, true, nil
}

// RunJobNow does the work of the queued job with key at once, as its one
// attempt: it takes the job's lease (attempts + 1) only if the job is still
// queued, runs fn outside any transaction, and marks the job done, or puts
// it back for the runner with fn's error. A job the runner already holds
// (or finished) is left to it: ran is false and fn is not called. So a job
// a caller does straight after its commit runs once, not once here and
// once more in the runner.
func (s *Store) RunJobNow(ctx context.Context, key string, lease time.Duration, fn func(context.Context) error) (ran bool, err error) {
	now := s.now()
	var claimed int64
	err = s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ? WHERE idem_key = ? AND state = 'queued'`,
			ms(now.Add(lease)), key)
		if err != nil {
			return err
		}
		claimed, err = res.RowsAffected()
		return err
	})
	if err != nil || claimed == 0 {
		return false, err
	}
	if ferr := fn(ctx); ferr != nil {
		if err := s.Tx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE jobs SET state = 'queued', run_at = ?, locked_until = 0, last_error = ? WHERE idem_key = ? AND state = 'running'`,
				ms(now), ferr.Error(), key)
			return err
		}); err != nil {
			return true, errors.Join(ferr, err)
		}
		return true, ferr
	}
	return true, s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE jobs SET state = 'done', finished_at = ?, last_error = '' WHERE idem_key = ? AND state = 'running'`,
			ms(s.now()), key)
		return err
	})
}

// ClaimJobs takes up to n due jobs, leasing them for lease. A job whose
// lease ran out (its worker died) is due again. On PostgreSQL, SKIP LOCKED
// lets several instances claim side by side without taking the same job.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, n int, lease time.Duration) ([]Job, error) {
	var jobs []Job
	err := s.Tx(ctx, func(tx *Tx) error {
		lock := ""
		if s.pg {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.query(ctx, `SELECT id, kind, payload, COALESCE(idem_key, ''), run_at, attempts, max_attempts FROM jobs
			WHERE (state = 'queued' AND run_at <= ?) OR (state = 'running' AND locked_until <= ?)
			ORDER BY run_at LIMIT ?`+lock, ms(now), ms(now), n)
		if err != nil {
			return err
		}
		for rows.Next() {
			var j Job
			var payload string
			var runAt int64
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Key, &runAt, &j.Attempts, &j.MaxAttempts); err != nil {
				rows.Close()
				return err
			}
			j.Payload = json.RawMessage(payload)
			j.RunAt = fromMS(runAt)
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range jobs {
			jobs[i].Attempts++
			if _, err := tx.exec(ctx, `UPDATE jobs SET state = 'running', attempts = ?, locked_until = ? WHERE id = ?`,
				jobs[i].Attempts, ms(now.Add(lease)), jobs[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	return jobs, err
}

// CompleteJob marks a job done. Handlers that must take effect exactly once
// do their write in the same transaction through CompleteJobTx.
func (s *Store) CompleteJob(ctx context.Context, id string) error {
	return s.Tx(ctx, func(tx *Tx) error { return tx.CompleteJob(ctx, id) })
}

// CompleteJob marks a job done inside tx. A job done in the transaction
// that queued it was run once, there: it counts one attempt.
func (t *Tx) CompleteJob(ctx context.Context, id string) error {
	_, err := t.exec(ctx, `UPDATE jobs SET state = 'done', finished_at = ?, last_error = '',
		attempts = CASE WHEN attempts < 1 THEN 1 ELSE attempts END WHERE id = ?`, ms(t.s.now()), id)
	return err
}

// RetryJob puts a failed job back for a later try, or gives up on it after
// its last attempt.
func (s *Store) RetryJob(ctx context.Context, j Job, cause error, next time.Time) error {
	state := "queued"
	if j.Attempts >= j.MaxAttempts {
		state = "failed"
	}
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE jobs SET state = ?, run_at = ?, locked_until = 0, last_error = ? WHERE id = ?`,
			state, ms(next), cause.Error(), j.ID)
		return err
	})
}

// JobCounts reports how many jobs are in each state (for tests and the admin page).
func (rd Reader) JobCounts(ctx context.Context) (map[string]int, error) {
	rows, err := rd.db.query(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, err
	}
	return counted(rows, map[string]int{})
}

// NextJobAt tells when the next queued job is due (zero when none), so the
// worker can sleep until then.
func (rd Reader) NextJobAt(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	err := rd.db.queryRow(ctx, `SELECT MIN(run_at) FROM jobs WHERE state = 'queued'`).Scan(&v)
	if err != nil {
		return time.Time{}, translate(err)
	}
	return fromMS(v.Int64), nil
}

// ExtendJobLease keeps jobs that are still being worked on leased until
// until, so a short lease can bring back a dead worker's jobs quickly
// without a live worker's long job being claimed twice.
func (s *Store) ExtendJobLease(ctx context.Context, ids []string, until time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	q := `UPDATE jobs SET locked_until = ? WHERE state = 'running' AND id IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
	args := make([]any, 0, len(ids)+1)
	args = append(args, ms(until))
	for _, id := range ids {
		args = append(args, id)
	}
	return s.Tx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, q, args...)
		return err
	})
}

// PurgeJobPayloads empties the payloads of jobs that finished (done or
// failed) before before, keeping their kind, idempotency key and times (the
// key still stops a retried request from queuing the work again). Payloads
// hold sealed recipients and bodies; after the retention period nobody
// needs even those. It reports how many it emptied.
func (t *Tx) PurgeJobPayloads(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.exec(ctx, `UPDATE jobs SET payload = '{}' WHERE state IN ('done', 'failed') AND payload <> '{}'
		AND (CASE WHEN finished_at > 0 THEN finished_at ELSE run_at END) < ?`, ms(before))
	if err != nil {
		return 0, fmt.Errorf("purge job payloads: %w", err)
	}
	return res.RowsAffected()
}
