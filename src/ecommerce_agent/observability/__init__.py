"""Observability: every metric (metrics.py), structured logs (logging.py), request ids."""
