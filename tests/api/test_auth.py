from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.errors import ConfigError
from tests.support.app import assert_problem, login
from tests.support.factories import settings_for


def test_register_login_me(client: TestClient) -> None:
    created = client.post("/auth/register", json={"email": "New@Example.com", "password": "s3cret-pass",
                                                  "name": "새고객"})
    assert created.status_code == 201
    assert created.json()["email"] == "new@example.com" and created.json()["role"] == "customer"
    tokens = client.post("/auth/login", json={"email": "new@example.com", "password": "s3cret-pass"}).json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 15 * 60
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json() == {"user_id": created.json()["user_id"], "email": "new@example.com", "name": "새고객",
                         "role": "customer"}
    assert_problem(client.post("/auth/register", json={"email": "new@example.com", "password": "another-pass",
                                                       "name": "x"}), 409, "email_taken")


def test_register_validation_never_echoes_the_password(client: TestClient) -> None:
    response = client.post("/auth/register", json={"email": "a@b.co", "password": "short7!", "name": "x"})
    body = assert_problem(response, 422, "validation_error")
    assert "short7!" not in response.text and body["errors"][0]["loc"][-1] == "password"
    assert_problem(client.post("/auth/register", json={"email": "not-an-email", "password": "longenough",
                                                       "name": "x"}), 422)


def test_tokens_carry_the_required_claims(client: TestClient, settings) -> None:  # noqa: ANN001
    tokens = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"}).json()
    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(tokens["access_token"], settings.secrets.jwt_secret_key, algorithms=["HS256"])
    assert header["alg"] == "HS256"
    assert {"exp", "iat", "sub", "jti"} <= set(claims) and claims["exp"] - claims["iat"] == 900
    refresh = jwt.decode(tokens["refresh_token"], settings.secrets.jwt_secret_key, algorithms=["HS256"])
    assert refresh["exp"] - refresh["iat"] == 7 * 86400 and refresh["jti"] == claims["rid"]


@pytest.mark.parametrize("forge", ["none_alg", "other_secret", "expired", "refresh_as_access", "garbage"])
def test_forged_or_expired_tokens_are_refused(client: TestClient, settings, forge: str) -> None:  # noqa: ANN001
    now = datetime.now(UTC)
    claims = {"sub": "U000001", "jti": "x1", "iat": now, "exp": now + timedelta(minutes=5), "type": "access"}
    secret = settings.secrets.jwt_secret_key
    token = {
        "none_alg": lambda: jwt.encode(claims, None, algorithm="none"),
        "other_secret": lambda: jwt.encode(claims, "another-secret-" * 4, algorithm="HS256"),
        "expired": lambda: jwt.encode({**claims, "exp": now - timedelta(seconds=1)}, secret, algorithm="HS256"),
        "refresh_as_access": lambda: jwt.encode({**claims, "type": "refresh"}, secret, algorithm="HS256"),
        "garbage": lambda: "not.a.jwt",
    }[forge]()
    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"


def test_missing_token_is_401(client: TestClient) -> None:
    assert_problem(client.get("/users/me/orders"), 401)


def test_refresh_rotates_and_a_used_refresh_token_is_refused(client: TestClient) -> None:
    first = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"}).json()
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200 and second.json()["access_token"] != first["access_token"]
    assert_problem(client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}), 401,
                   "token_revoked")
    assert_problem(client.post("/auth/refresh", json={"refresh_token": first["access_token"]}), 401)


def test_logout_revokes_the_access_token_and_its_refresh_token(client: TestClient) -> None:
    tokens = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"}).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/auth/me", headers=headers).status_code == 200
    assert client.post("/auth/logout", headers=headers).status_code == 204
    assert_problem(client.get("/auth/me", headers=headers), 401, "token_revoked")
    assert_problem(client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401,
                   "token_revoked")
    assert client.get("/auth/me", headers=login(client)).status_code == 200  # a new login works


def _app_with(settings, **auth: int):  # noqa: ANN001, ANN202
    return create_app(settings.model_copy(update={"auth": settings.auth.model_copy(update=auth)}))


WRONG = {"email": "demo@example.com", "password": "wrong-pw"}
RIGHT = {"email": "demo@example.com", "password": "demo1234!"}


def test_a_stranger_cannot_lock_the_owner_out(settings) -> None:  # noqa: ANN001
    """Issue #15, finding 7: five bad passwords from anyone used to lock the account for
    everyone. Now they lock out that client (address) only."""
    app = _app_with(settings, login_delay_seconds=0)
    with TestClient(app, client=("198.51.100.66", 40000)) as stranger:
        for _ in range(5):
            assert_problem(stranger.post("/auth/login", json=WRONG), 401, "invalid_credentials")
        blocked = stranger.post("/auth/login", json=RIGHT)  # even the right password: no oracle
        assert_problem(blocked, 429, "rate_limited")
        assert 14 * 60 <= int(blocked.headers["retry-after"]) <= 15 * 60
        owner = TestClient(app, client=("203.0.113.7", 50000))
        assert owner.post("/auth/login", json=RIGHT).status_code == 200
        # The stranger may still sign in to another account of theirs from that address.
        assert stranger.post("/auth/login", json={"email": "demo2@example.com",
                                                  "password": "demo1234!"}).status_code == 200


def test_quick_retries_wait_progressively_longer(settings) -> None:  # noqa: ANN001
    app = _app_with(settings, login_delay_seconds=30)  # generous: slow hashing on a busy machine stays inside
    with TestClient(app) as client:
        for _ in range(2):
            assert_problem(client.post("/auth/login", json=WRONG), 401, "invalid_credentials")
        waiting = client.post("/auth/login", json=RIGHT)
        assert_problem(waiting, 429, "rate_limited")
        assert 1 <= int(waiting.headers["retry-after"]) <= 30  # the first rung, not the 15-minute lock
        assert "초" in waiting.json()["detail"]
        owner = TestClient(app, client=("203.0.113.7", 50000))
        assert owner.post("/auth/login", json=RIGHT).status_code == 200


def test_login_ladder_doubles_the_wait() -> None:
    from ecommerce_agent.api.throttle import _delay_ladder

    ladder = _delay_ladder(5, 15, 2)
    assert [(i.amount, i.get_expiry()) for i in ladder] == [(2, 2), (3, 4), (4, 8), (5, 900)]
    assert [(i.amount, i.get_expiry()) for i in _delay_ladder(5, 15, 0)] == [(5, 900)]


def test_login_is_throttled_per_client_address(settings) -> None:  # noqa: ANN001
    app = _app_with(settings, login_delay_seconds=0, login_ip_max_failures=4)
    with TestClient(app) as client:
        for n in range(4):  # different accounts, same client address
            client.post("/auth/login", json={"email": f"nobody{n}@example.com", "password": "wrong-pw"})
        assert_problem(client.post("/auth/login", json={"email": "demo2@example.com", "password": "demo1234!"}),
                       429, "rate_limited")
        other = TestClient(app, client=("203.0.113.7", 50000))
        assert other.post("/auth/login", json={"email": "demo2@example.com", "password": "demo1234!"}
                          ).status_code == 200


def test_unknown_account_and_wrong_password_look_the_same(client: TestClient) -> None:
    unknown = client.post("/auth/login", json={"email": "ghost@example.com", "password": "whatever1"})
    wrong = client.post("/auth/login", json={"email": "demo@example.com", "password": "whatever1"})
    assert unknown.json()["detail"] == wrong.json()["detail"] and unknown.status_code == wrong.status_code


@pytest.mark.parametrize("secret", [None, "too-short-secret"])
def test_production_requires_a_long_jwt_secret(tmp_path, secret) -> None:  # noqa: ANN001
    env = {"APP_ENV": "production"} | ({"JWT_SECRET_KEY": secret} if secret else {})
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        create_app(settings_for(tmp_path, **env))


def test_development_generates_one_shared_secret(tmp_path) -> None:  # noqa: ANN001
    settings = settings_for(tmp_path)
    create_app(settings)
    secret_file = tmp_path / "data" / ".jwt-secret"
    first = secret_file.read_text()
    create_app(settings)
    assert secret_file.read_text() == first and len(first) >= 32
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
