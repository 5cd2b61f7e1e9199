"""Fixtures shared by every test: an isolated data directory and, once per session, the
expensive parts: a PostgreSQL server, an S3 server and the compose stacks (one per mode).

Each stack gets its own project name, network, volumes, images and UI port, so it never touches
a developer's own `docker compose up`; it is built and brought up from a clean state once, and
torn down (`down -v`) as soon as its last test is done. Tests run in that order: those that need
no stack, then the volume-mode stack's (e2e, then faults), then the object-storage stack's, so
one stack at a time has the machine. While the first tests run, the stacks' images are built in
the background; image layers are shared across stacks (the same recipes; only the
object-storage mode's instance layer differs). Without a reachable registry the stand-in base
images are built first (scripts/build-base-images) and selected with deploy/airgapped.env, as
CI does. PLATFORM_TEST_PREBUILD=0 turns the background build off.

The stack is built from a copy of the repository in which `scripts/new-location` has added one
more team (SCAFFOLDED_TEAM), exactly as a team engineer would: so the end-to-end tests cover a
freshly scaffolded location beside core and features, in the one stack. In that copy, core's
contract gives STALE_AFTER_A_MINUTE a one-minute freshness window, so a test can see it go stale.
"""

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
import yaml

from shared_lib import DATA_DIR_ENV, PolarsParquetIOManager
from tests.support.postgres import (
    URL_ENV,
    PostgresServer,
    local_postgres,
    missing_binaries,
    server_from_url,
)
from tests.support.s3 import URL_ENV as S3_URL_ENV
from tests.support.s3 import S3Server, local_s3
from tests.support.stack import (
    ARTIFACTS,
    ROOT,
    Stack,
    copy_repository,
    docker_engine_problem,
    free_port,
    registry_reachable,
)

SCAFFOLDED_TEAM = "newteam"
"""The team scripts/new-location adds to the copy of the repository the stack is built from."""

STALE_AFTER_A_MINUTE = "churn_model"
"""The published asset whose freshness window the stack's copy shortens to one minute."""


def shorten_freshness_window(root: Path, key: str) -> None:
    """Give ``key``'s contract a one-minute freshness window (Dagster's shortest), in ``root``."""
    path = root / "contracts" / "core.yaml"
    published = yaml.safe_load(path.read_text())
    (entry,) = [asset for asset in published["assets"] if asset["key"] == key]
    entry["freshness"] = {"fail_after": "1m"}
    path.write_text(yaml.safe_dump(published, sort_keys=False))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory the platform's IO manager stores assets under (via the environment)."""
    directory = tmp_path / "data"
    directory.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(directory))
    return directory


@pytest.fixture
def io_manager(data_dir: Path) -> PolarsParquetIOManager:
    return PolarsParquetIOManager(base_dir=str(data_dir))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server: the one named by PLATFORM_TEST_POSTGRES_URL, or a throwaway one."""
    if os.environ.get(URL_ENV):
        yield server_from_url(os.environ[URL_ENV])
        return
    missing = missing_binaries()
    if missing:
        # On CI the server binaries are part of the machine: their absence is a failure there.
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    with local_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server: the one named by PLATFORM_TEST_S3_URL, or a throwaway one."""
    if os.environ.get(S3_URL_ENV):
        yield S3Server(os.environ[S3_URL_ENV])
        return
    with local_s3(tmp_path_factory.mktemp("seaweedfs")) as server:
        yield server


@pytest.fixture
def s3_data_url(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> str:
    """A fresh ``s3://`` prefix to store assets under, with the credentials in the environment."""
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    s3_server.create_bucket("platform-tests")
    test = request.node.name.replace("[", "-").rstrip("]")
    url = f"s3://platform-tests/{test}-{secrets.token_hex(4)}"
    monkeypatch.setenv(DATA_DIR_ENV, url)
    return url


FINISHED_STACKS = pytest.StashKey[list[Stack]]()
OPEN_STACKS = pytest.StashKey[dict[str, Callable[[], None]]]()
STACK_FIXTURES = ("stack", "object_storage_stack")
"""The session's compose stacks, in the order their tests run: one at a time (two cores)."""


@contextmanager
def running(stack: Stack, request: pytest.FixtureRequest, label: str, log: str) -> Iterator[Stack]:
    """``stack`` built, up and healthy from a clean state; always taken down after (``down -v``),
    as soon as its last test is done (``pytest_runtest_teardown``), with its logs kept."""
    closed: list[bool] = []

    def close() -> None:
        if closed:
            return
        closed.append(True)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / log).write_text(stack.compose("logs", "--no-color", "--timestamps"))
        # Volumes go too: no graceful stop to wait for (SeaweedFS takes 25 s for one).
        stack.compose("down", "--volumes", "--remove-orphans", "--timeout", "2")
        request.config.stash.setdefault(FINISHED_STACKS, []).append(stack)

    request.config.stash.setdefault(OPEN_STACKS, {})[request.fixturename] = close
    stack.compose("down", "--volumes", "--remove-orphans")
    try:
        stack.timed(f"{label}build images", "build")
        stack.timed(f"{label}up to healthy", "up", "--detach", "--wait", "--wait-timeout", "300")
        yield stack
    finally:
        close()


@cache
def airgapped() -> bool:
    """Whether the stacks use the stand-in base images: asked for, or no registry answers."""
    return os.environ.get("PLATFORM_BASE_IMAGES", "auto") == "airgapped" or not registry_reachable()


def base_image_settings(config: pytest.Config, timings: dict[str, float]) -> list[str]:
    """The env files selecting the base images: the stand-ins, built, where no registry answers.
    The background build is waited for first (it may be building them)."""
    waited = wait_for_the_background_build(config)
    if waited is not None:
        timings["waited for the images built in the background"] = waited
    if airgapped():
        subprocess.run([str(ROOT / "scripts" / "build-base-images")], check=True)
        return ["deploy/airgapped.env"]
    return []


PREBUILD = pytest.StashKey[subprocess.Popen[bytes]]()
"""The background build, while it is not waited for yet."""


def start_building_in_the_background(config: pytest.Config) -> None:
    """While the tests that need no stack run, build what the stacks will need: the stand-in
    base images where no registry answers, then each mode's images from this checkout (the
    volume-mode stack's copy differs only by its scaffolded location, so every other layer is
    its own). Only a cache: each stack still builds itself, after this is done."""
    if docker_engine_problem() is not None or os.environ.get("PLATFORM_TEST_PREBUILD") == "0":
        return
    env_files = "--env-file deploy/airgapped.env" if airgapped() else ""
    steps = [
        "scripts/build-base-images" if airgapped() else "true",
        f"PLATFORM_NAME=dagster-platform-e2e docker compose {env_files} build",
        f"PLATFORM_NAME=dagster-platform-s3 docker compose {env_files} "
        "--env-file deploy/object-storage.env build",
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "prebuild.log").open("wb") as log:
        process = subprocess.Popen(
            ["bash", "-c", " && ".join(steps)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    config.stash[PREBUILD] = process


def wait_for_the_background_build(config: pytest.Config) -> float | None:
    """Until the background build is done: how long that was waited for (``None``: no build
    was started, or it was waited for already). Its output: artifacts/prebuild.log."""
    process = config.stash.get(PREBUILD, None)
    if process is None:
        return None
    del config.stash[PREBUILD]
    waiting_since = time.monotonic()
    process.wait()
    return time.monotonic() - waiting_since


def pytest_unconfigure(config: pytest.Config) -> None:
    """A session that ends early (``-x``, Ctrl-C, no stack test reached) leaves no build running."""
    process = config.stash.get(PREBUILD, None)
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()


def require_docker() -> None:
    problem = docker_engine_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)


@pytest.fixture(scope="session")
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    require_docker()
    root = copy_repository(tmp_path_factory.mktemp("platform") / "repo")
    started = time.monotonic()
    subprocess.run([str(root / "scripts" / "new-location"), SCAFFOLDED_TEAM], cwd=root, check=True)
    shorten_freshness_window(root, STALE_AFTER_A_MINUTE)
    timings = {"scripts/new-location": time.monotonic() - started}
    stack = Stack(
        root=root,
        name="dagster-platform-e2e",
        ui_port=free_port(),
        env_files=base_image_settings(request.config, timings),
        timings=timings,
        settings={
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
            "DAGSTER_READONLY_UI_PORT": str(free_port()),
            "DAGSTER_AUTH_PROXY_PORT": str(free_port()),
        },
    )
    with running(stack, request, label="", log="compose.log") as up:
        yield up


@pytest.fixture(scope="session")
def object_storage_stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The stack in its object-storage mode, selected as a user would: deploy/object-storage.env."""
    require_docker()
    timings: dict[str, float] = {}
    stack = Stack(
        name="dagster-platform-s3",
        ui_port=free_port(),
        env_files=[*base_image_settings(request.config, timings), "deploy/object-storage.env"],
        timings=timings,
        settings={
            "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
            "OBJECT_STORAGE_SECRET_KEY": secrets.token_urlsafe(16),
        },
    )
    with running(stack, request, label="object storage: ", log="compose-object-storage.log") as up:
        yield up


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need no stack first, then each stack's tests together, one stack at a time;
    the stacks' images are built in the background meanwhile."""

    def stack_order(item: pytest.Item) -> int:
        used = [i for i, name in enumerate(STACK_FIXTURES, 1) if name in item.fixturenames]
        return used[0] if used else 0

    items.sort(key=stack_order)
    if any(stack_order(item) for item in items) and not config.option.collectonly:
        start_building_in_the_background(config)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A stack goes down right after its last test, so the next one has the machine to itself."""
    result = yield
    for name in STACK_FIXTURES:
        if name in item.fixturenames and (nextitem is None or name not in nextitem.fixturenames):
            close = item.config.stash.get(OPEN_STACKS, {}).pop(name, None)
            if close is not None:
                close()
    return result


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """How long the build, the start to healthy and each run took, after the results."""
    stacks = config.stash.get(FINISHED_STACKS, [])
    if not stacks:
        return
    terminalreporter.section("end-to-end timings")
    for stack in stacks:
        for label, seconds in stack.timings.items():
            terminalreporter.write_line(f"{label}: {seconds:.1f}s")
        for label, count in stack.counts.items():
            terminalreporter.write_line(f"{label}: {count}")
    terminalreporter.write_line(f"the stacks' logs: {ARTIFACTS}/compose*.log")
