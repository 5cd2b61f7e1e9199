"""The three packages keep to where they are installed, and shared_lib's layers only look down.

platform_services runs in the webserver/daemon image, which has no shared_lib; shared_lib runs
in every location's image, which has no repository tooling; repo_tooling runs in dev and CI,
where both are installed (it writes the authenticated mode's token hashes as the webserver reads
them).
Inside shared_lib each subpackage imports only from the layers below it.
"""

import ast
from pathlib import Path

import pytest

from tests.support.stack import ROOT

SOURCES = {
    "shared_lib": ROOT / "shared_lib" / "src" / "shared_lib",
    "platform_services": ROOT / "platform_services" / "src" / "platform_services",
    "repo_tooling": ROOT / "repo_tooling" / "src" / "repo_tooling",
}
MAY_IMPORT = {
    "shared_lib": {"shared_lib"},
    "platform_services": {"platform_services"},
    "repo_tooling": {"repo_tooling", "shared_lib", "platform_services"},
}
SHARED_LIB_LAYERS = [
    {"errors", "asset_keys", "linear_model"},
    {"frames"},
    {"storage"},
    {"contracts"},
    {"assets"},
    {"factories"},
    {"components", "policies"},
]
"""shared_lib's parts, bottom first: a part may import its own layer's and those below."""
FIRST_PARTY = {*SOURCES, "location"}


def imports(source: Path) -> list[str]:
    tree = ast.parse(source.read_text(), filename=str(source))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def first_party(module: str) -> str | None:
    top = module.split(".")[0]
    if top.startswith("location_"):
        return "location"
    return top if top in FIRST_PARTY else None


@pytest.mark.parametrize("package", SOURCES)
def test_a_package_imports_only_what_is_installed_beside_it(package: str) -> None:
    offending = [
        f"{source.relative_to(ROOT)}: {module}"
        for source in sorted(SOURCES[package].rglob("*.py"))
        for module in imports(source)
        if (owner := first_party(module)) is not None and owner not in MAY_IMPORT[package]
    ]

    assert offending == []


def layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    (found,) = [i for i, parts in enumerate(SHARED_LIB_LAYERS) if part in parts]
    return found


def test_shared_libs_parts_import_only_their_own_layer_and_below() -> None:
    root = SOURCES["shared_lib"]
    upward = []
    for source in sorted(root.rglob("*.py")):
        relative = source.relative_to(root)
        if relative.parts == ("__init__.py",):
            continue  # the public API gathers every layer
        own = layer("shared_lib." + relative.with_suffix("").parts[0])
        for module in imports(source):
            if module.startswith("shared_lib.") and layer(module) > own:
                upward.append(f"{relative}: {module}")

    assert upward == []
