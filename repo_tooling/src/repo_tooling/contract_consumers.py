"""Who reads a published asset: every asset of every location whose dependencies include it.

Run by :mod:`repo_tooling.check_contracts` in a subprocess, with ``PLATFORM_CONTRACTS_DIR``
pointing at the contracts to load the locations against; prints JSON
``{key: [[location, asset, columns read or null], ...]}``.

    python -m repo_tooling.contract_consumers ROOT users users/special
"""

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dagster import AssetKey, AssetsDefinition, Definitions

from repo_tooling.check_locations import load_definitions
from repo_tooling.locations import discover_locations
from shared_lib.contracts.published import COLUMNS_READ

Row = tuple[str, str, list[str] | None]


def consumers_in(location: str, defs: Definitions, key: AssetKey) -> list[Row]:
    """The assets of ``defs`` that read ``key``, with the columns each declares it reads."""
    rows: list[Row] = []
    for definition in defs.assets or []:
        if not isinstance(definition, AssetsDefinition) or not definition.is_executable:
            continue
        for asset_key in sorted(definition.keys, key=lambda k: k.to_user_string()):
            if key not in definition.asset_deps.get(asset_key, set()):
                continue
            declared = definition.metadata_by_key.get(asset_key, {}).get(COLUMNS_READ)
            data = getattr(declared, "data", declared) if declared is not None else None
            columns = data.get(key.to_user_string()) if isinstance(data, dict) else None
            rows.append((location, asset_key.to_user_string(), columns))
    return rows


def main(argv: Sequence[str]) -> int:
    root, *keys = argv
    found: dict[str, list[Row]] = {key: [] for key in keys}
    for location in discover_locations(Path(root)):
        defs = load_definitions(location)
        for key in keys:
            found[key] += consumers_in(location.name, defs, AssetKey.from_user_string(key))
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
