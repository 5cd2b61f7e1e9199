"""The code servers' health check, against real code servers: one that serves its definitions,
one whose definitions fail to load, and none at all."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from platform_services.code_server_health import problem
from tests.support.stack import free_port

GOOD = """
import dagster as dg

@dg.asset
def one() -> int:
    return 1

defs = dg.Definitions(assets=[one])
"""
BROKEN = "raise RuntimeError('injected: these definitions do not load')\n"


@pytest.fixture
def code_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[int]:
    """``dagster code-server start`` (as each location's container runs it) on the parametrized
    source, on a free port; its port once it answers."""
    source = tmp_path / "definitions.py"
    source.write_text(request.param)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster"), "code-server", "start",
         "--python-file", str(source), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while (found := problem(port, "127.0.0.1")) and "does not answer" in found:
            assert time.monotonic() < deadline, "the code server never answered"
            time.sleep(0.5)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.mark.parametrize("code_server", [GOOD], indirect=True, ids=["loads"])
def test_a_server_whose_definitions_load_is_healthy(code_server: int) -> None:
    assert problem(code_server, "127.0.0.1") is None


@pytest.mark.parametrize("code_server", [BROKEN], indirect=True, ids=["broken"])
def test_a_serving_server_whose_definitions_fail_is_not_and_says_why(code_server: int) -> None:
    found = problem(code_server, "127.0.0.1")

    assert found is not None
    assert found.startswith("definitions failed to load: ")
    assert "injected: these definitions do not load" in found


def test_no_server_is_not_healthy() -> None:
    found = problem(free_port(), "127.0.0.1")

    assert found is not None
    assert "does not answer: UNAVAILABLE" in found
