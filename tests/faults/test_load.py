"""A hundred runs submitted at once: all succeed, never more than the limit run at a time, and
Postgres never runs out of connections."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.stack import FINISHED, Stack

pytestmark = pytest.mark.faults

RUNS = 100
LIMIT = 4  # DAGSTER_MAX_CONCURRENT_RUNS of the stack under test
IN_FLIGHT = ("STARTING", "STARTED", "CANCELING")
CONFIG = {"ops": {"user_history": {"config": {"n_users": 500}}}}


def connections(stack: Stack) -> tuple[int, int]:
    """(connections open now, the server's limit), from pg_stat_activity."""
    sql = "SELECT count(*), current_setting('max_connections') FROM pg_stat_activity"
    output = stack.exec(
        "postgres", "sh", "-c", f'psql -At -F " " -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "{sql}"'
    )
    now, limit = output.split()
    return int(now), int(limit)


def test_a_hundred_runs_at_once_all_succeed_within_the_concurrency_limit(stack: Stack) -> None:
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        run_ids = list(
            pool.map(
                lambda _: stack.launch(
                    "location_core", assets=[["user_history"]], run_config=CONFIG
                ),
                range(RUNS),
            )
        )
    stack.timings[f"load: {RUNS} runs submitted"] = time.monotonic() - started

    most_running, most_connections, limit, samples = 0, 0, 0, 0
    pending = set(run_ids)
    deadline = time.monotonic() + 1800
    while pending:
        assert time.monotonic() < deadline, f"{len(pending)} runs unfinished after 30 minutes"
        # Only what is needed, so the sampling itself costs the stack little: the runs in
        # flight, and the status of the runs still pending.
        running = len(stack.runs(IN_FLIGHT))
        status = {run["runId"]: run["status"] for run in stack.runs(run_ids=sorted(pending))}
        now, limit = connections(stack)
        most_running, most_connections = max(most_running, running), max(most_connections, now)
        samples += 1
        pending = {run_id for run_id in pending if status[run_id] not in FINISHED}
        time.sleep(1)
    stack.timings[f"load: {RUNS} runs submitted -> all finished"] = time.monotonic() - started
    stack.counts["load: most runs in flight at once"] = most_running
    stack.counts[f"load: most Postgres connections (of {limit})"] = most_connections

    statuses = {stack.run(run_id)["status"] for run_id in run_ids}
    assert statuses == {"SUCCESS"}
    assert samples > 10
    assert most_running <= LIMIT
    assert most_running == LIMIT, "the queue never used its full concurrency"
    assert most_connections < limit * 0.5, (most_connections, limit)
