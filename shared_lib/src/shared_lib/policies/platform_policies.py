"""``with_platform_policies``: what the platform adds to every code location's definitions.

Platform-wide policies live here, once, instead of in each location: the guards on its
definitions (:mod:`shared_lib.policies.definition_guards`: unique keys, known inputs, the specs of
the published contracts it reads), the IO manager every asset uses (after checking that its data
directory can be written), the declarative-automation sensor, shipped running (on Dagster 1.13
the implicit default sensor starts stopped, so nothing would refresh until someone switched it
on), the bound on runs stuck NOT_STARTED or QUEUED (:mod:`shared_lib.policies.stuck_runs`), and
the executor. Steps run in the run's own process: every run already has a container of its own,
and a subprocess per step (the multiprocess default) cost 5-10 s of start-up per step in a
container, far more than the steps.

A location's ``definitions.py`` applies them in sight, in the shape of Dagster's project
template::

    @dg.definitions
    def defs() -> dg.Definitions:
        return with_platform_policies(
            dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
        )
"""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    ExecutorDefinition,
    in_process_executor,
)

from shared_lib.policies.definition_guards import (
    require_known_dependencies,
    require_unique_keys,
    with_read_contracts,
)
from shared_lib.policies.stuck_runs import stuck_runs_sensor
from shared_lib.storage.io_manager import default_io_manager
from shared_lib.storage.settings import require_writable_data_dir

AUTOMATION_SENSOR_NAME = "default_automation_condition_sensor"


def with_platform_policies(
    defs: Definitions,
    *,
    executor: ExecutorDefinition = in_process_executor,
    automation_interval_seconds: int = 15,
) -> Definitions:
    """``defs`` with the platform's IO manager, running automation sensor and executor.

    A location whose steps are heavy enough to want a process each passes
    ``executor=multiprocess_executor``. A tick of the automation sensor costs the daemon about
    6 ms of CPU per automated asset (docs/benchmarks.md): a location with thousands of them
    should tick less often.

    >>> from dagster import asset
    >>> @asset
    ... def one() -> int:
    ...     return 1
    >>> sorted(with_platform_policies(Definitions(assets=[one])).resources)
    ['io_manager']
    """
    require_writable_data_dir()
    declared = list(defs.assets or [])
    assets = with_read_contracts(declared)
    require_unique_keys(assets)
    require_known_dependencies(assets)
    defs = Definitions.merge(Definitions(assets=assets[len(declared) :]), defs)
    platform = Definitions(
        resources={"io_manager": default_io_manager()},
        executor=executor,
        sensors=[
            AutomationConditionSensorDefinition(
                AUTOMATION_SENSOR_NAME,
                target=AssetSelection.all(),
                default_status=DefaultSensorStatus.RUNNING,
                minimum_interval_seconds=automation_interval_seconds,
            ),
            stuck_runs_sensor(),
        ],
    )
    return Definitions.merge(defs, platform)
