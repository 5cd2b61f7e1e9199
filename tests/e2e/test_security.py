"""Locked down: what the running stack publishes, who its processes run as, what they mount."""

import re
import subprocess
from pathlib import Path

import pytest
import requests

from tests.support.stack import ROOT, Stack, docker, wait_until

pytestmark = pytest.mark.e2e

SOCKET = "/var/run/docker.sock"
SOCKET_USERS = {"webserver", "daemon"}


def processes(container: str) -> list[tuple[str, str]]:
    """(user, command) of every process in a running container, as the host sees them."""
    output = docker("top", container, "-eo", "pid,user,args")
    rows = [line.split(None, 2) for line in output.splitlines()[1:] if line.strip()]
    return [(user, command) for _, user, command in rows]


def mounts(stack: Stack, container: str) -> set[str]:
    return {mount["Destination"] for mount in stack.inspect(container)["Mounts"]}


def test_only_the_ui_is_published_and_only_on_loopback(stack: Stack) -> None:
    published = {
        service: [(p["URL"], p["TargetPort"]) for p in state["Publishers"] if p["PublishedPort"]]
        for service, state in stack.services().items()
        if state["State"] == "running"
    }

    assert published.pop("webserver") == [("127.0.0.1", 3000)]
    assert all(ports == [] for ports in published.values()), published


def test_no_process_of_the_platform_runs_as_root(stack: Stack) -> None:
    for service, state in stack.services().items():
        if state["State"] != "running":
            continue
        users = {user for user, _ in processes(state["ID"])}
        assert users, service
        assert "root" not in users, (service, processes(state["ID"]))


def test_no_health_check_runs_as_root(stack: Stack) -> None:
    """A health check runs as its container's user, every few seconds: a root one is a root process.

    The sampled test above catches one only when ``docker top`` runs during it, so this runs each
    health check's own privilege drop with ``id -u`` in place of the check.
    """
    checked = set()
    for service, state in stack.services().items():
        if state["State"] != "running":
            continue
        config = stack.inspect(state["ID"])["Config"]
        test = (config.get("Healthcheck") or {}).get("Test") or []
        if not test or config.get("User", "") not in ("", "root", "0"):
            continue
        assert test[0] == "CMD", (service, test)
        assert test[1] == "setpriv", (service, test)
        drop = test[1 : test.index("--") + 1]
        assert docker("exec", state["ID"], *drop, "id", "-u").strip() != "0", service
        checked.add(service)
    assert {"webserver", "daemon"} <= checked


def test_the_docker_socket_is_mounted_only_where_runs_are_launched_or_stopped(stack: Stack) -> None:
    for service, state in stack.services().items():
        if state["State"] == "running":
            assert (SOCKET in mounts(stack, state["ID"])) == (service in SOCKET_USERS), service


def test_a_run_container_has_no_docker_socket_and_no_root_process(stack: Stack) -> None:
    run_id = stack.launch(
        "location_core",
        assets=[["user_history"]],
        run_config={"ops": {"user_history": {"config": {"n_users": 2_000_000}}}},
    )

    def running_container() -> str | None:
        found = docker("ps", "--quiet", "--filter", f"label=dagster/run_id={run_id}").strip()
        return found or None

    container = wait_until(running_container, timeout=120, what="the run's container starting")
    try:
        assert SOCKET not in mounts(stack, container)
        assert "root" not in {user for user, _ in processes(container)}
    finally:
        assert stack.wait_for_run(run_id)["status"] == "SUCCESS"


def test_the_read_only_ui_shows_runs_but_cannot_launch_them(stack: Stack) -> None:
    stack.compose("--profile", "readonly", "up", "--detach", "--wait", "webserver-readonly")
    try:
        port = stack.services()["webserver-readonly"]["Publishers"][0]["PublishedPort"]
        readonly = Stack(stack.name, port, stack.env_files, stack.settings)
        assert readonly.runs()
        with pytest.raises(AssertionError, match=r"read-only|ReadOnly|Unauthorized"):
            readonly.launch("location_core", assets=[["user_history"]])
        assert SOCKET not in mounts(stack, stack.container("webserver-readonly"))
    finally:
        stack.compose("--profile", "readonly", "rm", "--stop", "--force", "webserver-readonly")


def status_or_none(url: str) -> int | None:
    """The HTTP status ``url`` answers with, or ``None`` while nothing listens there."""
    try:
        return requests.get(url, timeout=5).status_code
    except requests.ConnectionError:
        return None


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def secret_values(stack: Stack) -> set[str]:
    """The real secrets in play: the stack's own, and those of a developer's .env, if any."""
    values = {stack.settings["POSTGRES_PASSWORD"]}
    env_file = ROOT / ".env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, _, value = line.partition("=")
            if re.search(r"PASSWORD|SECRET|TOKEN|HASH", name) and len(value.strip("'\" ")) >= 6:
                values.add(value.strip("'\" "))
    return values


def test_no_secret_is_in_git(stack: Stack) -> None:
    ignored = subprocess.run(["git", "check-ignore", "--quiet", ".env"], cwd=ROOT, check=False)
    assert ignored.returncode == 0, ".env must be ignored by git"

    secrets_in_play = secret_values(stack)
    leaks = [
        str(path.relative_to(ROOT))
        for path in tracked_files()
        if any(secret.encode() in path.read_bytes() for secret in secrets_in_play)
    ]

    assert leaks == []


def test_env_example_documents_every_variable_compose_reads() -> None:
    compose = "".join(
        (ROOT / name).read_text()
        for name in (
            "docker-compose.yml",
            "deploy/compose.object-storage.yaml",
            "deploy/compose.authenticated.yaml",
        )
    )
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))

    assert used - documented == set()
