"""docker-compose.monitoring.yml, checked without Docker: it parses, runs the three services on the
guide's ports with pinned images, mounts only files that exist, and the configs it mounts point at
each other (Prometheus -> rules and Alertmanager, Grafana -> Prometheus and the dashboard)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import PurePosixPath
from typing import Any

import pytest

from tests.monitoring.support import (
    ALERTMANAGER_YML, COMPOSE_YML, DASHBOARD_JSON, GRAFANA_DASHBOARDS, GRAFANA_DATASOURCES,
    PROMETHEUS_DOCKER_YML, ROOT, load_yaml,
)

PORTS = {"prometheus": 9090, "alertmanager": 9093, "grafana": 3000}


def _compose() -> dict[str, Any]:
    return load_yaml(COMPOSE_YML)


def _service(name: str) -> dict[str, Any]:
    return _compose()["services"][name]


def _default(value: str) -> str:
    """`${VAR:-default}` -> default (what compose uses when VAR is unset)."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value)


def _bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    """(host path relative to the repo, container path) of every bind mount (named volumes skipped)."""
    out = []
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                out.append((volume["source"], volume["target"]))
            continue
        source, target, *_ = volume.split(":")
        if source.startswith((".", "/")):
            out.append((source, target))
    return out


def _host_path(service: dict[str, Any], container_path: str):
    """The repo file a container path resolves to through the service's bind mounts."""
    wanted = PurePosixPath(container_path)
    best = None
    for source, target in _bind_mounts(service):
        target_path = PurePosixPath(target)
        if wanted == target_path or target_path in wanted.parents:
            if best is None or len(target_path.parts) > len(best[1].parts):
                best = (source, target_path)
    assert best is not None, f"{container_path} is not mounted"
    return (ROOT / best[0] / wanted.relative_to(best[1])).resolve()


def _flag(service: dict[str, Any], flag: str) -> str:
    return next(arg.split("=", 1)[1] for arg in service["command"] if arg.startswith(f"--{flag}="))


def test_parses_with_the_three_services() -> None:
    assert set(PORTS) <= set(_compose()["services"])


@pytest.mark.parametrize("name", sorted(PORTS))
def test_pinned_image_and_port(name: str) -> None:
    service = _service(name)
    image, _, tag = service["image"].partition(":")
    assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"{name}: image {service['image']!r} is not pinned"
    published = [_default(p) for p in service["ports"]]
    assert any(p.endswith(f":{PORTS[name]}:{PORTS[name]}") or p == f"{PORTS[name]}:{PORTS[name]}"
               for p in published), published


@pytest.mark.parametrize("name", sorted(PORTS))
def test_every_mounted_host_path_exists(name: str) -> None:
    mounts = _bind_mounts(_service(name))
    assert mounts
    for source, target in mounts:
        host = ROOT / source
        assert host.exists(), f"{name}: {source} does not exist"
        # A file mounted onto a file-looking path, a directory onto a directory.
        assert host.is_file() == bool(PurePosixPath(target).suffix), f"{name}: {source} -> {target}"


def test_named_volumes_are_declared() -> None:
    compose = _compose()
    for name in PORTS:
        for volume in _service(name).get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in compose["volumes"], f"{name}: volume {source} not declared"


def test_prometheus_loads_the_compose_config_and_reaches_the_host() -> None:
    service = _service("prometheus")
    config_path = _host_path(service, _flag(service, "config.file"))
    assert config_path == PROMETHEUS_DOCKER_YML.resolve()
    config = load_yaml(config_path)
    for rule_file in config["rule_files"]:
        assert (config_path.parent / rule_file).is_file(), rule_file
    target_host = config["scrape_configs"][0]["static_configs"][0]["targets"][0].split(":")[0]
    assert f"{target_host}:host-gateway" in service["extra_hosts"]
    alertmanager = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0]
    assert alertmanager == f"alertmanager:{PORTS['alertmanager']}"


def test_alertmanager_loads_the_repo_config() -> None:
    service = _service("alertmanager")
    assert _host_path(service, _flag(service, "config.file")) == ALERTMANAGER_YML.resolve()


def test_grafana_admin_and_provisioning() -> None:
    service = _service("grafana")
    env = service["environment"]
    assert env["GF_SECURITY_ADMIN_USER"] == "admin"
    assert _default(env["GF_SECURITY_ADMIN_PASSWORD"]) == "admin"  # the guide's admin/admin
    assert _host_path(service, "/etc/grafana/provisioning/datasources/prometheus.yml") == \
        GRAFANA_DATASOURCES.resolve()
    assert _host_path(service, "/etc/grafana/provisioning/dashboards/dashboards.yml") == \
        GRAFANA_DASHBOARDS.resolve()
    # The dashboard provider reads the directory where dashboard.json is mounted.
    provider = load_yaml(GRAFANA_DASHBOARDS)["providers"][0]
    mounted = [t for s, t in _bind_mounts(service) if (ROOT / s).resolve() == DASHBOARD_JSON.resolve()]
    assert mounted and PurePosixPath(mounted[0]).parent == PurePosixPath(provider["options"]["path"])
    assert provider["type"] == "file"
    assert env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"] == mounted[0]


def test_grafana_datasources_point_at_the_compose_services() -> None:
    sources = {s["type"]: s for s in load_yaml(GRAFANA_DATASOURCES)["datasources"]}
    assert sources["prometheus"]["url"] == f"http://prometheus:{PORTS['prometheus']}"
    assert sources["prometheus"]["isDefault"] is True
    assert sources["prometheus"]["jsonData"]["timeInterval"] == "15s"  # the scrape interval
    assert sources["alertmanager"]["url"] == f"http://alertmanager:{PORTS['alertmanager']}"


def test_alertmanager_config_routes_to_a_declared_receiver_without_secrets() -> None:
    config = load_yaml(ALERTMANAGER_YML)
    receivers = {r["name"]: r for r in config["receivers"]}
    assert config["route"]["receiver"] in receivers
    for route in config["route"].get("routes", []):
        assert route["receiver"] in receivers
    # The shipped default notifies nobody, so it needs no endpoint and no secret.
    assert set(receivers[config["route"]["receiver"]]) == {"name"}


def test_amtool_accepts_the_alertmanager_config() -> None:
    amtool = shutil.which("amtool")
    if amtool is None:  # optional: Debian's prometheus-alertmanager package
        pytest.skip("amtool not installed (apt-get install prometheus-alertmanager)")
    result = subprocess.run([amtool, "check-config", str(ALERTMANAGER_YML)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
