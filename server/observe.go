package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/fenliu/fenliu"
	"github.com/fenliu/fenliu/app"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Observability: Prometheus metrics at /metrics, one request-log line per
// request, and the request's id in every log line written while serving it.

// Metrics are the server's Prometheus metrics.
type Metrics struct {
	Registry      *prometheus.Registry
	requests      *prometheus.HistogramVec
	intakes       *prometheus.CounterVec
	triage        prometheus.Histogram
	timersFired   prometheus.Counter
	deliveries    *prometheus.CounterVec
	deliveryTime  *prometheus.HistogramVec
	schedulerWait prometheus.Gauge
}

// NewMetrics registers the metrics; the App's read-outs (timers pending,
// outbox depth, database pool) are read at each scrape through a.
func NewMetrics() *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fenliu_http_request_duration_seconds",
		Help: "HTTP request latency by route pattern, method and status.", Buckets: prometheus.DefBuckets}, []string{"route", "method", "status"})
	m.intakes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fenliu_intakes_total", Help: "Incidents recorded, by channel."}, []string{"channel"})
	m.triage = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "fenliu_triage_duration_seconds", Help: "Time to triage one text.",
		Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25}})
	m.timersFired = prometheus.NewCounter(prometheus.CounterOpts{Name: "fenliu_timers_fired_total", Help: "Deadline timers fired."})
	m.schedulerWait = prometheus.NewGauge(prometheus.GaugeOpts{Name: "fenliu_scheduler_sleep_seconds", Help: "How long the scheduler sleeps until its next pass."})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fenliu_webhook_attempts_total",
		Help: "Webhook delivery attempts by subscriber and outcome (ok, failed)."}, []string{"subscriber", "outcome"})
	m.deliveryTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fenliu_webhook_attempt_duration_seconds",
		Help: "Time a receiver took to answer a delivery.", Buckets: prometheus.DefBuckets}, []string{"subscriber"})
	m.Registry.MustRegister(m.requests, m.intakes, m.triage, m.timersFired, m.schedulerWait, m.deliveries, m.deliveryTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe wires the App's hooks into the metrics.
func (m *Metrics) Observe(opts *app.Options) {
	opts.OnIntake = func(ch fenliu.Channel) { m.intakes.WithLabelValues(string(ch)).Inc() }
	opts.OnTriage = func(d time.Duration) { m.triage.Observe(d.Seconds()) }
	opts.OnSchedule = func(fired int, sleep time.Duration) {
		m.timersFired.Add(float64(fired))
		m.schedulerWait.Set(sleep.Seconds())
	}
}

// Attempt records a webhook delivery attempt.
func (m *Metrics) Attempt(s *fenliu.Subscriber, d *fenliu.Delivery) {
	outcome := "failed"
	if d.OK {
		outcome = "ok"
	}
	m.deliveries.WithLabelValues(s.Name, outcome).Inc()
	m.deliveryTime.WithLabelValues(s.Name).Observe(float64(d.TookMS) / 1000)
}

// Watch registers the read-outs taken from a at each scrape.
func (m *Metrics) Watch(a *app.App, log *slog.Logger) {
	m.Registry.MustRegister(&appCollector{a: a, log: log})
}

type appCollector struct {
	a   *app.App
	log *slog.Logger
}

var (
	descTimers  = prometheus.NewDesc("fenliu_timers_pending", "Deadline timers armed and not yet fired.", nil, nil)
	descDepth   = prometheus.NewDesc("fenliu_outbox_pending", "Outbox entries a subscriber's stream has not passed yet.", []string{"subscriber"}, nil)
	descOldest  = prometheus.NewDesc("fenliu_outbox_oldest_pending_seconds", "Age of the oldest outbox entry a subscriber's stream has not passed.", []string{"subscriber"}, nil)
	descDead    = prometheus.NewDesc("fenliu_outbox_dead_letters", "Entries a subscriber did not take within its retry period.", []string{"subscriber"}, nil)
	descOpen    = prometheus.NewDesc("fenliu_db_connections_open", "Database connections open (the writer pool).", nil, nil)
	descInUse   = prometheus.NewDesc("fenliu_db_connections_in_use", "Database connections in use.", nil, nil)
	descWaits   = prometheus.NewDesc("fenliu_db_connection_waits_total", "Times a request waited for a database connection.", nil, nil)
	descWaitDur = prometheus.NewDesc("fenliu_db_connection_wait_seconds_total", "Time spent waiting for database connections.", nil, nil)
)

func (c *appCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTimers, descDepth, descOldest, descDead, descOpen, descInUse, descWaits, descWaitDur} {
		ch <- d
	}
}

func (c *appCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if n, err := c.a.PendingTimers(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descTimers, prometheus.GaugeValue, float64(n))
	} else {
		c.log.Warn("metrics: timers", "err", err)
	}
	if subs, err := c.a.StreamSubscribers(ctx); err == nil {
		now := c.a.Now()
		for _, s := range subs {
			ch <- prometheus.MustNewConstMetric(descDepth, prometheus.GaugeValue, float64(s.Pending), s.Name)
			age := 0.0
			if s.OldestPendingAt != nil {
				age = now.Sub(*s.OldestPendingAt).Seconds()
			}
			ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, age, s.Name)
			ch <- prometheus.MustNewConstMetric(descDead, prometheus.GaugeValue, float64(s.Dead), s.Name)
		}
	} else {
		c.log.Warn("metrics: subscribers", "err", err)
	}
	p := c.a.Pool()
	ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(p.Open))
	ch <- prometheus.MustNewConstMetric(descInUse, prometheus.GaugeValue, float64(p.InUse))
	ch <- prometheus.MustNewConstMetric(descWaits, prometheus.CounterValue, float64(p.WaitCount))
	ch <- prometheus.MustNewConstMetric(descWaitDur, prometheus.CounterValue, p.WaitDuration.Seconds())
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to ("" outside one).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// statusWriter keeps the status and size of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

// Flush lets server-sent events through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Instrument gives every request an id (its X-Request-Id if sane, else a
// new one, sent back in X-Request-Id), writes one request-log line when it
// ends, and times it by route for /metrics.
func (m *Metrics) Instrument(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || !printable(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Observe(took.Seconds())
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("route", route), slog.Int("status", sw.status), slog.Int64("bytes", sw.size),
			slog.Float64("ms", float64(took.Microseconds())/1000), slog.String("remote", r.RemoteAddr))
	})
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// requestHandler adds the request id of the context to every record.
type requestHandler struct{ slog.Handler }

func (h requestHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestHandler{h.Handler.WithAttrs(as)}
}

func (h requestHandler) WithGroup(name string) slog.Handler {
	return requestHandler{h.Handler.WithGroup(name)}
}
