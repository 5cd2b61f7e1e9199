"""Linear models as data: stored as a frame by one location, applied with Polars by any other.

A model is a frame of ``MODEL_COLUMNS``: one row per input feature with its weight on the
standardized value (``(x - mean) / scale``), plus an ``(intercept)`` row. Storing coefficients
instead of a pickled estimator keeps the consuming location free of the trainer's libraries
and of unpickling another team's objects.
"""

from collections.abc import Mapping, Sequence

import polars as pl

INTERCEPT = "(intercept)"

MODEL_COLUMNS: dict[str, type[pl.DataType]] = {
    "feature": pl.String,
    "weight": pl.Float64,
    "mean": pl.Float64,
    "scale": pl.Float64,
}
"""The columns of a stored model (a producer publishing one declares them in its contract)."""


def model_frame(
    weights: Mapping[str, float],
    intercept: float,
    means: Mapping[str, float],
    scales: Mapping[str, float],
) -> pl.DataFrame:
    """The stored form of a standardized linear model."""
    features: Sequence[str] = list(weights)
    return pl.DataFrame(
        {
            "feature": [*features, INTERCEPT],
            "weight": [float(weights[f]) for f in features] + [float(intercept)],
            "mean": [float(means[f]) for f in features] + [0.0],
            "scale": [float(scales[f]) for f in features] + [1.0],
        },
        schema=MODEL_COLUMNS,
    )


def logistic_probability(model: pl.DataFrame) -> pl.Expr:
    """An expression for the model's probability on a frame holding its feature columns.

    >>> model = model_frame({"x": 2.0}, intercept=0.0, means={"x": 1.0}, scales={"x": 1.0})
    >>> pl.DataFrame({"x": [1.0]}).select(p=logistic_probability(model)).item()
    0.5
    """
    logit: pl.Expr = pl.lit(0.0)
    for feature, weight, mean, scale in model.select(list(MODEL_COLUMNS)).iter_rows():
        if feature == INTERCEPT:
            logit = logit + weight
        else:
            logit = logit + weight * (pl.col(feature).cast(pl.Float64) - mean) / scale
    return 1.0 / (1.0 + (-logit).exp())
