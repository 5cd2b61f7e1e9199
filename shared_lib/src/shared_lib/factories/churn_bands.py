"""``build_churn_band_asset``: users whose predicted churn probability falls in a band."""

import math
from typing import Any

import polars as pl
from dagster import AssetsDefinition, AssetSpec

from shared_lib.assets.inputs import ResolvedInput, resolve_input
from shared_lib.assets.standard_asset import standard_asset
from shared_lib.contracts.published import AssetContract
from shared_lib.errors import AssetDefinitionError
from shared_lib.frames.checks import has_columns, no_nulls, non_empty, values_between

CHURN_COLUMN = "predicted_churn_proba"

#: What a band asset requires of the frame it filters; a breach fails the step before it stores.
BAND_INPUT_CHECKS = (
    non_empty(),
    has_columns({CHURN_COLUMN: pl.Float64}),
    no_nulls(CHURN_COLUMN),
    values_between(CHURN_COLUMN, 0.0, 1.0),
)

ChurnBandUpstream = AssetsDefinition | AssetSpec | AssetContract | ResolvedInput
"""What a band can filter: one asset, as a definition, a spec, a contract or a resolved input."""


def churn_band_problem(
    lower: object, upper: object, *, names: tuple[str, str] = ("min", "max")
) -> str | None:
    """Why ``lower``/``upper`` are not a band of probabilities, or ``None`` if they are.

    The one rule for band bounds, for Python (``names=("min_churn_proba", ...)``) and YAML alike:
    two numbers, neither NaN, with ``0 <= lower < upper <= 1``.

    >>> churn_band_problem(0.7, 0.8) is None
    True
    >>> churn_band_problem(0.9, 0.8)
    'min=0.9 and max=0.8 do not satisfy 0 <= min < max <= 1'
    """
    for name, value in zip(names, (lower, upper), strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            return f"{name}={value!r} is not a number"
    if not 0 <= lower < upper <= 1:  # type: ignore[operator]
        low, high = names
        return f"{low}={lower!r} and {high}={upper!r} do not satisfy 0 <= {low} < {high} <= 1"
    return None


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
    upstream: ChurnBandUpstream,
    min_churn_proba: float,
    max_churn_proba: float,
    **overrides: Any,
) -> AssetsDefinition:
    """Users of ``upstream`` with ``min_churn_proba < predicted_churn_proba <= max_churn_proba``.

    The key is ``[churn_band_name(min, max), *upstream.key.path]``; group, partitions and
    partition column are the upstream's. ``overrides`` go to :func:`standard_asset`
    (``group_name``, ``automation_condition``, ``io_manager_key``, ...).

    >>> from dagster import AssetSpec
    >>> special = AssetSpec(["users", "special"], group_name="special")
    >>> band = build_churn_band_asset(special, 0.7, 0.8)
    >>> band.key.path, band.group_names_by_key[band.key]
    (['churn_0p7_to_0p8', 'users', 'special'], 'special')
    """
    resolved = _resolve_upstream(upstream)
    label = resolved.key.to_user_string()
    problem = churn_band_problem(
        min_churn_proba, max_churn_proba, names=("min_churn_proba", "max_churn_proba")
    )
    if problem:
        raise AssetDefinitionError(
            f"Churn band over {label}: {problem}; pass a non-empty band of probabilities, "
            "e.g. (0.7, 0.8)."
        )
    defaults: dict[str, Any] = {
        "key": [churn_band_name(min_churn_proba, max_churn_proba), *resolved.key.path],
        "group_name": resolved.group_name,
        "partitions_def": resolved.partitions_def,
        # Bands keep every upstream column, the partition column included.
        "partition_column": resolved.partition_column,
        "description": f"Users of {label} with {min_churn_proba} < "
        f"{CHURN_COLUMN} <= {max_churn_proba}.",
        "metadata": {
            "min_churn_proba": float(min_churn_proba),
            "max_churn_proba": float(max_churn_proba),
        },
    }

    def churn_band(upstream: pl.DataFrame) -> pl.DataFrame:
        return upstream.filter(
            pl.col(CHURN_COLUMN) > min_churn_proba, pl.col(CHURN_COLUMN) <= max_churn_proba
        )

    return standard_asset(
        ins={"upstream": resolved},
        input_checks={"upstream": BAND_INPUT_CHECKS},
        **{**defaults, **overrides},
    )(churn_band)


def _resolve_upstream(upstream: object) -> ResolvedInput:
    """One asset, resolved; a key or anything else is refused (a band needs its upstream's spec)."""
    if isinstance(upstream, ResolvedInput | AssetContract | AssetSpec) or (
        isinstance(upstream, AssetsDefinition) and len(upstream.keys) == 1
    ):
        return resolve_input(upstream, asset="build_churn_band_asset", parameter="upstream")
    raise AssetDefinitionError(
        f"build_churn_band_asset: upstream must be one asset (an AssetsDefinition of a single "
        f"asset, an AssetSpec or an AssetContract), got {type(upstream).__name__} "
        f"{upstream!r:.120}. "
        "Pass the asset object itself, e.g. build_churn_band_asset(users, 0.7, 0.8)."
    )
