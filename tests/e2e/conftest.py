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
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("")
            for label, seconds in stack.timings.items():
                reporter.write_line(f"e2e timing: {label}: {seconds:.1f}s")
            reporter.write_line(f"e2e: the stack's logs are in {ARTIFACTS / 'compose.log'}")
