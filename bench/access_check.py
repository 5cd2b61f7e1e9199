"""What the authenticated mode adds to each GraphQL request: sign-in, roles, audit.

The same Dagster webserver app twice over one workspace (core and features, their code servers
started by the workspace) and one instance: Dagster's own (the open mode) and the platform's
(``AuthenticatedWebserver``: the access middleware and the role-scoped request context).
Requests go through the ASGI app in-process (no network, no proxy), interleaved, so the
difference is the permission machinery alone. Three requests a UI makes: the workspace with
each location's permissions, an asset's page header (``hasMaterializePermission``), and a
mutation on a run that does not exist (allowed and not found in the open mode, refused and
audited in the authenticated one).
Run: .venv/bin/python -m bench.access_check [--repeats 300]
"""

import io
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bench.harness import command_line, print_table

REQUESTS = {
    "workspace + permissions": (
        "{ workspaceOrError { ... on Workspace { locationEntries { name "
        "permissions { permission value } } } } }"
    ),
    "asset header": (
        '{ assetNodes(assetKeys: [{path: ["users"]}]) { assetKey { path } '
        "hasMaterializePermission hasWipePermission } }"
    ),
    "mutation (audited)": 'mutation { terminateRun(runId: "no-such-run") { __typename } }',
}
WORKSPACE = """
load_from:
  - python_module: {module_name: location_core.definitions, location_name: location_core}
  - python_module: {module_name: location_features.definitions, location_name: location_features}
"""


def latencies(client: TestClient, query: str, headers: dict[str, str], n: int) -> list[float]:
    measured = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.post("/graphql", json={"query": query}, headers=headers)
        measured.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return measured


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000


def main() -> None:
    repeats = command_line(repeats=300).repeats
    root = Path(__file__).parents[1]
    with tempfile.TemporaryDirectory() as home:
        os.environ["DAGSTER_HOME"] = home
        os.environ.setdefault("PLATFORM_DATA_DIR", tempfile.mkdtemp())
        Path(home, "dagster.yaml").write_text("telemetry: {enabled: false}\n")
        Path(home, "workspace.yaml").write_text(WORKSPACE)
        audit = logging.getLogger("platform.audit")  # formatted and written, to memory
        audit.addHandler(logging.StreamHandler(io.StringIO()))
        audit.setLevel(logging.INFO)
        audit.propagate = False
        rows = run(Path(home, "workspace.yaml"), root / "access", repeats)
    print_table(
        f"GraphQL request latency, open vs authenticated ({repeats} requests each, ms)",
        ["request", "open p50", "open p95", "authenticated p50", "authenticated p95",
         "added p50", "added p95"],
        rows,
    )  # fmt: skip


def run(workspace: Path, access: Path, repeats: int) -> list[list[Any]]:
    from dagster import DagsterInstance
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster_webserver.webserver import DagsterWebserver

    from platform_services.access.access_files import read_access_dir
    from platform_services.access.dagster_webserver_internals import (
        AuthenticatedWebserver,
        RoleScopedProcessContext,
    )
    from platform_services.access.identity import TokenRegistry
    from platform_services.access.middleware import AccessMiddleware
    from platform_services.access.policy import AccessPolicy

    instance = DagsterInstance.get()
    target = WorkspaceFileTarget(paths=[str(workspace)])
    with (
        WorkspaceProcessContext(instance, target) as open_context,
        RoleScopedProcessContext(instance, target) as scoped_context,
    ):
        platform, teams = read_access_dir(access)
        teams["core.yaml"].members.append("alice")
        policy = AccessPolicy.build(platform, teams, scoped_context.location_names())
        open_app = DagsterWebserver(open_context).create_asgi_app()
        scoped_app = AuthenticatedWebserver(
            scoped_context,
            AccessMiddleware,
            policy=policy,
            tokens=TokenRegistry({}),
            locations_of=scoped_context.locations_of,
        ).create_asgi_app()
        rows = []
        with TestClient(open_app) as plain, TestClient(scoped_app) as signed_in:
            for name, query in REQUESTS.items():
                latencies(plain, query, {}, 20)  # warm-up
                latencies(signed_in, query, {"x-forwarded-user": "alice"}, 20)
                before: list[float] = []
                after: list[float] = []
                for _ in range(repeats // 10):  # interleaved in blocks of ten
                    before += latencies(plain, query, {}, 10)
                    after += latencies(signed_in, query, {"x-forwarded-user": "alice"}, 10)
                p50s = percentile(before, 50), percentile(after, 50)
                p95s = percentile(before, 95), percentile(after, 95)
                rows.append([name, p50s[0], p95s[0], p50s[1], p95s[1],
                             p50s[1] - p50s[0], p95s[1] - p95s[0]])  # fmt: skip
        return rows


if __name__ == "__main__":
    main()
