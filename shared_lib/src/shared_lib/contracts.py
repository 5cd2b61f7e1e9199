"""Cross-location asset contracts: what one location promises about the assets others read.

A location never imports another location's code. The producing location implements a contract
(``standard_asset(contract=...)``: its key, group, partitions and checks come from here, and a
frame that breaks the schema is never stored); a consuming location passes the contract as an
input (``ins={"users": USERS}``): the upstream is then known to its ``Definitions`` through the
contract's ``AssetSpec`` and every frame it reads is checked against the same schema.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from dagster import AssetKey, AssetSpec, StaticPartitionsDefinition

from shared_lib.checks import (
    FrameCheck,
    PolarsType,
    has_columns,
    no_nulls,
    non_empty,
    unique,
    values_between,
)
from shared_lib.frame_metadata import table_schema
from shared_lib.storage import PARTITION_EXPR


@dataclass(frozen=True)
class AssetContract:
    """An asset's published interface: its ``AssetSpec`` and the checks every version passes.

    >>> USERS.key.to_user_string()
    'users'
    >>> [check.name for check in USERS.checks][:2]
    ['non_empty', 'has_required_columns']
    """

    spec: AssetSpec
    checks: tuple[FrameCheck, ...] = ()
    columns: Mapping[str, PolarsType] = field(default_factory=dict)

    @property
    def key(self) -> AssetKey:
        return self.spec.key


def define_contract(
    key: str | list[str],
    *,
    description: str,
    schema: Mapping[str, PolarsType],
    checks: tuple[FrameCheck, ...] = (),
    metadata: Mapping[str, object] | None = None,
    **spec_kwargs: Any,
) -> AssetContract:
    """A contract whose spec documents ``schema`` and whose checks require it (and a row)."""
    return AssetContract(
        spec=AssetSpec(
            key=key,
            description=description,
            metadata={"dagster/column_schema": table_schema(schema), **(metadata or {})},
            kinds={"polars"},
            **spec_kwargs,
        ),
        checks=(non_empty(), has_columns(schema), *checks),
        columns=dict(schema),
    )


USER_COLUMNS: dict[str, PolarsType] = {
    "user_id": pl.Int64,
    "segment": pl.String,
    "country": pl.String,
    "signup_date": pl.Date,
    "tenure_days": pl.Int64,
    "monthly_spend": pl.Float64,
    "sessions_30d": pl.Int64,
    "support_tickets_90d": pl.Int64,
    "churned": pl.Boolean,
}
"""Columns of every users table the core location publishes."""

SCORED_USER_COLUMNS: dict[str, PolarsType] = {**USER_COLUMNS, "predicted_churn_proba": pl.Float64}

MODEL_COLUMNS: dict[str, PolarsType] = {
    "feature": pl.String,
    "weight": pl.Float64,
    "mean": pl.Float64,
    "scale": pl.Float64,
}
"""A standardized linear model: one row per feature plus an ``(intercept)`` row."""

SPECIAL_USER_PROGRAMS = StaticPartitionsDefinition(["A", "B"])
"""Partner programmes of the special users; each is one partition of ``users/special``."""

_SCORED_USER_CHECKS = (
    unique("user_id"),
    no_nulls("user_id", "predicted_churn_proba"),
    values_between("predicted_churn_proba", 0.0, 1.0),
)

CHURN_MODEL = define_contract(
    "churn_model",
    description="Logistic churn model trained on users' history: standardized weights per feature.",
    schema=MODEL_COLUMNS,
    checks=(no_nulls("feature", "weight", "mean", "scale"),),
    group_name="churn",
)

USERS = define_contract(
    "users",
    description="Every user with profile, activity and predicted churn probability.",
    schema=SCORED_USER_COLUMNS,
    checks=_SCORED_USER_CHECKS,
    group_name="users",
)

SPECIAL_USERS = define_contract(
    ["users", "special"],
    description="Users of the partner programmes, one partition per programme, scored for churn.",
    schema={**SCORED_USER_COLUMNS, "program": pl.String},
    checks=_SCORED_USER_CHECKS,
    group_name="special",
    partitions_def=SPECIAL_USER_PROGRAMS,
    metadata={PARTITION_EXPR: "program"},
)

PUBLISHED_CONTRACTS: dict[str, AssetContract] = {
    contract.key.to_user_string(): contract for contract in (USERS, SPECIAL_USERS, CHURN_MODEL)
}
"""Every published contract, by its asset key as a string (``"users/special"``)."""


def published_contract(key: str) -> AssetContract | None:
    """The contract published for the asset ``key`` (``"users/special"``), if there is one.

    >>> published_contract("users/special").spec.group_name
    'special'
    >>> published_contract("nobody/publishes") is None
    True
    """
    return PUBLISHED_CONTRACTS.get(key)
