package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"beian/internal/storage"
	"beian/internal/workflow"
)

// QueueSource is what the queue and backlog gauges read at each scrape.
type QueueSource interface {
	JobQueueStats(ctx context.Context, now time.Time) ([]storage.JobKindStats, error)
	OverdueCounts(ctx context.Context, now time.Time, states []string) (map[string]int, error)
}

// queueCollector reads the job queue and the overdue reviewer tasks from
// the database when scraped, so every instance reports the same shared
// truth (no instance-local counter can drift from it after a restart).
type queueCollector struct {
	src     QueueSource
	now     func() time.Time
	kinds   func() []string
	depth   *prometheus.Desc
	lag     *prometheus.Desc
	running *prometheus.Desc
	failed  *prometheus.Desc
	overdue *prometheus.Desc
	up      *prometheus.Desc
}

// reviewerStates are the states with a reviewer deadline.
var reviewerStates = []string{string(workflow.InitialReview), string(workflow.MaterialReview)}

// NewQueueCollector reports the job queue and the overdue applications
// from src, as of the business clock now. kinds are the job kinds this
// system runs: each is reported, at 0 when idle, so an alert rule sees a
// series rather than nothing.
func NewQueueCollector(src QueueSource, now func() time.Time, kinds func() []string) prometheus.Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, labels, nil)
	}
	return &queueCollector{src: src, now: now, kinds: kinds,
		depth:   d("job_queue_depth", "Jobs due now and not yet taken by a worker, by kind.", "kind"),
		lag:     d("job_queue_lag_seconds", "How long the oldest due job has waited past its run time, by kind (0 when none waits).", "kind"),
		running: d("jobs_running", "Jobs a worker holds now, by kind.", "kind"),
		failed:  d("jobs_failed", "Jobs given up after their last attempt (dead letters), by kind.", "kind"),
		overdue: d("applications_overdue", "Open applications whose reviewer deadline has passed, by state.", "state"),
		up:      d("database_up", "1 when the last scrape could read the database, 0 when it could not."),
	}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.depth, c.lag, c.running, c.failed, c.overdue, c.up} {
		ch <- d
	}
}

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := scrapeContext()
	defer cancel()
	now := c.now()
	up := 1.0
	stats, err := c.src.JobQueueStats(ctx, now)
	if err != nil {
		up = 0
	}
	seen := map[string]bool{}
	for _, k := range stats {
		seen[k.Kind] = true
	}
	for _, kind := range c.kinds() {
		if !seen[kind] {
			stats = append(stats, storage.JobKindStats{Kind: kind})
		}
	}
	for _, k := range stats {
		lag := 0.0
		if !k.Oldest.IsZero() && now.After(k.Oldest) {
			lag = now.Sub(k.Oldest).Seconds()
		}
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(k.Due), k.Kind)
		ch <- prometheus.MustNewConstMetric(c.lag, prometheus.GaugeValue, lag, k.Kind)
		ch <- prometheus.MustNewConstMetric(c.running, prometheus.GaugeValue, float64(k.Running), k.Kind)
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, float64(k.Failed), k.Kind)
	}
	overdue, err := c.src.OverdueCounts(ctx, now, reviewerStates)
	if err != nil {
		up = 0
	}
	for _, st := range reviewerStates {
		ch <- prometheus.MustNewConstMetric(c.overdue, prometheus.GaugeValue, float64(overdue[st]), st)
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up)
}
