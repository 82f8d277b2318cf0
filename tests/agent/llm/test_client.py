"""LlmClient against the fake OpenAI-compatible server: the real SDK over a real socket."""

from __future__ import annotations

import json
import logging

import pytest

from ecommerce_agent.agent.llm.breaker import CircuitBreaker, CircuitState
from ecommerce_agent.agent.llm.client import LlmClient, Refusal

from .conftest import Clock, llm_config, requests_by_status, sample
from .fake_server import FakeOpenAI, error, hang, malformed, text, tool_call

HELLO = [{"role": "user", "content": "안녕하세요"}]


def make_client(fake: FakeOpenAI, clock: Clock | None = None, **overrides: object) -> tuple[LlmClient, list[float]]:
    config = llm_config(fake.base_url, **overrides)
    slept: list[float] = []
    breaker = CircuitBreaker(config.circuit_breaker.failure_threshold, config.circuit_breaker.open_seconds,
                             clock=clock or Clock())
    return LlmClient(config, breaker=breaker, sleep=slept.append), slept


def test_a_good_answer_is_returned_with_its_usage_and_counted(fake: FakeOpenAI) -> None:
    client, slept = make_client(fake)
    fake.script(text("반갑습니다.", prompt_tokens=21, completion_tokens=4))
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.content, answer.attempts) == ("ok", "반갑습니다.", 1)
    assert (answer.prompt_tokens, answer.completion_tokens) == (21, 4)
    labels = {"provider": client.provider, "model": client.model}
    assert requests_by_status(client.config) == {"ok": 1}
    assert sample("llm_tokens_used_total", **labels, type="prompt") == 21
    assert sample("llm_tokens_used_total", **labels, type="completion") == 4
    assert sample("llm_latency_seconds_count", **labels) == 1
    assert slept == []


def test_the_request_is_the_openai_protocol(fake: FakeOpenAI) -> None:
    client, _ = make_client(fake, temperature=0, max_tokens=77)
    fake.script(tool_call("pick", {"x": 1}))
    tool = {"type": "function", "function": {"name": "pick", "parameters": {"type": "object"}}}
    answer = client.complete("classify", HELLO, tool=tool)
    assert (answer.tool_name, json.loads(answer.tool_arguments or "")) == ("pick", {"x": 1})
    request = fake.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["authorization"] == "Bearer sk-test-0123456789abcdef"
    body = request["body"]
    assert (body["model"], body["temperature"], body["max_tokens"]) == (client.model, 0, 77)
    assert body["tool_choice"] == {"type": "function", "function": {"name": "pick"}}
    assert body["tools"] == [tool]


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_retryable_errors_are_retried_with_backoff_then_succeed(fake: FakeOpenAI, status: int) -> None:
    client, slept = make_client(fake)
    fake.script(error(status), error(status), text("이제 됩니다."))
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.attempts, len(fake.requests)) == ("ok", 3, 3)
    assert slept == [0.5, 1.0]
    assert requests_by_status(client.config) == {"ok": 1}  # one logical call


def test_retries_are_bounded_then_the_call_fails(fake: FakeOpenAI) -> None:
    client, slept = make_client(fake, max_retries=2)
    fake.always(error(500))
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.error, answer.attempts) == ("error", "http_500", 3)
    assert len(fake.requests) == 3 and slept == [0.5, 1.0]
    assert requests_by_status(client.config) == {"error": 1}
    assert sample("llm_latency_seconds_count", provider=client.provider, model=client.model) == 1


def test_retry_after_is_honoured_up_to_a_bound(fake: FakeOpenAI) -> None:
    client, slept = make_client(fake, max_retries=2)
    fake.script(error(429, headers={"Retry-After": "3"}), error(429, headers={"Retry-After": "120"}), text("네"))
    assert client.complete("phrase", HELLO).status == "ok"
    assert slept == [3.0, 5.0]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_not_retried(fake: FakeOpenAI, status: int) -> None:
    client, slept = make_client(fake)
    fake.always(error(status))
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.error, len(fake.requests), slept) == ("error", f"http_{status}", 1, [])


def test_a_hung_server_times_out_and_is_not_retried(fake: FakeOpenAI) -> None:
    client, slept = make_client(fake, timeout_seconds=0.3)
    fake.script(hang())
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.attempts, len(fake.requests), slept) == ("timeout", 1, 1, [])
    assert 0.3 <= answer.seconds < 5
    assert requests_by_status(client.config) == {"timeout": 1}


def test_a_malformed_response_body_is_invalid(fake: FakeOpenAI) -> None:
    client, _ = make_client(fake)
    fake.script(malformed())
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.error, len(fake.requests)) == ("invalid", "malformed_response", 1)
    assert requests_by_status(client.config) == {"invalid": 1}


def test_an_unreachable_server_is_an_error(clock: Clock) -> None:
    server = FakeOpenAI().start()
    server.stop()  # nothing listens on its port any more
    client, slept = make_client(server, clock, max_retries=1)
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.error, answer.attempts) == ("error", "connection", 2)
    assert slept == [0.5]


def test_the_callers_check_decides_rejected_or_invalid(fake: FakeOpenAI) -> None:
    client, _ = make_client(fake)
    fake.script(text("a"), text("b"), text("c"))
    assert client.complete("phrase", HELLO, check=lambda a: Refusal("rejected", ("amount:1",))).status == "rejected"
    assert client.complete("phrase", HELLO, check=lambda a: Refusal("invalid")).status == "invalid"
    assert client.complete("phrase", HELLO, check=lambda a: None).status == "ok"
    assert requests_by_status(client.config) == {"rejected": 1, "invalid": 1, "ok": 1}
    # an answer the provider gave is a working provider, whatever its content
    assert client.breaker.state is CircuitState.CLOSED


def test_the_circuit_opens_after_n_failures_and_no_call_is_made(fake: FakeOpenAI, clock: Clock) -> None:
    client, _ = make_client(fake, clock, max_retries=0,
                            circuit_breaker={"failure_threshold": 3, "open_seconds": 30})
    fake.always(error(503))
    assert [client.complete("phrase", HELLO).status for _ in range(3)] == ["error"] * 3
    assert client.breaker.state is CircuitState.OPEN
    answer = client.complete("phrase", HELLO)
    assert (answer.status, answer.attempts) == ("circuit_open", 0)
    assert len(fake.requests) == 3  # nothing sent while open
    assert requests_by_status(client.config) == {"error": 3, "circuit_open": 1}
    # circuit_open made no HTTP call: no latency observed for it
    assert sample("llm_latency_seconds_count", provider=client.provider, model=client.model) == 3


def test_half_open_after_the_cool_down_one_success_closes_it(fake: FakeOpenAI, clock: Clock) -> None:
    client, _ = make_client(fake, clock, max_retries=0,
                            circuit_breaker={"failure_threshold": 2, "open_seconds": 30})
    fake.script(error(500), error(500), text("복구되었습니다."), text("정상입니다."))
    client.complete("phrase", HELLO), client.complete("phrase", HELLO)
    clock.advance(29.9)
    assert client.complete("phrase", HELLO).status == "circuit_open"
    clock.advance(0.1)
    assert client.breaker.state is CircuitState.HALF_OPEN
    assert client.complete("phrase", HELLO).status == "ok"  # the trial call
    assert client.breaker.state is CircuitState.CLOSED
    assert client.complete("phrase", HELLO).status == "ok"
    assert len(fake.requests) == 4


def test_a_failed_trial_call_opens_the_circuit_again(fake: FakeOpenAI, clock: Clock) -> None:
    client, _ = make_client(fake, clock, max_retries=0,
                            circuit_breaker={"failure_threshold": 1, "open_seconds": 10})
    fake.always(error(500))
    client.complete("phrase", HELLO)
    clock.advance(10)
    assert client.complete("phrase", HELLO).status == "error"  # the trial
    assert client.breaker.state is CircuitState.OPEN
    assert client.complete("phrase", HELLO).status == "circuit_open"
    clock.advance(10)
    assert client.breaker.state is CircuitState.HALF_OPEN
    assert len(fake.requests) == 2


def test_timeouts_count_towards_the_circuit(fake: FakeOpenAI, clock: Clock) -> None:
    client, _ = make_client(fake, clock, timeout_seconds=0.2,
                            circuit_breaker={"failure_threshold": 2, "open_seconds": 30})
    fake.script(hang(), hang())
    assert [client.complete("phrase", HELLO).status for _ in range(3)] == ["timeout", "timeout", "circuit_open"]


def test_logs_carry_neither_the_key_nor_the_text(fake: FakeOpenAI, caplog: pytest.LogCaptureFixture) -> None:
    client, _ = make_client(fake, max_retries=0)
    fake.script(text("비밀 답변 내용"), error(401, "Incorrect API key provided: sk-test-0123456789abcdef"))
    with caplog.at_level(logging.DEBUG):
        client.complete("phrase", [{"role": "user", "content": "주문 ORD-20261120-0003 메시지"}])
        client.complete("phrase", HELLO)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "llm_call" in logged
    for secret in ("sk-test-0123456789abcdef", "비밀 답변", "ORD-20261120-0003", "Incorrect API key"):
        assert secret not in logged


def test_a_failing_check_or_sdk_never_breaks_the_turn(fake: FakeOpenAI) -> None:
    client, _ = make_client(fake)
    fake.script(text("a"))

    def broken(answer: object) -> None:
        raise RuntimeError("bug")

    answer = client.complete("phrase", HELLO, check=broken)  # type: ignore[arg-type]
    assert (answer.status, answer.reasons) == ("invalid", ("check_failed:RuntimeError",))

    class Exploding:
        class chat:  # the SDK's shape
            class completions:
                @staticmethod
                def create(**_: object) -> None:
                    raise RuntimeError("unexpected")

    odd = LlmClient(client.config, sdk=Exploding())  # type: ignore[arg-type]
    assert odd.complete("phrase", HELLO).error == "RuntimeError"
