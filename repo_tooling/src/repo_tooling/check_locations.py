"""The boundaries between teams, checked before anything is deployed.

``scripts/check-locations`` (``python -m repo_tooling.check_locations``) loads every code
location and fails, naming the locations, the asset (or file and line) and the fix, when:

* two locations materialize the same asset key: one would shadow the other in the UI;
* a location imports another location's package instead of reading its published contracts.

(An input that neither the location nor a published contract provides is refused when the
location loads: :mod:`shared_lib.policies.definition_guards`.) The unit tests run it, and the
end-to-end tests run :func:`duplicate_keys` on what the deployed webserver serves.
"""

import ast
import importlib
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from dagster import AssetsDefinition, Definitions

from repo_tooling.locations import LOCATION_PREFIX, Location, discover_locations
from repo_tooling.locations import repository_root as find_root
from shared_lib.policies.definition_guards import asset_source

MaterializedKeys = Mapping[str, Iterable[tuple[str, str | None]]]
"""Per location: each asset key it materializes (as ``a/b``) and where it is written."""


def load_definitions(location: Location) -> Definitions:
    """The location's definitions, loaded as its code server loads them."""
    module = importlib.import_module(f"{location.name}.definitions")
    defs = module.defs
    return defs if isinstance(defs, Definitions) else defs()


def materialized_keys(defs: Definitions) -> list[tuple[str, str | None]]:
    """Each asset key ``defs`` materializes, with where it is written."""
    keys = []
    for definition in defs.assets or []:
        if isinstance(definition, AssetsDefinition) and definition.is_executable:
            source = asset_source(definition)
            keys += [(key.to_user_string(), source) for key in definition.keys]
    return keys


def duplicate_keys(materialized: MaterializedKeys) -> list[str]:
    """One message per asset key that more than one location materializes."""
    owners: dict[str, list[str]] = defaultdict(list)
    for location, keys in materialized.items():
        for key, source in keys:
            owners[key].append(f"{location} ({source})" if source else location)
    return [
        f"Asset {key} is materialized by {len(where)} locations: {', '.join(where)}. An asset "
        "belongs to one team: rename it in all but one (a key prefix per team, e.g. "
        "key=['marketing', ...]), and let the others read it through its published contract."
        for key, where in sorted(owners.items())
        if len(where) > 1
    ]


def foreign_imports(locations: Sequence[Location]) -> list[str]:
    """One message per import of another location's package, with its file and line."""
    names = {location.name for location in locations}
    problems = []
    for location in locations:
        for source in sorted(location.package_dir.rglob("*.py")):
            tree = ast.parse(source.read_text(), filename=str(source))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    imported = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported = [node.module]
                else:
                    continue
                for module in imported:
                    top = module.split(".")[0]
                    if top != location.name and (top in names or top.startswith(LOCATION_PREFIX)):
                        problems.append(
                            f"{source}:{node.lineno}: {location.name} imports {module}, another "
                            "team's code. Read its assets through their published contracts "
                            "(shared_lib) instead; its code may change under you."
                        )
    return problems


def check(locations: Sequence[Location]) -> list[str]:
    """Every boundary problem between ``locations``; empty when there is none."""
    problems = foreign_imports(locations)
    materialized = {loc.name: materialized_keys(load_definitions(loc)) for loc in locations}
    return problems + duplicate_keys(materialized)


def main(argv: Sequence[str]) -> int:
    locations = discover_locations(find_root())
    problems = check(locations)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(locations)} locations, no boundary problem: {[loc.name for loc in locations]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
