package storage

import (
	"context"
	"fmt"
	"time"
)

// JobKindStats is the queue's state for one job kind at one moment.
type JobKindStats struct {
	Kind    string
	Due     int       // queued and due now: waiting for a worker
	Running int       // claimed by a worker
	Failed  int       // given up after their last attempt
	Oldest  time.Time // run_at of the oldest due job; zero when none is due
}

// JobQueueStats reports, per kind, the jobs due and not yet taken, the jobs
// running and the jobs given up, as of now (the metrics' queue depth and
// lag). Jobs scheduled for later are not waiting and not counted.
func (rd Reader) JobQueueStats(ctx context.Context, now time.Time) ([]JobKindStats, error) {
	rows, err := rd.db.query(ctx, `SELECT kind, state, COUNT(*), MIN(run_at) FROM jobs
		WHERE (state = 'queued' AND run_at <= ?) OR state = 'running' OR state = 'failed'
		GROUP BY kind, state ORDER BY kind`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("job queue stats: %w", translate(err))
	}
	defer rows.Close()
	var out []JobKindStats
	for rows.Next() {
		var kind, state string
		var n int
		var oldest int64
		if err := rows.Scan(&kind, &state, &n, &oldest); err != nil {
			return nil, translate(err)
		}
		if len(out) == 0 || out[len(out)-1].Kind != kind {
			out = append(out, JobKindStats{Kind: kind})
		}
		k := &out[len(out)-1]
		switch state {
		case "queued":
			k.Due, k.Oldest = n, fromMS(oldest)
		case "running":
			k.Running = n
		case "failed":
			k.Failed = n
		}
	}
	return out, translate(rows.Err())
}

// OverdueCounts counts the open applications in each of states whose
// reviewer deadline passed before now.
func (rd Reader) OverdueCounts(ctx context.Context, now time.Time, states []string) (map[string]int, error) {
	out := make(map[string]int, len(states))
	if len(states) == 0 {
		return out, nil
	}
	args := []any{ms(now)}
	for _, s := range states {
		args = append(args, s)
		out[s] = 0
	}
	rows, err := rd.db.query(ctx, `SELECT state, COUNT(*) FROM applications
		WHERE due_at > 0 AND due_at < ? AND state IN (`+marks(len(states))+`)
		GROUP BY state`, args...)
	if err != nil {
		return nil, fmt.Errorf("overdue counts: %w", translate(err))
	}
	return counted(rows, out)
}
