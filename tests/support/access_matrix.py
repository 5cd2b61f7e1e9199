"""The roles x mutations matrix of the authenticated mode, for any webserver that enforces it.

Each mutation the issue names is sent by each user on each location; the expected answer
follows from the user's role there (``platform_services.access.roles``): allowed, or Dagster's
own ``UnauthorizedError``. After a refusal the state it would have changed is read back
unchanged (the run still there, the schedule still stopped, the asset not wiped...). An
administrator sets up and undoes around the user's attempt, so every cell starts alike.
"""

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from platform_services.access.roles import Role

Post = Callable[[str, str, Mapping[str, Any]], dict[str, Any]]
"""``post(user, query, variables)``: the GraphQL ``data`` of the request made as ``user``."""
REPOSITORY = "__repository__"


@dataclass(frozen=True)
class Location:
    """What the matrix acts on in one code location."""

    name: str
    job: str
    launched_asset: Sequence[str]
    partitioned_asset: Sequence[str]
    partition: str
    wiped_asset: Sequence[str]
    sensor: str
    schedule: str | None = None
    run_config: Mapping[str, Any] = field(default_factory=dict)

    def selector(self, **names: str) -> dict[str, str]:
        return {"repositoryLocationName": self.name, "repositoryName": REPOSITORY, **names}


@dataclass(frozen=True)
class Cell:
    user: str
    role: Role
    location: str
    own: bool
    action: str
    expected_allowed: bool
    answer: str
    refused: bool
    unchanged_after_refusal: bool | None = None

    @property
    def as_expected(self) -> bool:
        return self.refused != self.expected_allowed and self.unchanged_after_refusal is not False


NEEDS = {
    "launch run": Role.LAUNCHER,
    "terminate run": Role.LAUNCHER,
    "re-execute": Role.LAUNCHER,
    "launch backfill": Role.LAUNCHER,
    "delete run": Role.EDITOR,
    "start schedule": Role.EDITOR,
    "stop schedule": Role.EDITOR,
    "start sensor": Role.EDITOR,
    "stop sensor": Role.EDITOR,
    "reload location": Role.EDITOR,
    "wipe asset": Role.EDITOR,
    "report materialization": Role.EDITOR,
    "reload workspace": Role.ADMIN,
}

LAUNCH = """
mutation Launch($params: ExecutionParams!) { launchPipelineExecution(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } ... on InvalidSubsetError { message } } }
"""
REEXECUTE = """
mutation Reexecute($id: String!) {
  launchPipelineReexecution(reexecutionParams: {parentRunId: $id, strategy: ALL_STEPS}) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }
"""
TERMINATE = """
mutation T($id: String!) { terminateRun(runId: $id) {
  __typename ... on TerminateRunFailure { message } } }
"""
REFUSED_TERMINATION = "You do not have permission to terminate this run"
"""Dagster's refusal of ``terminateRun``: a ``TerminateRunFailure``, not ``UnauthorizedError``."""
DELETE = "mutation D($id: String!) { deleteRun(runId: $id) { __typename } }"
BACKFILL = """
mutation B($params: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $params) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }
"""
CANCEL_BACKFILL = (
    "mutation C($id: String!) { cancelPartitionBackfill(backfillId: $id) { __typename } }"
)
START_SCHEDULE = """
mutation S($s: ScheduleSelector!) { startSchedule(scheduleSelector: $s) { __typename } }
"""
STOP_SCHEDULE = "mutation S($id: String!) { stopRunningSchedule(id: $id) { __typename } }"
SCHEDULE_STATE = """
query Q($s: ScheduleSelector!) { scheduleOrError(scheduleSelector: $s) {
  ... on Schedule { scheduleState { id status } } } }
"""
START_SENSOR = "mutation S($s: SensorSelector!) { startSensor(sensorSelector: $s) { __typename } }"
STOP_SENSOR = "mutation S($id: String!) { stopSensor(id: $id) { __typename } }"
SENSOR_STATE = """
query Q($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
  ... on Sensor { sensorState { id status } } } }
"""
RELOAD_LOCATION = """
mutation R($name: String!) {
  reloadRepositoryLocation(repositoryLocationName: $name) { __typename } }
"""
RELOAD_WORKSPACE = "mutation R { reloadWorkspace { __typename } }"
WIPE = """
mutation W($key: AssetKeyInput!) { wipeAssets(assetPartitionRanges: [{assetKey: $key}]) {
  __typename } }
"""
REPORT = """
mutation R($key: AssetKeyInput!) { reportRunlessAssetEvents(eventParams:
  {eventType: ASSET_MATERIALIZATION, assetKey: $key}) { __typename } }
"""
RUN = "query R($id: ID!) { runOrError(runId: $id) { __typename ... on Run { status } } }"
RUNS_BY_USER = """
query R($user: String!) { runsOrError(filter: {tags: [{key: "user", value: $user}]}) {
  ... on Runs { results { runId } } } }
"""
BACKFILLS = """
{ partitionBackfillsOrError(limit: 1000) { ... on PartitionBackfills {
  results { id tags { key } } } } }
"""
AUTOMATION_TAGS = {"dagster/from_automation_condition", "dagster/sensor_name"}
"""A backfill the daemon's automation started (on the stack, at any moment) carries these."""
MATERIALIZATIONS = """
query M($key: AssetKeyInput!) { assetOrError(assetKey: $key) {
  ... on Asset { assetMaterializations(limit: 100) { runId timestamp } } } }
"""


def is_refusal(result: Mapping[str, Any]) -> bool:
    """Dagster's own refusal shapes: ``UnauthorizedError``; for a termination, its failure."""
    return result["__typename"] == "UnauthorizedError" or (
        result["__typename"] == "TerminateRunFailure" and result["message"] == REFUSED_TERMINATION
    )


def answer(data: Mapping[str, Any]) -> Any:
    """The one top-level field of a mutation's ``data``."""
    (value,) = data.values()
    return value


class Matrix:
    """Runs every action for one user on one location; ``admin`` prepares and cleans up."""

    def __init__(self, post: Post, admin: str) -> None:
        self.post = post
        self.admin = admin
        self.parents: dict[str, str] = {}

    def as_admin(self, query: str, **variables: Any) -> dict[str, Any]:
        return self.post(self.admin, query, variables)

    def launch(self, user: str, location: Location) -> Any:
        params = {
            "selector": location.selector(
                jobName=location.job, assetSelection=[{"path": list(location.launched_asset)}]
            ),
            "runConfigData": location.run_config,
        }
        return answer(self.post(user, LAUNCH, {"params": params}))

    def stop_run(self, run_id: str) -> None:
        self.as_admin(TERMINATE, id=run_id)

    def run_status(self, run_id: str) -> str | None:
        found = self.as_admin(RUN, id=run_id)["runOrError"]
        return found.get("status")

    def runs_of(self, user: str) -> set[str]:
        results = self.as_admin(RUNS_BY_USER, user=user)["runsOrError"]["results"]
        return {run["runId"] for run in results}

    def launched_backfills(self) -> set[str]:
        """The ids of the backfills someone launched (not the automation)."""
        results = self.as_admin(BACKFILLS)["partitionBackfillsOrError"]["results"]
        return {b["id"] for b in results if not AUTOMATION_TAGS & {tag["key"] for tag in b["tags"]}}

    def reported(self, key: Mapping[str, Any]) -> set[str]:
        """The timestamps of the asset's run-less (reported) materializations."""
        found = self.as_admin(MATERIALIZATIONS, key=key)["assetOrError"]
        events = found.get("assetMaterializations", []) if found else []
        return {event["timestamp"] for event in events if not event["runId"]}

    def parent_run(self, location: Location) -> str:
        """A finished run of the location (the admin's, stopped at once): re-executed, deleted."""
        if location.name not in self.parents:
            launched = self.launch(self.admin, location)
            assert launched["__typename"] == "LaunchRunSuccess", launched
            self.parents[location.name] = launched["run"]["runId"]
            self.stop_run(self.parents[location.name])
        return self.parents[location.name]

    def cells(self, user: str, role: Role, location: Location, own: bool) -> Iterator[Cell]:
        def cell(action: str, result: Any, unchanged: bool | None = None) -> Cell:
            refused = is_refusal(result)
            return Cell(user, role, location.name, own, action, role >= NEEDS[action],
                        result["__typename"], refused, unchanged if refused else None)  # fmt: skip

        before = self.runs_of(user)
        launched = self.launch(user, location)
        launched_id = launched.get("run", {}).get("runId")
        yield cell("launch run", launched, self.runs_of(user) == before)

        target = launched_id or self.parent_run(location)
        status = self.run_status(target)
        terminated = answer(self.post(user, TERMINATE, {"id": target}))
        yield cell("terminate run", terminated, self.run_status(target) == status)
        if launched_id:
            self.stop_run(launched_id)

        before = self.runs_of(user)
        again = answer(self.post(user, REEXECUTE, {"id": self.parent_run(location)}))
        again_id = again.get("run", {}).get("runId")
        yield cell("re-execute", again, self.runs_of(user) == before)
        if again_id:
            self.stop_run(again_id)

        doomed = again_id or self.parent_run(location)
        deleted = answer(self.post(user, DELETE, {"id": doomed}))
        yield cell("delete run", deleted, self.run_status(doomed) is not None)
        if deleted["__typename"] == "DeletePipelineRunSuccess":
            assert self.run_status(doomed) is None, "an allowed delete left the run"

        backfills = self.launched_backfills()
        params = {
            "assetSelection": [{"path": list(location.partitioned_asset)}],
            "partitionNames": [location.partition],
        }
        backfill = answer(self.post(user, BACKFILL, {"params": params}))
        yield cell("launch backfill", backfill, self.launched_backfills() == backfills)
        if backfill.get("backfillId"):
            self.as_admin(CANCEL_BACKFILL, id=backfill["backfillId"])

        if location.schedule is not None:
            yield from self.schedule_cells(user, location, cell)
        yield from self.sensor_cells(user, location, cell)

        reloaded = answer(self.post(user, RELOAD_LOCATION, {"name": location.name}))
        yield cell("reload location", reloaded)

        # Automation may materialize the asset meanwhile (on the stack): a refused wipe leaves
        # the admin's report in place, a refused report adds no run-less materialization.
        key = {"path": list(location.wiped_asset)}
        self.as_admin(REPORT, key=key)
        reported = self.reported(key)
        wiped = answer(self.post(user, WIPE, {"key": key}))
        yield cell("wipe asset", wiped, bool(reported) and reported <= self.reported(key))

        before_report = self.reported(key)
        report = answer(self.post(user, REPORT, {"key": key}))
        yield cell("report materialization", report, self.reported(key) == before_report)

    def schedule_cells(
        self, user: str, location: Location, cell: Callable[..., Cell]
    ) -> Iterator[Cell]:
        selector = location.selector(scheduleName=location.schedule or "")

        def state() -> dict[str, str]:
            return self.as_admin(SCHEDULE_STATE, s=selector)["scheduleOrError"]["scheduleState"]

        if state()["status"] == "RUNNING":
            self.as_admin(STOP_SCHEDULE, id=state()["id"])
        started = answer(self.post(user, START_SCHEDULE, {"s": selector}))
        yield cell("start schedule", started, state()["status"] == "STOPPED")
        if state()["status"] != "RUNNING":
            self.as_admin(START_SCHEDULE, s=selector)
        stopped = answer(self.post(user, STOP_SCHEDULE, {"id": state()["id"]}))
        yield cell("stop schedule", stopped, state()["status"] == "RUNNING")
        if state()["status"] == "RUNNING":
            self.as_admin(STOP_SCHEDULE, id=state()["id"])

    def sensor_cells(
        self, user: str, location: Location, cell: Callable[..., Cell]
    ) -> Iterator[Cell]:
        """The sensor is left as it was found (running, on the stack)."""
        selector = location.selector(sensorName=location.sensor)

        def state() -> dict[str, str]:
            return self.as_admin(SENSOR_STATE, s=selector)["sensorOrError"]["sensorState"]

        was_running = state()["status"] == "RUNNING"
        if not was_running:
            self.as_admin(START_SENSOR, s=selector)
        stopped = answer(self.post(user, STOP_SENSOR, {"id": state()["id"]}))
        yield cell("stop sensor", stopped, state()["status"] == "RUNNING")
        if state()["status"] == "RUNNING":
            self.as_admin(STOP_SENSOR, id=state()["id"])
        started = answer(self.post(user, START_SENSOR, {"s": selector}))
        yield cell("start sensor", started, state()["status"] == "STOPPED")
        if was_running and state()["status"] != "RUNNING":
            self.as_admin(START_SENSOR, s=selector)
        if not was_running and state()["status"] == "RUNNING":
            self.as_admin(STOP_SENSOR, id=state()["id"])

    def workspace_cell(self, user: str, role: Role) -> Cell:
        reloaded = answer(self.post(user, RELOAD_WORKSPACE, {}))
        return Cell(user, role, "*", False, "reload workspace", role >= Role.ADMIN,
                    reloaded["__typename"], is_refusal(reloaded))  # fmt: skip


def every_cell(
    matrix: Matrix,
    users: Mapping[str, Role],
    team_of: Mapping[str, str],
    locations: Mapping[str, Location],
) -> list[Cell]:
    """Each user's role (``users``: on their team's location; Viewer elsewhere unless admin)
    tried on every location, then the workspace reload."""
    cells = []
    for user, role in users.items():
        for team, location in locations.items():
            own = team_of.get(user) == team
            role_here = role if role is Role.ADMIN or own else Role.VIEWER
            cells += list(matrix.cells(user, role_here, location, own))
        cells.append(matrix.workspace_cell(user, role))
    return cells


def summary(cells: Sequence[Cell]) -> str:
    """The matrix as Markdown: per role and own/other location, then per action."""
    counts: Counter[tuple[str, str, str]] = Counter()
    by_action: Counter[tuple[str, str]] = Counter()
    for c in cells:
        where = "every" if c.role is Role.ADMIN else ("own" if c.own else "other")
        outcome = "refused" if c.refused else "allowed"
        counts[(c.role.label, where, outcome + ("" if c.as_expected else " UNEXPECTED"))] += 1
        by_action[(c.action, outcome)] += 1
    lines = ["| role | location | outcome | cells |", "|---|---|---|---|"]
    lines += [f"| {r} | {w} | {o} | {n} |" for (r, w, o), n in sorted(counts.items())]
    lines += ["", "| action | allowed | refused |", "|---|---|---|"]
    for action in NEEDS:
        allowed, refused = by_action[(action, "allowed")], by_action[(action, "refused")]
        if allowed or refused:
            lines.append(f"| {action} | {allowed} | {refused} |")
    wrong = [c for c in cells if not c.as_expected]
    lines.append(f"\n{len(cells)} cells, {len(cells) - len(wrong)} as expected.")
    return "\n".join(lines)
