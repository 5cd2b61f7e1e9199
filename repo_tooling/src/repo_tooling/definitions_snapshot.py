"""Every location's definitions as canonical JSON: to prove a refactoring changed none of them.

    python -m repo_tooling.definitions_snapshot [ROOT] > after.json
    diff before.json after.json        # nothing: the same definitions

Per location: every asset (key, dependencies, group, partitions, checks, metadata, kinds, tags,
owners, description, automation condition, freshness, outputs, op inputs, resources), every
asset check, sensor (with its default status and interval), schedule, job, resource key and the
executor. Values Dagster only renders as objects are written with their ``repr``, which is
deterministic for everything Dagster puts in definitions; paths under ``ROOT`` are written
relative to it, so two checkouts compare. It imports nothing of shared_lib: it runs as well on
an older tree (its sources first on ``PYTHONPATH``) as on this one.
"""

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dagster import AssetsDefinition, AssetSpec, Definitions

from repo_tooling.locations import discover_locations, repository_root


def _value(value: Any) -> Any:
    """``value`` as plain JSON, objects by ``repr`` (metadata values, partitions, policies)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if type(value).__name__ == "ObjectMetadataValue":
        # Only the class name leaves the process (Dagster serializes nothing else of it).
        return f"ObjectMetadataValue({value.class_name!r})"
    if type(value) is dict:
        return {str(k): _value(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if type(value) in (list, tuple):
        return [_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_value(v) for v in value)
    return repr(value)


def _spec(spec: AssetSpec) -> dict[str, Any]:
    return {
        "key": spec.key.to_user_string(),
        "deps": sorted(
            (dep.asset_key.to_user_string(), repr(dep.partition_mapping)) for dep in spec.deps
        ),
        "description": spec.description,
        "group": spec.group_name,
        "metadata": _value(dict(spec.metadata)),
        "kinds": sorted(spec.kinds),
        "tags": _value(dict(spec.tags)),
        "owners": list(spec.owners),
        "code_version": spec.code_version,
        "skippable": spec.skippable,
        "partitions": repr(spec.partitions_def),
        "automation_condition": repr(spec.automation_condition),
        "freshness": repr(spec.freshness_policy),
    }


def _assets_definition(definition: AssetsDefinition) -> dict[str, Any]:
    return {
        "executable": definition.is_executable,
        "specs": [_spec(s) for s in sorted(definition.specs, key=lambda s: list(s.key.path))],
        "checks": sorted(
            (
                {
                    "name": check.name,
                    "asset": check.asset_key.to_user_string(),
                    "blocking": check.blocking,
                    "description": check.description,
                    "metadata": _value(dict(check.metadata or {})),
                }
                for check in definition.check_specs
            ),
            key=lambda c: (c["asset"], c["name"]),
        ),
        "op": definition.op.name if definition.is_executable else None,
        "inputs": {
            name: key.to_user_string()
            for name, key in sorted(definition.keys_by_input_name.items())
        },
        "outputs": sorted(
            {definition.get_output_name_for_asset_key(key) for key in definition.keys}
        )
        if definition.is_executable
        else [],
        "resources": sorted(definition.required_resource_keys),
    }


def snapshot(defs: Definitions) -> dict[str, Any]:
    """The definitions of one location as plain, sorted JSON values."""
    assets = []
    for definition in defs.assets or []:
        if isinstance(definition, AssetsDefinition):
            assets.append(_assets_definition(definition))
        elif isinstance(definition, AssetSpec):
            assets.append({"spec": _spec(definition)})
        else:
            assets.append({"other": repr(definition)})
    assets.sort(key=lambda a: json.dumps(a, sort_keys=True))
    repository = defs.get_repository_def()
    return {
        "assets": assets,
        "asset_checks": sorted(
            f"{key.asset_key.to_user_string()}:{key.name}"
            for key in repository.asset_graph.asset_check_keys
        ),
        "sensors": sorted(
            (s.name, repr(s.default_status), s.minimum_interval_seconds)
            for s in repository.sensor_defs
        ),
        "schedules": sorted(s.name for s in repository.schedule_defs),
        "jobs": sorted(j.name for j in repository.get_all_jobs()),
        "resources": sorted(defs.resources or {}),
        "executor": getattr(defs.executor, "name", repr(defs.executor)),
    }


def main(argv: Sequence[str]) -> int:
    root = Path(argv[0]).resolve() if argv else repository_root()
    result = {}
    for location in discover_locations(root):
        module = importlib.import_module(f"{location.name}.definitions")
        defs = module.defs if isinstance(module.defs, Definitions) else module.defs()
        result[location.name] = snapshot(defs)
    # Paths (code references, say) relative to the checkout, so two checkouts compare.
    print(json.dumps(result, indent=1, sort_keys=True).replace(str(root), "<root>"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
