"""``location_definitions``: the few lines every code location's ``definitions.py`` needs.

Platform-wide policies live here, once, instead of in each location: the IO manager every
asset uses, the declarative-automation sensor, shipped running (on Dagster 1.13 the
implicit default sensor starts stopped, so nothing would refresh until someone switched it on),
and the executor. Steps run in the run's own process: every run already has a container of its
own, and a subprocess per step (the multiprocess default) cost 5-10 s of start-up per step in a
container, far more than the steps themselves.
"""

import os
from pathlib import Path

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    ExecutorDefinition,
    in_process_executor,
    load_from_defs_folder,
)

from shared_lib.parquet_io import default_io_manager
from shared_lib.settings import DATA_DIR_ENV

AUTOMATION_SENSOR_NAME = "default_automation_condition_sensor"


def location_definitions(
    definitions_file: str,
    *,
    executor: ExecutorDefinition = in_process_executor,
    automation_interval_seconds: int = 15,
) -> Definitions:
    """Load the location's ``defs/`` folder and apply the platform policies.

    ``definitions_file`` is the calling module's ``__file__``; the project (its ``[tool.dg]``
    settings) is found from there, as ``dg`` finds it. A location whose steps are heavy enough
    to want a process each passes ``executor=multiprocess_executor``. A tick of the automation
    sensor costs the daemon about 6 ms of CPU per automated asset (docs/benchmarks.md): a
    location with thousands of them should tick less often.
    """
    require_writable_data_dir()
    loaded = load_from_defs_folder(path_within_project=Path(definitions_file).parent)
    return with_platform_policies(
        loaded, executor=executor, automation_interval_seconds=automation_interval_seconds
    )


def with_platform_policies(
    defs: Definitions,
    *,
    executor: ExecutorDefinition = in_process_executor,
    automation_interval_seconds: int = 15,
) -> Definitions:
    """``defs`` with the platform's IO manager, running automation sensor and executor."""
    platform = Definitions(
        resources={"io_manager": default_io_manager()},
        executor=executor,
        sensors=[
            AutomationConditionSensorDefinition(
                AUTOMATION_SENSOR_NAME,
                target=AssetSelection.all(),
                default_status=DefaultSensorStatus.RUNNING,
                minimum_interval_seconds=automation_interval_seconds,
            )
        ],
    )
    return Definitions.merge(defs, platform)


def require_writable_data_dir() -> None:
    """Refuse to load when the configured data directory cannot be written.

    Otherwise a wrong path or a missing volume surfaces only when the first run fails; this
    way the location shows the error in the UI (and its health check fails) at start.
    """
    data_dir = os.environ.get(DATA_DIR_ENV)
    if data_dir and not (Path(data_dir).is_dir() and os.access(data_dir, os.W_OK | os.X_OK)):
        raise NotADirectoryError(
            f"{DATA_DIR_ENV}={data_dir} is not a writable directory, so no asset of this "
            "location could be stored. Mount the shared data volume there, or point "
            f"{DATA_DIR_ENV} at a directory this user ({os.getuid()}) can write."
        )
