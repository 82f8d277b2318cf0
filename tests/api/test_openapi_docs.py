"""The API documentation works offline and speaks Korean: /docs and /redoc load
their assets from this server, and every operation in the OpenAPI has a Korean
summary and description, an example, and documented (Korean, problem+json)
error responses -- including operations added later."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from ecommerce_agent.api import openapi_ko

HANGUL = re.compile("[가-힣]")
ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""")


def _korean(text: object) -> bool:
    return isinstance(text, str) and len(HANGUL.findall(text)) >= 2


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in spec["paths"].items() for method, op in ops.items()]


def _has_example(op: dict[str, Any]) -> bool:
    """A parameter, request or response example; an operation that takes nothing and
    returns no body (logout) has nothing to show."""
    media = list(op.get("requestBody", {}).get("content", {}).values())
    success = [r for s, r in op.get("responses", {}).items() if s.startswith("2")]
    if not op.get("parameters") and not media and not any(r.get("content") for r in success):
        return True
    if any("example" in p or "examples" in p for p in op.get("parameters", [])):
        return True
    for response in op.get("responses", {}).values():
        media += list(response.get("content", {}).values())
    return any("example" in m or "examples" in m for m in media)


def test_docs_pages_use_only_assets_this_server_serves(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200 and "API 문서" in html.text
        referenced = [a or b for a, b in ASSET.findall(html.text)]
        assert referenced, html.text
        for url in referenced:
            assert url.startswith("/"), f"{page} refers to another host: {url}"
            assert client.get(url).status_code == 200, url
        assert "cdn" not in html.text.lower() and "fonts.googleapis" not in html.text
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert client.get("/docs-assets/redoc.standalone.js").status_code == 200


def test_every_operation_is_documented_in_korean(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    problems = []
    for method, path, op in _operations(spec):
        name = f"{method.upper()} {path}"
        if not _korean(op.get("summary")):
            problems.append(f"{name}: summary is not Korean: {op.get('summary')!r}")
        if not _korean(op.get("description")):
            problems.append(f"{name}: description is not Korean: {op.get('description')!r}")
        if not _has_example(op):
            problems.append(f"{name}: no example (parameter, request or response)")
        responses = op.get("responses", {})
        errors = {s: r for s, r in responses.items() if s[0] in "45"}
        if not errors:
            problems.append(f"{name}: no documented error response")
        for status, response in responses.items():
            if not _korean(response.get("description")):
                problems.append(f"{name} {status}: response description is not Korean")
        for status, response in errors.items():
            if "application/problem+json" not in response.get("content", {}):
                problems.append(f"{name} {status}: error response is not problem+json")
        if op.get("security") and "401" not in errors:
            problems.append(f"{name}: needs a login but documents no 401")
        if "{" in path and "404" not in errors:
            problems.append(f"{name}: has a path id but documents no 404")
    assert problems == []


def test_the_korean_table_names_only_real_operations(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    real = {(method, path) for method, path, _ in _operations(spec)}
    assert set(openapi_ko.OPERATIONS) - real == set()


def test_an_undocumented_operation_fails_the_check(client: TestClient) -> None:
    """The walk above is not vacuous: FastAPI's defaults do not pass it."""
    app = client.app

    @app.get("/users/{user_id}/wishlist")
    def wishlist(user_id: str) -> dict[str, str]:
        """English docstring only."""
        return {}

    app.openapi_schema = None
    spec = app.openapi()
    op = spec["paths"]["/users/{user_id}/wishlist"]["get"]
    assert not _korean(op["summary"]) and not _korean(op["description"])
    assert not _has_example(op) and "404" not in op["responses"]
