"""One error hierarchy for the whole program, shared by the API and the CLI.

Every error carries a stable machine-readable ``code``, a Korean message for
operators and shoppers, and the HTTP status the API maps it to::

    AppError
    ├── ConfigError                 bad or missing configuration (start-up stops)
    ├── DataValidationError         a bad input row: file, line and column named
    ├── BadRequestError             400, a request that is well-formed but unusable
    ├── AuthError                   401, missing, invalid, expired or revoked credentials
    ├── ForbiddenError              403, authenticated but not allowed (staff-only actions)
    ├── NotFoundError               404, also for other users' resources
    ├── ConflictError               409, e.g. a concurrent change
    ├── RateLimitedError            429, with the seconds to wait
    ├── ServiceUnavailableError     503, a component is not loaded (e.g. the agent's model)
    └── StorageError                the database cannot do what was asked
        ├── StorageUnavailableError 503, database missing, locked, read-only
        └── StorageLockedError      503, the CSV single-writer lock is held elsewhere

Outcomes of business rules ("this order can no longer be cancelled") are not
errors: the domain returns typed results for them (see ``domain.orders``).
"""

from __future__ import annotations


class AppError(Exception):
    code = "app_error"
    http_status = 500

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ConfigError(AppError):
    code = "config_error"


class DataValidationError(AppError):
    """A row of input data is invalid. ``location`` is ``file:line:column``."""

    code = "invalid_data"
    http_status = 422

    def __init__(self, message: str, *, file: str, line: int, column: str) -> None:
        self.file, self.line, self.column = file, line, column
        super().__init__(f"{file}:{line}: '{column}' 열 — {message}")


class UnprocessableError(AppError):
    """The request is well-formed but misses what this case needs (e.g. a staff reason)."""

    code = "validation_error"
    http_status = 422


class BadRequestError(AppError):
    code = "bad_request"
    http_status = 400


class AuthError(AppError):
    code = "unauthorized"
    http_status = 401


class ForbiddenError(AppError):
    code = "forbidden"
    http_status = 403


class RateLimitedError(AppError):
    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFoundError(AppError):
    code = "not_found"
    http_status = 404


class ConflictError(AppError):
    code = "conflict"
    http_status = 409


class ServiceUnavailableError(AppError):
    code = "service_unavailable"
    http_status = 503


class StorageError(AppError):
    code = "storage_error"
    http_status = 503


class StorageUnavailableError(StorageError):
    code = "storage_unavailable"


class StorageLockedError(StorageError):
    code = "storage_locked"
