"""Malformed input is a 4xx with a clear message, never a 500 (issue #15, finding 9):
lone surrogates in JSON strings, and validly signed tokens whose claims cannot be
read (an ``exp`` out of range, infinities, wrong types)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from tests.support.app import assert_problem, login

JSON = {"Content-Type": "application/json"}


def _raw(payload: str) -> bytes:
    """A JSON text with an escaped lone surrogate: valid JSON syntax, invalid Unicode."""
    return payload.encode("utf-8")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/chat/completions",
     '{"model": "ecommerce-agent", "messages": [{"role": "user", "content": "\\ud800 hi"}]}'),
    ("POST", "/chat", '{"message": "abc \\udfff"}'),
    ("POST", "/tickets", '{"issue_type": "other", "description": "x\\ud800"}'),
    ("POST", "/auth/register", '{"email": "a@b.co", "password": "longenough", "name": "\\udbff"}'),
    ("POST", "/conversations", '{"title": "\\ud800\\ud800"}'),
    ("POST", "/auth/login", '{"email": "\\ud800@example.com", "password": "x"}'),
])
def test_lone_surrogates_are_refused_with_a_clear_message(client: TestClient, method: str, path: str,
                                                          body: str) -> None:
    headers = {**JSON, **login(client)}
    response = client.request(method, path, content=_raw(body), headers=headers)
    problem = assert_problem(response, 400, "invalid_unicode")
    assert "유니코드" in problem["detail"]
    if path.startswith("/v1/"):
        assert problem["error"]["type"] == "invalid_request_error"


def test_surrogate_pairs_and_keys_are_judged_correctly(client: TestClient) -> None:
    headers = {**JSON, **login(client)}
    # A proper pair (an emoji) is fine ...
    ok = client.post("/conversations", content=_raw('{"title": "\\ud83d\\ude00 선물"}'), headers=headers)
    assert ok.status_code == 201, ok.text
    # ... a lone surrogate in a key is not (it would be rejected as an unknown field otherwise: 422).
    bad = client.post("/conversations", content=_raw('{"\\ud800": 1}'), headers=headers)
    assert_problem(bad, 400, "invalid_unicode")


def _signed(settings, **claims: object) -> str:  # noqa: ANN001
    now = int(datetime.now(UTC).timestamp())
    base = {"sub": "U000001", "jti": "j1", "iat": now, "exp": now + 300, "type": "access"}
    payload = json.dumps({**base, **claims}, allow_nan=True)
    # PyJWT's encode would refuse some of these: sign the raw payload ourselves.
    return jwt.api_jws.encode(payload.encode(), settings.secrets.jwt_secret_key, algorithm="HS256")


@pytest.mark.parametrize("claims", [
    {"exp": 10 ** 20}, {"exp": 2 ** 63}, {"exp": 1e300}, {"exp": float("inf")}, {"exp": float("nan")},
    {"iat": 10 ** 20}, {"nbf": 10 ** 20}, {"nbf": float("-inf")}, {"exp": "soon"}, {"exp": [1]},
    {"sub": None}, {"jti": {"a": 1}}, {"rid": 5},
])
def test_validly_signed_tokens_with_unreadable_claims_are_401(client: TestClient, settings,  # noqa: ANN001
                                                              claims: dict) -> None:
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {_signed(settings, **claims)}"})
    assert response.status_code == 401, response.text
    assert_problem(response, 401)


claim_value = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2 ** 70), max_value=2 ** 70),
                        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                        st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=2), st.integers(),
                                                                             max_size=1))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["exp", "iat", "nbf", "sub", "jti", "type", "rid"]), claim_value,
                       min_size=1, max_size=3))
def test_any_signed_claims_give_200_or_401_never_500(client: TestClient, settings,  # noqa: ANN001
                                                    claims: dict) -> None:
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {_signed(settings, **claims)}"})
    assert response.status_code in (200, 401), response.text


def test_a_token_for_the_refresh_endpoint_with_an_absurd_exp_is_401(client: TestClient, settings) -> None:  # noqa: ANN001
    token = _signed(settings, exp=10 ** 20, type="refresh")
    assert_problem(client.post("/auth/refresh", json={"refresh_token": token}), 401)
    expired = _signed(settings, exp=int((datetime.now(UTC) - timedelta(minutes=1)).timestamp()))
    assert_problem(client.get("/auth/me", headers={"Authorization": f"Bearer {expired}"}), 401, "token_expired")
