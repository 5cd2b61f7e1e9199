"""Checks on a location's definitions as they load, with errors that name the file and the fix.

Dagster's own errors for these mistakes name no file (a duplicate key) or no consuming asset
(an input nobody produces). These run in :func:`shared_lib.with_platform_policies`, so they
hold for Python and YAML alike, and they fill in what a location may leave implicit: the spec
of every published contract its assets read.
"""

import inspect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from dagster import AssetKey, AssetsDefinition, AssetSpec, SourceAsset

from shared_lib.contracts.published import published_contract, published_contracts
from shared_lib.errors import AssetDefinitionError

CODE_REFERENCES = "dagster/code_references"


def asset_source(definition: Any) -> str | None:
    """Where ``definition`` was written: ``file:line`` of its ``defs.yaml`` or its function."""
    specs = definition.specs if isinstance(definition, AssetsDefinition) else [definition]
    for spec in specs:
        references = getattr(spec, "metadata", {}).get(CODE_REFERENCES)
        for reference in getattr(references, "code_references", []):
            if getattr(reference, "file_path", None):
                return f"{reference.file_path}:{reference.line_number}"
    if isinstance(definition, AssetsDefinition):
        fn = getattr(definition.op.compute_fn, "decorated_fn", None)
        if fn is not None:
            fn = inspect.unwrap(fn)
            try:
                return f"{inspect.getsourcefile(fn)}:{inspect.getsourcelines(fn)[1]}"
            except (OSError, TypeError):
                return None
    return None


def _keys(definition: Any) -> Iterable[AssetKey]:
    if isinstance(definition, AssetsDefinition):
        return definition.keys
    if isinstance(definition, AssetSpec | SourceAsset):
        return [definition.key]
    return []


def _where(definition: Any) -> str:
    source = asset_source(definition)
    return f" ({source})" if source else ""


def require_unique_keys(definitions: Sequence[Any]) -> None:
    """Refuse two definitions of one asset key, naming where each was written."""
    sources: dict[AssetKey, list[str]] = defaultdict(list)
    seen: list[Any] = []
    for definition in definitions:
        if isinstance(definition, AssetSpec) and definition in seen:
            continue  # the same external spec declared twice is one asset, as for Dagster
        seen.append(definition)
        for key in _keys(definition):
            sources[key].append(asset_source(definition) or type(definition).__name__)
    duplicated = {key: where for key, where in sources.items() if len(where) > 1}
    if duplicated:
        lines = [
            f"{key.to_user_string()} is defined {len(where)} times: {', '.join(where)}"
            for key, where in sorted(duplicated.items(), key=lambda item: list(item[0].path))
        ]
        raise AssetDefinitionError(
            "Duplicate asset key(s) in this location: "
            + "; ".join(lines)
            + ". Each asset must be defined once: rename one (key=, key_prefix=, or key: in "
            "defs.yaml) or remove the copy."
        )


def with_read_contracts(definitions: Sequence[Any]) -> list[Any]:
    """``definitions`` plus the spec of each published contract read but not defined here."""
    defined = {key for definition in definitions for key in _keys(definition)}
    read = {
        key
        for definition in definitions
        if isinstance(definition, AssetsDefinition)
        for key in definition.dependency_keys
    }
    added = [
        contract.spec
        for key in sorted(read - defined, key=lambda k: list(k.path))
        if (contract := published_contract(key.to_user_string())) is not None
    ]
    return [*definitions, *added]


def require_known_dependencies(definitions: Sequence[Any]) -> None:
    """Refuse an asset that reads a key nobody defines: name the reader, the key and the fix."""
    defined = {key for definition in definitions for key in _keys(definition)}
    for definition in definitions:
        if not isinstance(definition, AssetsDefinition):
            continue
        unknown = sorted(set(definition.dependency_keys) - defined, key=lambda k: list(k.path))
        if unknown:
            readers = ", ".join(key.to_user_string() for key in definition.keys)
            missing = ", ".join(key.to_user_string() for key in unknown)
            raise AssetDefinitionError(
                f"Asset {readers}{_where(definition)} reads {missing}, which no asset of this "
                "location defines and no published contract describes. Fix the key, define "
                "the asset in this location, or, for another team's asset, read it through "
                f"its published contract (published: {sorted(published_contracts())}) or declare "
                "it here with dagster.AssetSpec."
            )
