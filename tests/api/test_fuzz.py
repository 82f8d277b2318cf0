"""Property-based API fuzzing (schemathesis) against /openapi.json, bounded:
no 5xx, responses conform to the documented schemas and status codes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from ecommerce_agent.api.app import create_app
from ecommerce_agent.config import load_settings
from tests.support.app import ROOT, login

# More cases in CI (REQUIRE_SERVICES=1, a few minutes), fewer on a developer's machine.
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES") or (40 if os.environ.get("REQUIRE_SERVICES") == "1" else 15))

# The schema is read when the module is collected; the database is put in place
# (and the lifespan started) by the fixture below before any case runs.
_DIR = Path(tempfile.mkdtemp(prefix="ecommerce-fuzz-"))
(_DIR / "app.yaml").write_text("{}\n", encoding="utf-8")  # never the developer's configs/app.yaml
_SETTINGS = load_settings(_DIR / "app.yaml", env={
    "SQLITE_DATABASE": str(_DIR / "shop.db"), "CSV_DIRECTORY": str(_DIR), "JWT_SECRET_KEY": "fuzz-secret-" + "f" * 40,
    "LOG_FILE": str(_DIR / "app.log")})  # loading the schema starts the app: never the checkout's log/
APP = create_app(_SETTINGS.model_copy(update={
    "search": _SETTINGS.search.model_copy(update={"index_dir": _DIR / "index"}),
    "nlu": _SETTINGS.nlu.model_copy(update={"model_dir": ROOT / "data" / "nlu" / "model"})}))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def auth(template_db: Path, search_index: Path) -> Iterator[dict[str, str]]:
    for stale in _DIR.glob("shop.db*"):  # loading the schema may have created an empty database
        stale.unlink()
    shutil.copy(template_db, _DIR / "shop.db")
    shutil.copytree(search_index, _DIR / "index", dirs_exist_ok=True)
    try:
        with TestClient(APP) as client:
            yield login(client)
    finally:
        shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, auth: dict[str, str]) -> None:  # noqa: ANN001
    case.call_and_validate(headers=auth)
