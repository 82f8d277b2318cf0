"""Entry point for ASGI servers: `gunicorn api:app -c gunicorn.conf.py` or `uvicorn api:app`."""

from ecommerce_agent.api.app import app

__all__ = ["app"]
