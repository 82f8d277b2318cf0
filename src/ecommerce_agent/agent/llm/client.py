"""One chat-completion call to an OpenAI-compatible API, made safe for a live turn.

Built on the official ``openai`` SDK (HTTP over ``httpx2``) with its own retries
turned off, so that this module decides:

* a time limit per HTTP call (``timeout_seconds``); a timeout is not retried
  (the shopper is waiting; the template reply is ready);
* bounded retries (``max_retries``) with doubling backoff, only for errors that
  may pass: 408/409/429, 5xx and connection failures. 4xx (bad key, bad
  request) and malformed responses fail at once;
* the circuit breaker (``breaker.py``): while open, no call is made.

Each logical call (retries included) counts once in ``llm_requests_total`` with
its final status, observes ``llm_latency_seconds`` when an HTTP call was made
and adds ``usage`` to ``llm_tokens_used_total``. The caller's ``check`` turns
an answer the API gave into ``invalid`` (unusable output) or ``rejected``
(failed the grounding check). Logs carry the status and the error class only:
never the key, the prompt or the answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

import openai

from ...observability import metrics
from .breaker import CircuitBreaker
from .config import LlmConfig

log = logging.getLogger(__name__)

Status = Literal["ok", "error", "timeout", "rejected", "circuit_open", "invalid"]
STATUSES: Final[tuple[str, ...]] = ("ok", "error", "timeout", "rejected", "circuit_open", "invalid")
RETRYABLE_STATUS_CODES: Final = frozenset({408, 409, 429})
MAX_RETRY_AFTER_SECONDS: Final = 5.0
NO_KEY: Final = "no-key"  # sent to keyless local servers (vLLM, Ollama): the SDK requires some key


@dataclass(frozen=True)
class Answer:
    """What one logical call produced. ``content`` / ``tool_name`` /
    ``tool_arguments`` are the first choice's message (arguments unparsed)."""

    status: Status
    content: str | None = None
    tool_name: str | None = None
    tool_arguments: str | None = None
    finish_reason: str | None = None
    attempts: int = 0
    seconds: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None  # error class or HTTP status, for the trace
    reasons: tuple[str, ...] = field(default=())  # why the caller refused it

    def trace(self) -> dict[str, Any]:
        """For the turn's trace: no text, only what happened."""
        out: dict[str, Any] = {"status": self.status, "ms": round(self.seconds * 1000, 3),
                               "attempts": self.attempts,
                               "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens}}
        if self.error:
            out["error"] = self.error
        if self.reasons:
            out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True)
class Refusal:
    """A caller's verdict on an answer: unusable (``invalid``) or ungrounded (``rejected``)."""

    status: Literal["invalid", "rejected"]
    reasons: tuple[str, ...] = ()


Check = Callable[[Answer], "Refusal | None"]


class _Failed(Exception):
    def __init__(self, status: Status, error: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(error)
        self.status, self.error, self.retryable, self.retry_after = status, error, retryable, retry_after


class LlmClient:
    def __init__(self, config: LlmConfig, *, breaker: CircuitBreaker | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 timer: Callable[[], float] = time.perf_counter,
                 sdk: openai.OpenAI | None = None) -> None:
        self.config = config
        self.provider, self.model = config.provider, config.model
        self.breaker = breaker or CircuitBreaker(config.circuit_breaker.failure_threshold,
                                                 config.circuit_breaker.open_seconds)
        self._sleep, self._timer = sleep, timer
        key = config.api_key.get_secret_value() if config.api_key is not None else NO_KEY
        self._sdk = sdk or openai.OpenAI(
            api_key=key, base_url=config.endpoint, max_retries=0,
            timeout=openai.Timeout(config.timeout_seconds, connect=min(config.timeout_seconds, 5.0)))

    def close(self) -> None:
        self._sdk.close()

    def complete(self, purpose: str, messages: Sequence[dict[str, Any]], *,
                 tool: dict[str, Any] | None = None, check: Check | None = None) -> Answer:
        """One chat completion (``tool``: a function the model is made to call).
        ``purpose`` labels logs ("classify", "phrase")."""
        if not self.breaker.allow():
            return self._record(purpose, Answer(status="circuit_open", error="circuit_open"), called=False)
        params: dict[str, Any] = {"model": self.model, "messages": list(messages),
                                  "temperature": self.config.temperature, "max_tokens": self.config.max_tokens}
        if tool is not None:
            params["tools"] = [tool]
            params["tool_choice"] = {"type": "function", "function": {"name": tool["function"]["name"]}}
        started = self._timer()
        attempts, answer = 0, None
        try:
            while answer is None:
                attempts += 1
                try:
                    answer = self._once(params)
                except _Failed as failed:
                    if not failed.retryable or attempts > self.config.max_retries:
                        answer = Answer(status=failed.status, error=failed.error)
                        break
                    self._sleep(self._delay(attempts, failed.retry_after))
        finally:
            if answer is None or answer.status != "ok":
                self.breaker.failure()
            else:
                self.breaker.success()
        answer = replace(answer, attempts=attempts, seconds=self._timer() - started)
        if answer.status == "ok" and check is not None:
            try:
                refusal = check(answer)
            except Exception as exc:  # noqa: BLE001 - a bug in a check must not cost the turn
                log.exception("llm answer check failed", extra={"event": "llm_check_error", "purpose": purpose})
                refusal = Refusal("invalid", (f"check_failed:{type(exc).__name__}",))
            if refusal is not None:
                answer = replace(answer, status=refusal.status, reasons=refusal.reasons)
        return self._record(purpose, answer, called=True)

    def _once(self, params: dict[str, Any]) -> Answer:
        try:
            response = self._sdk.chat.completions.create(**params)
        except openai.APITimeoutError:
            raise _Failed("timeout", "timeout", retryable=False) from None
        except openai.APIConnectionError:
            raise _Failed("error", "connection", retryable=True) from None
        except openai.APIStatusError as exc:
            code = exc.status_code
            retry_after = _retry_after(exc)
            raise _Failed("error", f"http_{code}", retryable=code in RETRYABLE_STATUS_CODES or code >= 500,
                          retry_after=retry_after) from None
        except (openai.APIResponseValidationError, ValueError, TypeError, KeyError):
            raise _Failed("invalid", "malformed_response", retryable=False) from None
        except Exception as exc:  # noqa: BLE001 - whatever the SDK raises, the turn goes on
            raise _Failed("error", type(exc).__name__, retryable=False) from None
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        choices = getattr(response, "choices", None) or []
        if not choices or getattr(choices[0], "message", None) is None:
            return Answer(status="invalid", error="no_choices", prompt_tokens=prompt, completion_tokens=completion)
        message = choices[0].message
        calls = getattr(message, "tool_calls", None) or []
        function = getattr(calls[0], "function", None) if calls else None
        return Answer(status="ok", content=message.content,
                      tool_name=getattr(function, "name", None),
                      tool_arguments=getattr(function, "arguments", None),
                      finish_reason=getattr(choices[0], "finish_reason", None),
                      prompt_tokens=prompt, completion_tokens=completion)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        delay = self.config.retry_backoff_seconds * 2 ** (attempt - 1)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return delay

    def _record(self, purpose: str, answer: Answer, *, called: bool) -> Answer:
        metrics.llm_requests_total.labels(self.provider, self.model, answer.status).inc()
        if called:
            metrics.llm_latency_seconds.labels(self.provider, self.model).observe(answer.seconds)
        if answer.prompt_tokens:
            metrics.llm_tokens_used_total.labels(self.provider, self.model, "prompt").inc(answer.prompt_tokens)
        if answer.completion_tokens:
            metrics.llm_tokens_used_total.labels(self.provider, self.model, "completion").inc(
                answer.completion_tokens)
        level = logging.INFO if answer.status in ("ok", "rejected", "invalid") else logging.WARNING
        log.log(level, "llm call", extra={"event": "llm_call", "purpose": purpose, "provider": self.provider,
                                          "model": self.model, "status": answer.status,
                                          "attempts": answer.attempts, "error_type": answer.error,
                                          "ms": round(answer.seconds * 1000, 3)})
        return answer


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None
