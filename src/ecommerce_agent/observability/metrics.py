"""Every metric the service exports, defined in this one module.

Names are the operations guide's. Label sets are bounded: ``endpoint`` is the
route template (``/orders/{order_id}``), never the raw path; ``intent`` comes
from the fixed intent taxonomy; ``table``/``operation`` from the schema.

Under gunicorn (several workers) prometheus_client runs in multiprocess mode:
``PROMETHEUS_MULTIPROC_DIR`` must be set before this module is imported
(``gunicorn.conf.py`` and ``ecommerce-agent serve`` do it) and ``/metrics``
aggregates the files of all workers.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10)
LLM_BUCKETS = (0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)
DB_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1)

http_requests_total = Counter(
    "http_requests_total", "HTTP requests by method, route template and status code.",
    ["method", "endpoint", "status"])
http_request_duration_seconds = Histogram(
    "http_request_duration_seconds", "HTTP request duration by method and route template.",
    ["method", "endpoint"], buckets=LATENCY_BUCKETS)
agent_requests_total = Counter(
    "agent_requests_total", "Conversation turns handled by the agent, by intent.", ["intent"])
agent_errors_total = Counter(
    "agent_errors_total", "Agent turns that failed, by intent and error type.", ["intent", "error_type"])
agent_response_seconds = Histogram(
    "agent_response_seconds", "Time to answer one conversation turn, by intent.", ["intent"],
    buckets=LATENCY_BUCKETS)
llm_requests_total = Counter(
    "llm_requests_total", "Calls to the LLM API by provider, model and outcome.",
    ["provider", "model", "status"])
llm_latency_seconds = Histogram(
    "llm_latency_seconds", "LLM API call latency by provider and model.", ["provider", "model"],
    buckets=LLM_BUCKETS)
llm_tokens_used_total = Counter(
    "llm_tokens_used_total", "LLM tokens used by provider, model and type (prompt|completion).",
    ["provider", "model", "type"])
db_queries_total = Counter(
    "db_queries_total", "Database queries by table and operation.", ["table", "operation"])
db_query_duration_seconds = Histogram(
    "db_query_duration_seconds", "Database query duration by table and operation.",
    ["table", "operation"], buckets=DB_BUCKETS)
active_users = Gauge(
    "active_users", "Distinct authenticated users seen in the last 5 minutes (all workers).",
    multiprocess_mode="mostrecent")
app_info = Gauge(
    "app_info", "Build and runtime information (value is always 1).", ["version", "env", "backend"],
    multiprocess_mode="max")

# Every exported metric family, for docs and the dashboard/alert consistency tests.
METRICS = (http_requests_total, http_request_duration_seconds, agent_requests_total, agent_errors_total,
           agent_response_seconds, llm_requests_total, llm_latency_seconds, llm_tokens_used_total,
           db_queries_total, db_query_duration_seconds, active_users, app_info)


def observe_query(table: str, operation: str, seconds: float) -> None:
    """The repository's query observer."""
    db_queries_total.labels(table, operation).inc()
    db_query_duration_seconds.labels(table, operation).observe(seconds)


def render() -> tuple[bytes, str]:
    """The exposition text of this process, or of all workers in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    from prometheus_client import REGISTRY

    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
