"""Search errors, part of the ``AppError`` hierarchy (see ``ecommerce_agent.errors``)::

    AppError
    ├── CorpusError            a policy document is malformed: file and line named
    └── SearchIndexError       503, the index is missing, unreadable or from another format
"""

from __future__ import annotations

from ..errors import AppError


class CorpusError(AppError):
    """A policy document cannot be indexed. ``file:line`` points at the problem."""

    code = "invalid_corpus"
    http_status = 422

    def __init__(self, message: str, *, file: str, line: int) -> None:
        self.file, self.line = file, line
        super().__init__(f"{file}:{line}: {message}")


class SearchIndexError(AppError):
    code = "search_index_unavailable"
    http_status = 503
