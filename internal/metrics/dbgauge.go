package metrics

import (
	"context"
	"sort"

	"github.com/prometheus/client_golang/prometheus"
)

// CountsFunc reads counts by one label's value from the database.
type CountsFunc func(ctx context.Context) (map[string]int, error)

// countsCollector is a gauge with one label whose values are read at
// each scrape (the same on every instance, like the queue's gauges).
type countsCollector struct {
	desc   *prometheus.Desc
	read   CountsFunc
	values []string
}

// NewCounts is a gauge beian_<name>{label} read by read at each scrape.
// A failed read reports nothing (beian_database_up says why).
func NewCounts(name, help, label string, read CountsFunc) prometheus.Collector {
	return NewCountsOf(name, help, label, nil, read)
}

// NewCountsOf is NewCounts that reports each of values, at 0 when the
// database has none, so an alert rule sees a series rather than nothing.
func NewCountsOf(name, help, label string, values []string, read CountsFunc) prometheus.Collector {
	return &countsCollector{desc: prometheus.NewDesc(prometheus.BuildFQName(Namespace, "", name), help, []string{label}, nil), read: read, values: values}
}

func (c *countsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *countsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := scrapeContext()
	defer cancel()
	m, err := c.read(ctx)
	if err != nil {
		return
	}
	for _, v := range c.values {
		if _, ok := m[v]; !ok {
			m[v] = 0
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(m[k]), k)
	}
}
