//! Prometheus metrics of the HTTP service, kept in the app state (no global registry).

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry, TextEncoder,
};

#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    /// Statements the request handlers sent to the database (the outbox worker's not included).
    db_queries: IntCounter,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("shortscience".to_owned()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests served, by route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to serve a request, by route",
            ),
            &["method", "route"],
        )?;
        let db_queries = IntCounter::new(
            "db_queries_total",
            "Database statements sent while serving requests",
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(db_queries.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            db_queries,
        })
    }

    /// Records one served request. `route` is the matched pattern, never the raw path, so the
    /// number of series stays bounded.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts every statement `db` sends from now on.
    pub fn count_queries(&self, db: &mut sea_orm::DatabaseConnection) {
        let counter = self.db_queries.clone();
        db.set_metric_callback(move |_| counter.inc());
    }

    /// The text exposition format.
    pub fn render(&self) -> Result<String, prometheus::Error> {
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        String::from_utf8(buffer).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}
