"""What ``dg scaffold defs shared_lib.components.<Name> <path>`` writes: a defs.yaml that loads.

Dagster's default scaffold is ``attributes: {}``, which fails to load for a component with
required fields. Each shared_lib component instead scaffolds a small working example, which
the team then edits; ``--json-params`` (or one flag per parameter) fills it in.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import dagster as dg
import yaml
from pydantic import BaseModel

ParamsT = TypeVar("ParamsT", bound=BaseModel)

Example = Callable[[ParamsT, str], tuple[dict[str, Any], str]]
"""From the scaffold parameters and the folder below ``defs/``: the example's attributes, and the
comment that says what to edit in them."""


def defs_yaml_scaffolder(
    params_model: type[ParamsT], example: Example[ParamsT]
) -> type[dg.Scaffolder[ParamsT]]:
    """A scaffolder writing the ``defs.yaml`` that ``example`` makes of the scaffold parameters.

    ``dg scaffold defs <component> PATH --<param> value`` (or ``--json-params``) fills
    ``params_model``; without parameters, its defaults make a working example.
    """

    class DefsYamlScaffolder(dg.Scaffolder[ParamsT]):
        @classmethod
        def get_scaffold_params(cls) -> type[ParamsT]:
            return params_model

        def scaffold(self, request: dg.ScaffoldRequest[ParamsT]) -> None:
            attributes, comment = example(
                request.params or params_model(), defs_relative_name(request)
            )
            write_defs_yaml(request, attributes, comment)

    return DefsYamlScaffolder


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
