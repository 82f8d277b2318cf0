from __future__ import annotations

import threading

import pytest

from ecommerce_agent.agent.llm.breaker import CircuitBreaker, CircuitState

from .conftest import Clock


def test_consecutive_failures_open_it_and_a_success_resets_the_count(clock: Clock) -> None:
    breaker = CircuitBreaker(3, 30, clock=clock)
    breaker.failure(), breaker.failure(), breaker.success(), breaker.failure(), breaker.failure()
    assert breaker.state is CircuitState.CLOSED and breaker.allow()
    breaker.failure()
    assert breaker.state is CircuitState.OPEN and not breaker.allow()


def test_half_open_lets_exactly_one_trial_through(clock: Clock) -> None:
    breaker = CircuitBreaker(1, 30, clock=clock)
    breaker.failure()
    clock.advance(30)
    assert breaker.state is CircuitState.HALF_OPEN
    results = []
    threads = [threading.Thread(target=lambda: results.append(breaker.allow())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]
    breaker.success()
    assert breaker.state is CircuitState.CLOSED and breaker.allow()


def test_a_failed_trial_restarts_the_cool_down(clock: Clock) -> None:
    breaker = CircuitBreaker(5, 10, clock=clock)
    for _ in range(5):
        breaker.failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.failure()
    clock.advance(9.99)
    assert breaker.state is CircuitState.OPEN and not breaker.allow()
    clock.advance(0.01)
    assert breaker.allow()


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(0, 1)
    with pytest.raises(ValueError):
        CircuitBreaker(1, 0)
