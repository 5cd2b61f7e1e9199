"""shared_lib: the platform library every code location imports.

A location declares *what* (assets, bands, features); this library knows *how*: naming,
partitions, checks, metadata, storage and the contracts between locations.

>>> import polars as pl
>>> from shared_lib import build_churn_band_asset, contract, non_empty, standard_asset
>>> USERS = contract("users")  # published by the core team in contracts/core.yaml
>>> @standard_asset(ins={"users": USERS}, checks=[non_empty()], group_name="marketing")
... def loyal_users(users: pl.DataFrame) -> pl.DataFrame:
...     '''Users with more than two years of tenure.'''
...     return users.filter(pl.col("tenure_days") > 730)
>>> [key.to_user_string() for key in loyal_users.dependency_keys]
['users']
>>> build_churn_band_asset(USERS, 0.9, 1.0).key.to_user_string()
'churn_0p9_to_1p0/users'
"""

from shared_lib.assets.inputs import AssetInput
from shared_lib.assets.standard_asset import standard_asset
from shared_lib.contracts.published import (
    AssetContract,
    contract,
    define_contract,
    published_contract,
    published_contracts,
)
from shared_lib.errors import AssetDefinitionError
from shared_lib.factories.churn_bands import build_churn_band_asset, churn_band_name
from shared_lib.factories.feature_dag import FeatureSpec, build_feature_assets
from shared_lib.frames.checks import (
    CheckOutcome,
    FrameCheck,
    evaluate_checks,
    has_columns,
    no_nulls,
    non_empty,
    unique,
    values_between,
)
from shared_lib.linear_model import logistic_probability, model_frame
from shared_lib.policies.platform_policies import with_platform_policies
from shared_lib.storage.io_manager import PolarsParquetIOManager, default_io_manager
from shared_lib.storage.partition_column import PARTITION_EXPR
from shared_lib.storage.settings import DATA_DIR_ENV

__all__ = [
    "DATA_DIR_ENV",
    "PARTITION_EXPR",
    "AssetContract",
    "AssetDefinitionError",
    "AssetInput",
    "CheckOutcome",
    "FeatureSpec",
    "FrameCheck",
    "PolarsParquetIOManager",
    "build_churn_band_asset",
    "build_feature_assets",
    "churn_band_name",
    "contract",
    "default_io_manager",
    "define_contract",
    "evaluate_checks",
    "has_columns",
    "logistic_probability",
    "model_frame",
    "no_nulls",
    "non_empty",
    "published_contract",
    "published_contracts",
    "standard_asset",
    "unique",
    "values_between",
    "with_platform_policies",
]
