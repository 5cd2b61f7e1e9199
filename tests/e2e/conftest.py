"""The compose stack, built and brought up once per session from a clean state, always torn down.

The stack gets its own project name, network, volumes, images and UI port, so it never touches
a developer's own `docker compose up`. Without a reachable registry the stand-in base images are
built first (scripts/build-base-images) and selected with deploy/airgapped.env, as CI does.
"""

import os
import secrets
import subprocess
from collections.abc import Iterator

import pytest

from tests.support.stack import (
    ARTIFACTS,
    ROOT,
    Stack,
    docker_engine_problem,
    free_port,
    registry_reachable,
)

TIMINGS = pytest.StashKey[dict[str, float]]()


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    problem = docker_engine_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    env_files: list[str] = []
    if os.environ.get("PLATFORM_BASE_IMAGES", "auto") == "airgapped" or not registry_reachable():
        subprocess.run([str(ROOT / "scripts" / "build-base-images")], check=True)
        env_files = ["deploy/airgapped.env"]
    stack = Stack(
        name="dagster-platform-e2e",
        ui_port=free_port(),
        env_files=env_files,
        settings={"POSTGRES_PASSWORD": secrets.token_urlsafe(16)},
    )
    stack.compose("down", "--volumes", "--remove-orphans")
    try:
        stack.timed("build images", "build")
        stack.timed("up to healthy", "up", "--detach", "--wait", "--wait-timeout", "300")
        yield stack
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "compose.log").write_text(stack.compose("logs", "--no-color", "--timestamps"))
        stack.compose("down", "--volumes", "--remove-orphans")
        request.config.stash[TIMINGS] = stack.timings


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """How long the build, the start to healthy and each run took, after the results."""
    timings = config.stash.get(TIMINGS, None)
    if timings is None:
        return
    terminalreporter.section("end-to-end timings")
    for label, seconds in timings.items():
        terminalreporter.write_line(f"{label}: {seconds:.1f}s")
    terminalreporter.write_line(f"the stack's logs: {ARTIFACTS / 'compose.log'}")
