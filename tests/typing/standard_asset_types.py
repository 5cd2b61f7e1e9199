"""What a type checker sees of standard_asset (checked by mypy in CI, never run by pytest).

Both spellings give an ``AssetsDefinition``, as ``@asset`` does, so an editor completes
``.key`` and friends and a wrong use is flagged before anything runs.
"""

from typing import assert_type

import polars as pl
from dagster import AssetsDefinition

from shared_lib import non_empty, standard_asset


@standard_asset
def bare() -> pl.DataFrame:
    return pl.DataFrame()


@standard_asset(checks=[non_empty()], group_name="demo")
def called() -> pl.DataFrame:
    return pl.DataFrame()


assert_type(bare, AssetsDefinition)
assert_type(called, AssetsDefinition)
assert_type(standard_asset(key="x")(lambda: pl.DataFrame()), AssetsDefinition)
