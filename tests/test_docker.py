"""compose.yaml against what the app reads, and the image's HEALTHCHECK script.

No Docker engine runs here, so these read the files; CI also lints the Dockerfile (hadolint) and
starts docker/entrypoint.sh from the checkout.
"""

import importlib.util
import re
import socket
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_NAME = r"[A-Z][A-Z0-9_]*"


def compose_app_environments() -> dict[str, set[str]]:
    """Variables set for each service that runs our image (the others are postgres, redis)."""
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    ours = {name: s for name, s in compose["services"].items() if "build" in s}
    return {name: set(service.get("environment") or {}) for name, service in ours.items()}


def read_by_settings() -> set[str]:
    source = (ROOT / "movieranking" / "settings.py").read_text()
    return set(re.findall(rf"\benv(?:\.\w+)?\(\s*[\"']({ENV_NAME})[\"']", source))


def read_by_entrypoint() -> set[str]:
    source = (ROOT / "docker" / "entrypoint.sh").read_text()
    shell = set(re.findall(rf"\$\{{({ENV_NAME})", source))
    python = set(re.findall(rf"os\.environ\.get\(\s*\"({ENV_NAME})\"", source))
    return shell | python


def configuration_table() -> dict[str, str]:
    """README's configuration table: each variable with its Default cell."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            for name in re.findall(rf"`({ENV_NAME})`", cells[0]):
                table[name] = cells[1]
    return table


def test_the_parsers_find_what_the_checks_rely_on():
    """Guards the checks below against passing because a parser found nothing."""
    assert {"SECRET_KEY", "DATABASE_URL", "CACHE_URL", "TMDB_API_KEY"} <= read_by_settings()
    assert {"PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"} <= read_by_entrypoint()
    assert "required" in configuration_table()["SECRET_KEY"]
    assert set(compose_app_environments()) == {"app", "cleanup"}


def test_compose_sets_no_variable_that_nothing_reads():
    known = read_by_settings() | read_by_entrypoint()
    for service, names in compose_app_environments().items():
        assert names - known == set(), f"{service} sets variables nothing reads"


def test_compose_sets_every_variable_the_configuration_table_calls_required():
    required = {name for name, default in configuration_table().items() if "required" in default}
    for service, names in compose_app_environments().items():
        assert required - names == set(), f"{service} misses required variables"


def test_every_variable_compose_sets_is_documented_in_the_configuration_table():
    documented = set(configuration_table())
    for service, names in compose_app_environments().items():
        assert names - documented == set(), f"{service} sets undocumented variables"


def test_compose_runs_postgres_16_and_redis_7_with_volumes_and_health_checks():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in ("db", "redis"):
        assert services[name]["volumes"] and services[name]["healthcheck"]["test"]
        assert services["app"]["depends_on"][name] == {"condition": "service_healthy"}


def test_compose_cleans_up_expired_imports_every_15_minutes():
    cleanup = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]["cleanup"]
    loop = " ".join(cleanup["command"])
    assert "manage.py cleanup_import_sessions" in loop
    assert "sleep 900" in loop


def _healthcheck_module():
    spec = importlib.util.spec_from_file_location("healthcheck", ROOT / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("", "localhost"),
        ("*", "localhost"),
        ("movies.example.org,localhost", "movies.example.org"),
        (" .example.org", "example.org"),
    ],
)
def test_the_healthcheck_asks_with_a_host_name_django_allows(allowed_hosts, host):
    assert _healthcheck_module().host_header(allowed_hosts) == host


def test_the_healthcheck_passes_when_the_server_answers_200(live_server, monkeypatch, capsys):
    monkeypatch.setenv("PORT", str(live_server.thread.port))
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost")
    assert _healthcheck_module().main() == 0
    assert capsys.readouterr().out == "ok\n"


def test_the_healthchecks_request_is_not_redirected_behind_an_https_proxy(client, db, settings):
    """With BEHIND_HTTPS_PROXY=1 plain HTTP is redirected to HTTPS, which gunicorn does not
    speak; the check's request says it came through the proxy, so it reaches /healthz itself."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    headers = dict(_healthcheck_module().healthz_request().header_items())
    assert client.get("/healthz", headers={"Host": headers["Host"]}).status_code == 301
    assert client.get("/healthz", headers=headers).status_code == 200


def test_the_healthcheck_fails_when_nothing_listens(monkeypatch, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("PORT", str(closed))
    assert _healthcheck_module().main() == 1
    assert "/healthz did not answer" in capsys.readouterr().err
