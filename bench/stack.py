"""A benchmark stack: the test harness's Stack, named apart, on public or stand-in base images."""

import subprocess

from tests.support.stack import ROOT, Stack, free_port, registry_reachable


def bench_stack(name: str, *, overlay: bool = False, assets: int = 100) -> Stack:
    """A Stack called ``name``; with ``overlay``, serving bench/scale_definitions.py."""
    env_files: list[str] = []
    if not registry_reachable():
        subprocess.run([str(ROOT / "scripts" / "build-base-images")], check=True)
        env_files = ["deploy/airgapped.env"]
    stack = Stack(name=name, ui_port=free_port(), env_files=env_files)
    stack.settings = {
        "BENCH_ROOT": str(ROOT),
        "BENCH_ASSETS": str(assets),
        "DAGSTER_READONLY_UI_PORT": str(free_port()),
        "DAGSTER_AUTH_PROXY_PORT": str(free_port()),
    }
    if overlay:
        stack.compose_files = ["docker-compose.yml", "bench/compose.scale.yml"]
    return stack
