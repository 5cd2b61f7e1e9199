"""Entry point of this code location: ``defs/`` with the platform's policies."""

from pathlib import Path

import dagster as dg

from shared_lib import with_platform_policies


@dg.definitions
def defs() -> dg.Definitions:
    return with_platform_policies(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
    )
