"""Structured JSON logs to stdout and ``log/app.log`` (rotated).

Each line: ``timestamp`` (UTC, ISO 8601), ``level``, ``message``, ``logger``,
``request_id``, ``user_id`` and any event fields passed with ``extra=``.
Secrets never reach a line: bearer tokens, JWTs and password fields are
redacted here, and callers log only masked text (the guardrails mask PII
before anything stores or logs it); ``set_redactor`` adds that masker as a
last line of defence.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("user_id", default=None)

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName",
                                                                        "color_message"}
_SECRETS = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer [REDACTED]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[JWT]"),
    (re.compile(r"(?i)(\"?(?:password|passwd|secret|token|api_key)\"?\s*[:=]\s*)(\"[^\"]*\"|\S+)"),
     r"\1[REDACTED]"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), "sk-[REDACTED]"),
]
# Every pattern above needs one of these words: most lines have none, and one search
# for them replaces four substitutions (this runs on every string of every line).
_SECRET_HINT = re.compile(r"(?i)bearer|eyJ|passw|secret|token|api_key|sk-")
_SECRET_KEYS = {"password", "access_token", "refresh_token", "token", "authorization", "api_key", "secret"}
_redactor: Callable[[str], str] | None = None


def set_redactor(fn: Callable[[str], str] | None) -> None:
    """Install a text masker (e.g. the PII masker) applied to every string field."""
    global _redactor
    _redactor = fn


def redact(text: str) -> str:
    if _SECRET_HINT.search(text):
        for pattern, replacement in _SECRETS:
            text = pattern.sub(replacement, text)
    return _redactor(text) if _redactor is not None else text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # A record goes to stdout and the file, and the rotating file handler formats it
        # once more to measure it: the line is built (and redacted) once, kept on the record.
        cached = record.__dict__.get("_json_line")
        if cached is not None:
            return cached
        line = self._format(record)
        record._json_line = line
        return line

    def _format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "message": redact(record.getMessage()),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
            "user_id": getattr(record, "user_id", None) or user_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in entry or key.startswith("_"):
                continue
            if key.lower() in _SECRET_KEYS:
                value = "[REDACTED]"
            elif isinstance(value, str):
                value = redact(value)
            entry[key] = value
        if record.exc_info:  # the type only: tracebacks may carry data and belong to debugging
            entry["error_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(level: str = "INFO", file: Path | None = None, *, max_bytes: int = 50 * 1024 * 1024,
              backup_count: int = 10) -> None:
    """Route the root logger (and uvicorn's) to JSON on stdout and, if given, a rotated file."""
    formatter = JsonFormatter()
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stdout)]
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(file, maxBytes=max_bytes, backupCount=backup_count,
                                                             encoding="utf-8"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "gunicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers, logger.propagate = [], True
    # Access lines come from our middleware (with request id and route); drop uvicorn's.
    logging.getLogger("uvicorn.access").handlers = []
    logging.getLogger("uvicorn.access").propagate = False
