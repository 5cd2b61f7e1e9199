"""``build_churn_band_asset``: users whose predicted churn probability falls in a band."""

import math
from typing import Any

import polars as pl
from dagster import AssetsDefinition, AssetSpec

from shared_lib.checks import has_columns, no_nulls, non_empty, values_between
from shared_lib.contracts import AssetContract
from shared_lib.decorator import standard_asset
from shared_lib.errors import AssetDefinitionError
from shared_lib.storage import PARTITION_EXPR

CHURN_COLUMN = "predicted_churn_proba"

#: What a band asset requires of the frame it filters; a breach fails the step before it stores.
BAND_INPUT_CHECKS = (
    non_empty(),
    has_columns({CHURN_COLUMN: pl.Float64}),
    no_nulls(CHURN_COLUMN),
    values_between(CHURN_COLUMN, 0.0, 1.0),
)


def churn_band_name(min_churn_proba: float, max_churn_proba: float) -> str:
    """A key-safe name (``^[A-Za-z0-9_]+$``) that is distinct for every distinct band.

    ``repr`` of a float is its shortest exact spelling, so two bands get the same name only if
    their bounds are equal; ``.`` becomes ``p`` and an exponent's ``-`` becomes ``m``.

    >>> churn_band_name(0.7, 0.8)
    'churn_0p7_to_0p8'
    >>> churn_band_name(0, 1e-05)
    'churn_0p0_to_1em05'
    """

    def spell(value: float) -> str:
        return repr(float(value)).replace(".", "p").replace("-", "m").replace("+", "")

    return f"churn_{spell(min_churn_proba)}_to_{spell(max_churn_proba)}"


def build_churn_band_asset(
    upstream: AssetsDefinition | AssetSpec | AssetContract,
    min_churn_proba: float,
    max_churn_proba: float,
    **overrides: Any,
) -> AssetsDefinition:
    """Users of ``upstream`` with ``min_churn_proba < predicted_churn_proba <= max_churn_proba``.

    The key is ``[churn_band_name(min, max), *upstream.key.path]``; group and partitions are
    the upstream's. ``overrides`` go to :func:`standard_asset` (``group_name``,
    ``automation_condition``, ``io_manager_key``, ...).

    >>> from dagster import AssetSpec
    >>> special = AssetSpec(["users", "special"], group_name="special")
    >>> band = build_churn_band_asset(special, 0.7, 0.8)
    >>> band.key.path, band.group_names_by_key[band.key]
    (['churn_0p7_to_0p8', 'users', 'special'], 'special')
    """
    spec = _upstream_spec(upstream)
    _check_thresholds(spec.key.to_user_string(), min_churn_proba, max_churn_proba)
    band = churn_band_name(min_churn_proba, max_churn_proba)
    key = [band, *spec.key.path]
    defaults: dict[str, Any] = {
        "key": key,
        "group_name": spec.group_name,
        "partitions_def": spec.partitions_def,
        "description": f"Users of {spec.key.to_user_string()} with {min_churn_proba} < "
        f"{CHURN_COLUMN} <= {max_churn_proba}.",
        "metadata": {
            "min_churn_proba": float(min_churn_proba),
            "max_churn_proba": float(max_churn_proba),
            # Bands keep every upstream column, the partition column included.
            **{k: v for k, v in spec.metadata.items() if k == PARTITION_EXPR},
        },
    }
    upstream_input = upstream if isinstance(upstream, AssetContract) else spec

    def churn_band(upstream: pl.DataFrame) -> pl.DataFrame:
        return upstream.filter(
            pl.col(CHURN_COLUMN) > min_churn_proba, pl.col(CHURN_COLUMN) <= max_churn_proba
        )

    return standard_asset(
        ins={"upstream": upstream_input},
        input_checks={"upstream": BAND_INPUT_CHECKS},
        **{**defaults, **overrides},
    )(churn_band)


def _upstream_spec(upstream: object) -> AssetSpec:
    if isinstance(upstream, AssetContract):
        return upstream.spec
    if isinstance(upstream, AssetSpec):
        return upstream
    if isinstance(upstream, AssetsDefinition) and len(upstream.keys) == 1:
        return upstream.get_asset_spec()
    raise AssetDefinitionError(
        f"build_churn_band_asset: upstream must be one asset (an AssetsDefinition of a single "
        f"asset, an AssetSpec or an AssetContract), got {type(upstream).__name__} "
        f"{upstream!r:.120}. "
        "Pass the asset object itself, e.g. build_churn_band_asset(users, 0.7, 0.8)."
    )


def _check_thresholds(upstream: str, min_churn_proba: object, max_churn_proba: object) -> None:
    bounds = {"min_churn_proba": min_churn_proba, "max_churn_proba": max_churn_proba}
    for name, value in bounds.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise AssetDefinitionError(
                f"Churn band over {upstream}: {name}={value!r} is not a number; "
                "pass probabilities like 0.7."
            )
    if not 0 <= min_churn_proba < max_churn_proba <= 1:  # type: ignore[operator]
        raise AssetDefinitionError(
            f"Churn band over {upstream}: min_churn_proba={min_churn_proba!r} and "
            f"max_churn_proba={max_churn_proba!r} do not satisfy 0 <= min_churn_proba < "
            "max_churn_proba <= 1; pass a non-empty band of probabilities, e.g. (0.7, 0.8)."
        )
