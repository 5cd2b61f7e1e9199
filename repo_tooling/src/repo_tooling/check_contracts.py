"""``scripts/check-contracts``: breaking changes to published contracts, caught before they ship.

Compares the contract files of the working tree (``contracts/*.yaml``) with those of a base git
ref (``--base``; default ``main``, or ``HEAD~`` on ``main`` itself) using the rules of
:mod:`repo_tooling.contract_changes`. A breaking change without a new major version fails. Every
changed contract's consumers are listed: each location (but the producer) and asset that reads
it, found by loading the locations' definitions against the *base* contracts (what they were
built for), with whether each reads a changed column when it declared the columns it reads.

    python -m repo_tooling.check_contracts [--base REF] [--root DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from repo_tooling.contract_changes import AssetChanges, compare_contract_files
from repo_tooling.locations import repository_root
from shared_lib.contracts.files import (
    CONTRACTS_DIR_ENV,
    ContractFile,
    parse_contract_file,
    read_contract_files,
    reject_duplicate_keys,
)

CONTRACTS = "contracts"


@dataclass(frozen=True)
class Consumer:
    """An asset of another location that reads a published asset."""

    location: str
    asset: str
    columns_read: tuple[str, ...] | None

    def describe(self, touched: set[str] | None) -> str:
        where = f"{self.location}: {self.asset}"
        if self.columns_read is None:
            return f"{where} (columns read not declared: may break)"
        if touched is None:
            return f"{where} (breaks: the change concerns every column)"
        hit = sorted(touched & set(self.columns_read))
        if hit:
            return f"{where} reads {', '.join(hit)}: breaks"
        return f"{where} reads none of the changed columns ({', '.join(self.columns_read)})"


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


def default_base(root: Path) -> str | None:
    """``main`` from another branch; on ``main``, ``HEAD~`` (``None``: no earlier commit)."""
    if not _exists(root, "HEAD^{commit}"):
        return None  # not a git checkout (an exported tree): nothing to compare with
    branch = git(root, "rev-parse", "--abbrev-ref", "HEAD").strip()
    if branch != "main" and _exists(root, "main^{commit}"):
        return "main"
    return "HEAD~" if _exists(root, "HEAD~^{commit}") else None


def _exists(root: Path, ref: str) -> bool:
    found = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", ref], capture_output=True
    )
    return found.returncode == 0


def base_contract_texts(root: Path, base: str) -> dict[str, str]:
    """Each contract file's text at ``base``, by file name (none if it had no contracts/)."""
    names = (
        git(root, "ls-tree", "--name-only", f"{base}:{CONTRACTS}")
        if _exists(root, f"{base}:{CONTRACTS}")
        else ""
    )
    return {
        name: git(root, "show", f"{base}:{CONTRACTS}/{name}")
        for name in names.split()
        if name.endswith(".yaml")
    }


def find_consumers(
    root: Path, contract_texts: Mapping[str, str], keys: Sequence[str]
) -> dict[str, list[Consumer]]:
    """Per key, the assets of every location that read it, loaded against ``contract_texts``.

    In a subprocess, so that the locations load against those contract files and not the
    working tree's (a change may stop a consumer from loading at all: that is what it breaks).
    """
    with tempfile.TemporaryDirectory() as directory:
        for name, text in contract_texts.items():
            Path(directory, name).write_text(text)
        output = subprocess.run(
            [sys.executable, "-m", "repo_tooling.contract_consumers", str(root), *keys],
            capture_output=True,
            text=True,
            env={**os.environ, CONTRACTS_DIR_ENV: directory},
        )
    if output.returncode != 0:
        raise RuntimeError(f"loading the locations to find consumers failed:\n{output.stderr}")
    found = json.loads(output.stdout)
    return {
        key: [
            Consumer(loc, asset, None if cols is None else tuple(cols)) for loc, asset, cols in rows
        ]
        for key, rows in found.items()
    }


def report(
    changed: Sequence[AssetChanges],
    consumers: Mapping[str, Sequence[Consumer]],
    producers: Mapping[str, str],
) -> tuple[list[str], bool]:
    """The lines to print, and whether the check fails."""
    lines: list[str] = []
    failed = False
    for asset in changed:
        readers = [
            c for c in consumers.get(asset.key, []) if c.location != producers.get(asset.key)
        ]
        removed_unread = asset.head_version is None and not readers
        refused = asset.refused and not removed_unread
        failed |= refused
        version = f"{asset.base_version} -> {asset.head_version or '(gone)'}"
        if refused:
            verdict = "BREAKING, without a new major version: refused"
        elif asset.breaking:
            verdict = "breaking, with a new major version: allowed (warning)"
        else:
            verdict = "not breaking"
        lines.append(f"{CONTRACTS}/{asset.contract_file}: {asset.key} {version}: {verdict}")
        lines += [
            f"  {'!' if change.breaking else '-'} {change.summary}" for change in asset.changes
        ]
        if not asset.changes:
            lines.append("  - version bumped, nothing else changed")
        if asset.breaking:
            touched = asset.touched_columns()
            lines.append(
                f"  consumers of {asset.key} ({len(readers)}, from the locations' definitions):"
            )
            lines += [f"    {consumer.describe(touched)}" for consumer in readers] or ["    none"]
        if refused:
            lines.append(
                "  Fix: keep the contract compatible (add a new column instead of changing one; "
                "keep the old one until consumers move), or publish the change as a new major "
                f"version (version: {_next_major(asset.base_version)}) once the consumers above "
                "have been told."
            )
    return lines, failed


def _next_major(version: str) -> str:
    return f"{int(version.split('.')[0]) + 1}.0.0"


def check(root: Path, base: str | None) -> tuple[list[str], bool]:
    """Compare ``root``'s working-tree contracts with ``base``'s: report lines, and failure."""
    head = read_contract_files(root / CONTRACTS) if (root / CONTRACTS).is_dir() else {}
    if base is None:
        return ["check-contracts: no base to compare with (no earlier commit)."], False
    texts = base_contract_texts(root, base)
    base_files: dict[str, ContractFile] = {
        name: parse_contract_file(text, f"{base}:{CONTRACTS}/{name}")
        for name, text in texts.items()
    }
    reject_duplicate_keys(base_files)
    changed = compare_contract_files(base_files, head)
    if not changed:
        return [f"check-contracts: no published contract changed since {base}."], False
    breaking_keys = [asset.key for asset in changed if asset.breaking]
    consumers = find_consumers(root, texts, breaking_keys) if breaking_keys else {}
    producers = {
        asset.key: contract.location
        for contract in base_files.values()
        for asset in contract.assets
    }
    lines, failed = report(changed, consumers, producers)
    return [f"check-contracts: contracts changed since {base}:", *lines], failed


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="check-contracts", description=__doc__.split("\n")[0])
    parser.add_argument("--base", help="git ref to compare with (default: main, or HEAD~ on main)")
    parser.add_argument("--root", type=Path, help="repository root (default: found from here)")
    args = parser.parse_args(argv)
    root = (args.root or repository_root()).resolve()
    lines, failed = check(root, args.base or default_base(root))
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
