package server

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/tracegraph/tracegraph"
)

// metrics are the service's Prometheus metrics, in a registry of their own.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	events   *prometheus.CounterVec
	business *business
}

func newMetrics(store tracegraph.Store, refresh time.Duration) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_http_requests_total",
			Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tracegraph_http_request_duration_seconds",
			Help:    "HTTP request latency by route, method and status.",
			Buckets: []float64{.0002, .0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method", "status"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tracegraph_events_total",
			Help: "Events received through POST /api/v1/events and GraphQL mutations, by outcome (accepted, duplicate, rejected).",
		}, []string{"outcome"}),
	}
	for _, o := range []string{"accepted", "duplicate", "rejected"} {
		m.events.WithLabelValues(o)
	}
	m.business = newBusiness(store, refresh)
	m.registry.MustRegister(m.requests, m.latency, m.events, newStoreCollector(store),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.registry.MustRegister(m.business.collectors()...)
	return m
}

func (m *metrics) observeRequest(route, method string, status int, d time.Duration) {
	st := strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, st).Inc()
	m.latency.WithLabelValues(route, method, st).Observe(d.Seconds())
}

// countOutcomes counts a batch's outcomes (tracegraph.Tally).
func (m *metrics) countOutcomes(outs []tracegraph.Outcome) {
	t := tracegraph.CountOutcomes(outs)
	m.events.WithLabelValues("accepted").Add(float64(t.Accepted))
	m.events.WithLabelValues("duplicate").Add(float64(t.Duplicates))
	m.events.WithLabelValues("rejected").Add(float64(t.Rejected))
	m.business.countOutcomes(outs)
}

// storeCollector reports the store's size at each scrape.
type storeCollector struct {
	store                               tracegraph.Store
	events, nodes, edges, disk, mem, up *prometheus.Desc
}

func newStoreCollector(store tracegraph.Store) *storeCollector {
	return &storeCollector{
		store:  store,
		events: prometheus.NewDesc("tracegraph_store_events", "Events in the log.", nil, nil),
		nodes:  prometheus.NewDesc("tracegraph_store_nodes", "Nodes in the graph by label.", []string{"label"}, nil),
		edges:  prometheus.NewDesc("tracegraph_store_edges", "Edges in the graph by type.", []string{"type"}, nil),
		disk:   prometheus.NewDesc("tracegraph_store_disk_bytes", "Bytes the store uses on disk.", nil, nil),
		mem:    prometheus.NewDesc("tracegraph_store_memory_bytes", "Bytes the store holds in memory.", nil, nil),
		up:     prometheus.NewDesc("tracegraph_store_up", "Whether the store answered the last scrape.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.events, c.nodes, c.edges, c.disk, c.mem, c.up} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.store.Stats(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(s.Events))
	for l, n := range s.Nodes {
		ch <- prometheus.MustNewConstMetric(c.nodes, prometheus.GaugeValue, float64(n), string(l))
	}
	for t, n := range s.Edges {
		ch <- prometheus.MustNewConstMetric(c.edges, prometheus.GaugeValue, float64(n), string(t))
	}
	ch <- prometheus.MustNewConstMetric(c.disk, prometheus.GaugeValue, float64(s.DiskBytes))
	ch <- prometheus.MustNewConstMetric(c.mem, prometheus.GaugeValue, float64(s.MemBytes))
}
