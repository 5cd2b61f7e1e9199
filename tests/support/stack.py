"""The compose stack under test: compose commands, GraphQL against its webserver, run helpers."""

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
PUBLIC_PYTHON_IMAGE = "python:3.11-slim-bookworm"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}

LAUNCH_RUN = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}
"""

SENSOR_TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) {
    ... on Sensor { sensorState { ticks(limit: 1) { timestamp status } } }
  }
}
"""

WORKSPACE = """
{ workspaceOrError { ... on Workspace { locationEntries {
    name loadStatus
    locationOrLoadError { __typename ... on PythonError { message causes { message } } }
} } } }
"""

RUNS = """
query Runs($filter: RunsFilter, $materializations: Boolean!) {
  runsOrError(filter: $filter) { ... on Runs { results {
    runId status creationTime startTime endTime
    tags { key value }
    repositoryOrigin { repositoryLocationName }
    assetMaterializations @include(if: $materializations) { assetKey { path } partition }
  } } }
}
"""

RUN = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId status creationTime startTime endTime jobName
      tags { key value }
      assetMaterializations { assetKey { path } partition }
    }
  }
}
"""


RUN_STATUS = """
query RunStatus($runId: ID!) { runOrError(runId: $runId) { __typename ... on Run { status } } }
"""

RUN_STATUSES = """
query RunStatuses($filter: RunsFilter) {
  runsOrError(filter: $filter) { ... on Runs { results { runId status } } }
}
"""


def docker(*args: str, timeout: float = 600) -> str:
    """Run a docker CLI command; raise with its output if it fails."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wait_until(condition: Callable[[], Any], timeout: float, what: str, every: float = 1) -> Any:
    """Poll ``condition`` until it returns something truthy; fail saying ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f}s"
        time.sleep(every)


def docker_engine_problem() -> str | None:
    """Why the tests cannot use a Docker engine with Compose v2 here, or ``None``."""
    if not shutil.which("docker"):
        return "the docker CLI is not installed"
    for command in (["docker", "info"], ["docker", "compose", "version"]):
        if subprocess.run(command, capture_output=True).returncode != 0:
            return f"`{' '.join(command)}` fails: start a Docker engine with Compose v2"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def registry_reachable() -> bool:
    """Whether the public base images can be used (present already, or pullable)."""
    present = ["docker", "image", "inspect", PUBLIC_PYTHON_IMAGE]
    if subprocess.run(present, capture_output=True).returncode == 0:
        return True
    pull = ["docker", "pull", "--quiet", PUBLIC_PYTHON_IMAGE]
    return subprocess.run(pull, capture_output=True, timeout=300).returncode == 0


@dataclass
class Stack:
    """One compose project of the platform, named apart from anyone's own stack."""

    name: str
    ui_port: int
    env_files: Sequence[str] = ()
    settings: Mapping[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    compose_files: Sequence[str] = ()
    """Explicit compose files; by default compose's own choice (``COMPOSE_FILE`` in an env file)."""
    root: Path = ROOT
    """The repository the stack is built from (a copy with a scaffolded location, in the tests)."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ui_port}"

    @property
    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "PLATFORM_NAME": self.name,
            "DAGSTER_UI_PORT": str(self.ui_port),
            **self.settings,
        }

    def compose(self, *args: str, timeout: float = 900) -> str:
        """Run ``docker compose`` on this project; raise with its output if it fails."""
        files = [arg for env_file in self.env_files for arg in ("--env-file", env_file)]
        files += [arg for compose_file in self.compose_files for arg in ("--file", compose_file)]
        command = ["docker", "compose", *files, *args]
        result = subprocess.run(
            command,
            cwd=self.root,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def timed(self, label: str, *args: str, timeout: float = 900) -> str:
        started = time.monotonic()
        output = self.compose(*args, timeout=timeout)
        self.timings[label] = time.monotonic() - started
        return output

    def services(self) -> dict[str, dict[str, Any]]:
        """Each service's container state as ``docker compose ps`` reports it."""
        output = self.compose("ps", "--all", "--format", "json")
        rows = [json.loads(line) for line in output.splitlines() if line.strip()]
        return {row["Service"]: row for row in rows}

    def exec(self, service: str, *command: str) -> str:
        return self.compose("exec", "-T", service, *command)

    def importable(self, service: str, modules: Sequence[str]) -> dict[str, bool]:
        """Which of ``modules`` the service's image can import (found, not imported)."""
        probe = (
            "import importlib.util, json, sys; "
            "print(json.dumps({m: importlib.util.find_spec(m) is not None for m in sys.argv[1:]}))"
        )
        return json.loads(self.exec(service, "python", "-c", probe, *modules))

    def image(self, name: str) -> str:
        return f"{self.name}/{name}:local"

    def container(self, service: str) -> str:
        """The id of the service's (running or stopped) container."""
        return self.compose("ps", "--all", "--quiet", service).strip()

    def inspect(self, container: str) -> dict[str, Any]:
        return json.loads(docker("inspect", container))[0]

    def build_arg(self, service: str, name: str) -> str:
        """A build argument of ``service`` as compose resolves it (base images, say)."""
        config = json.loads(self.compose("config", "--format", "json"))
        return config["services"][service]["build"]["args"][name]

    def locations(self) -> dict[str, dict[str, Any]]:
        """Each code location's entry in the webserver's workspace, by name."""
        entries = self.graphql(WORKSPACE)["workspaceOrError"]["locationEntries"]
        return {entry["name"]: entry for entry in entries}

    def location_is_loaded(self, name: str) -> bool:
        entry = self.locations().get(name)
        return bool(
            entry
            and entry["loadStatus"] == "LOADED"
            and entry["locationOrLoadError"]
            and entry["locationOrLoadError"]["__typename"] == "RepositoryLocation"
        )

    def runs(
        self,
        statuses: Sequence[str] = (),
        *,
        run_ids: Sequence[str] = (),
        materializations: bool = False,
    ) -> list[dict[str, Any]]:
        """Every run (or those in ``statuses``, or with ``run_ids``), newest first.

        A run's materializations cost the webserver a query each: asked for only when wanted,
        so polling a history of hundreds of runs stays cheap for the stack under test.
        """
        query_filter: dict[str, Any] = {}
        if statuses:
            query_filter["statuses"] = list(statuses)
        if run_ids:
            query_filter["runIds"] = list(run_ids)
        variables = {"filter": query_filter, "materializations": materializations}
        return self.graphql(RUNS, variables)["runsOrError"]["results"]

    def graphql(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        response = requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def launch(
        self,
        location: str,
        *,
        assets: Sequence[Sequence[str]] | None = None,
        tags: Mapping[str, str] | None = None,
        run_config: Mapping[str, Any] | None = None,
    ) -> str:
        """Launch a run of ``location``'s assets (all of them, or ``assets``) through GraphQL."""
        selector: dict[str, Any] = {
            "repositoryLocationName": location,
            "repositoryName": "__repository__",
            "jobName": "__ASSET_JOB",
        }
        if assets is not None:
            selector["assetSelection"] = [{"path": list(path)} for path in assets]
        params = {
            "selector": selector,
            "runConfigData": dict(run_config or {}),
            "executionMetadata": {
                "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]
            },
        }
        launched = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        return launched["run"]["runId"]

    def run(self, run_id: str) -> dict[str, Any]:
        run = self.graphql(RUN, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        run["tags"] = {tag["key"]: tag["value"] for tag in run["tags"]}
        return run

    def wait_for_automation_tick(self, location: str, after: float, timeout: float = 120) -> None:
        """Until the location's automation sensor finished a tick that started after ``after``."""
        selector = {
            "repositoryLocationName": location,
            "repositoryName": "__repository__",
            "sensorName": "default_automation_condition_sensor",
        }

        def ticked() -> bool:
            sensor = self.graphql(SENSOR_TICKS, {"selector": selector})["sensorOrError"]
            ticks = sensor["sensorState"]["ticks"]
            return bool(ticks) and ticks[0]["timestamp"] > after and ticks[0]["status"] != "STARTED"

        wait_until(ticked, timeout, f"an automation tick of {location}", every=2)

    def wait_for_run(self, run_id: str, timeout: float = 300) -> dict[str, Any]:
        """The run once it has finished. Polled for its status alone (every GraphQL request
        costs the webserver ~0.2 s of CPU on this 2-core host: the tests must not load the
        stack they measure), then read whole once."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.graphql(RUN_STATUS, {"runId": run_id})["runOrError"]
            assert found["__typename"] == "Run", found
            if found["status"] in FINISHED:
                return self.run(run_id)
            assert time.monotonic() < deadline, (
                f"run {run_id} still {found['status']} after {timeout}s"
            )
            time.sleep(1)

    def run_statuses(self, statuses: Sequence[str]) -> dict[str, str]:
        """The status of every run in ``statuses``, by run id: the cheapest question to poll."""
        runs = self.graphql(RUN_STATUSES, {"filter": {"statuses": list(statuses)}})
        return {run["runId"]: run["status"] for run in runs["runsOrError"]["results"]}

    @contextmanager
    def psql(self) -> Iterator[Callable[[str], list[str]]]:
        """One psql session in the postgres container: a query's rows, fields space-separated.

        One ``docker compose exec`` per query costs ~0.4 s of CPU here; a test sampling Postgres
        every second would load the stack it measures."""
        command = 'exec psql -At -F " " -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v ON_ERROR_STOP=1'
        session = subprocess.Popen(
            ["docker", "exec", "-i", self.container("postgres"), "sh", "-c", command],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip
        stdin, stdout = session.stdin, session.stdout
        assert stdin is not None
        assert stdout is not None

        def query(sql: str) -> list[str]:
            # A marker row after the query says where its rows end.
            stdin.write(f"{sql.rstrip(';')};\nSELECT '-- end --';\n")
            rows = []
            while (line := stdout.readline()) != "-- end --\n":
                assert line, "psql ended"
                rows.append(line.rstrip("\n"))
            return rows

        try:
            yield query
        finally:
            stdin.close()
            session.wait(timeout=30)


def copy_repository(destination: Path) -> Path:
    """The repository's files (tracked, and new ones not ignored) copied to ``destination``."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination
