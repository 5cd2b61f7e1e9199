"""`scripts/dev`: the whole platform on this machine, no Docker, no Postgres, and a clean stop.

Every location loads, a core run and then a features run succeed through it (data crossing
locations through the local data directory), and SIGTERM leaves no process behind.
"""

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from repo_tooling.locations import discover_locations
from tests.support.stack import ROOT, Stack, free_port, wait_until

SMALL_CORE = {"ops": {"user_history": {"config": {"n_users": 1_000}}}}


def processes_of(dagster_home: str) -> list[int]:
    """Every process whose environment has this DAGSTER_HOME: scripts/dev and all it started."""
    marker = f"DAGSTER_HOME={dagster_home}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


@dataclass(frozen=True)
class LocalPlatform:
    ui: Stack
    """Only its GraphQL helpers are used."""
    home: Path
    supervisor: int
    """The PID of scripts/dev, which execs its supervisor (repo_tooling.local_dev)."""


@pytest.fixture(scope="module")
def local_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPlatform]:
    """scripts/dev on a free port with its own instance and data directory."""
    home = tmp_path_factory.mktemp("dev-home")
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home / "dagster_home"),
        "PLATFORM_DATA_DIR": str(home / "data"),
    }
    port = free_port()
    log = (home / "dev.log").open("w")
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "dev"), "--port", str(port)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    ui = Stack(name="scripts-dev", ui_port=port)
    try:
        wait_until(lambda: _serving(ui), 300, "scripts/dev serving the UI", every=2)
        yield LocalPlatform(ui, home, process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=90)


def _serving(ui: Stack) -> bool:
    try:
        return requests.get(f"{ui.url}/server_info", timeout=5).ok
    except requests.ConnectionError:
        return False


def test_every_location_loads(local_platform: LocalPlatform) -> None:
    ui = local_platform.ui
    names = {location.name for location in discover_locations(ROOT)}

    wait_until(lambda: all(ui.location_is_loaded(n) for n in names), 300, "every location loaded")
    assert set(ui.locations()) == names


def test_a_core_run_then_a_features_run_succeed(local_platform: LocalPlatform) -> None:
    ui, home = local_platform.ui, local_platform.home

    core = ui.wait_for_run(
        ui.launch("location_core", assets=[["user_history"], ["churn_model"], ["users"]],
                  run_config=SMALL_CORE),
        timeout=300,
    )  # fmt: skip
    features = ui.wait_for_run(
        ui.launch("location_features", assets=[["features", "churn_risk"]]), timeout=300
    )

    assert (core["status"], features["status"]) == ("SUCCESS", "SUCCESS")
    assert (home / "data" / "users.parquet").exists()
    assert (home / "data" / "features" / "churn_risk.parquet").exists()


def test_sigterm_stops_it_and_leaves_no_process_behind(local_platform: LocalPlatform) -> None:
    home = local_platform.home
    started = processes_of(str(home / "dagster_home"))
    assert len(started) >= 5, "expected the supervisor, dg, UI, daemon and code servers"
    # Its own PID, not the lowest of them: PIDs wrap around (at 32768 here) on a busy host.
    assert local_platform.supervisor in started

    os.kill(local_platform.supervisor, signal.SIGTERM)

    wait_until(lambda: not processes_of(str(home / "dagster_home")), 90, "every process gone")
    time.sleep(2)
    assert processes_of(str(home / "dagster_home")) == []
