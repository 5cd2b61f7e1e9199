"""What ``dg scaffold defs shared_lib.components.<Name> <path>`` writes: a defs.yaml that loads.

Dagster's default scaffold is ``attributes: {}``, which fails to load for a component with
required fields. Each shared_lib component instead scaffolds a small working example, which
the team then edits; ``--json-params`` (or one flag per parameter) fills it in.
"""

from pathlib import Path
from typing import Any

import dagster as dg
import yaml


def write_defs_yaml(
    request: dg.ScaffoldRequest[Any], attributes: dict[str, Any], comment: str = ""
) -> Path:
    """Write ``defs.yaml`` for the component being scaffolded, with ``attributes``.

    ``comment`` goes on top, one ``#`` line per line: what to edit, and what the names are.
    """
    if request.scaffold_format != "yaml":
        raise ValueError("shared_lib components scaffold as YAML only; drop --format python")
    request.target_path.mkdir(parents=True, exist_ok=True)
    path = request.target_path / "defs.yaml"
    document = {"type": request.type_name, "attributes": attributes}
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    path.write_text(header + yaml.safe_dump(document, sort_keys=False, width=100))
    return path


def defs_relative_name(request: dg.ScaffoldRequest[Any]) -> str:
    """The scaffolded folder's path below the location's ``defs/``, as ``a/b``."""
    parts = request.target_path.parts
    return "/".join(parts[parts.index("defs") + 1 :]) if "defs" in parts else parts[-1]
