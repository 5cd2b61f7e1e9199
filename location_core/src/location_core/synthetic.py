"""Deterministic synthetic users: realistic enough that a churn model has something to learn."""

from datetime import date, timedelta

import numpy as np
import polars as pl

SEGMENTS = ("consumer", "small_business", "enterprise")
COUNTRIES = ("DE", "FR", "GB", "NL", "PL", "US")
SNAPSHOT_DATE = date(2026, 11, 1)

USER_COLUMNS: dict[str, type[pl.DataType]] = {
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
"""The profile and activity columns of users (contracts/core.yaml publishes them, scored)."""


def synthesize_users(n_users: int, seed: int, first_user_id: int = 1) -> pl.DataFrame:
    """``n_users`` users with ``USER_COLUMNS``; the same arguments always give the same frame.

    Churn is drawn from a logistic function of tenure, activity, support load and spend, so
    short-tenured, inactive users with many tickets churn most.

    >>> synthesize_users(3, seed=1).columns == list(USER_COLUMNS)
    True
    """
    rng = np.random.default_rng(seed)
    segment_index = rng.choice(len(SEGMENTS), size=n_users, p=[0.7, 0.22, 0.08])
    tenure_days = rng.gamma(shape=2.0, scale=300.0, size=n_users).astype(np.int64) + 1
    base_spend = np.array([15.0, 120.0, 900.0])[segment_index]
    monthly_spend = np.round(base_spend * rng.lognormal(0.0, 0.45, n_users), 2)
    sessions_30d = rng.poisson(np.clip(6.0 + tenure_days / 120.0, 1.0, 40.0))
    support_tickets_90d = rng.poisson(0.6 + 2.0 * (sessions_30d < 3) + 1.5 * (tenure_days < 120))
    logit = (
        1.2
        - 0.004 * tenure_days
        - 0.15 * sessions_30d
        + 0.8 * support_tickets_90d
        - 0.0008 * monthly_spend
    )
    churned = rng.random(n_users) < 1.0 / (1.0 + np.exp(-logit))
    return pl.DataFrame(
        {
            "user_id": np.arange(first_user_id, first_user_id + n_users, dtype=np.int64),
            "segment": np.array(SEGMENTS)[segment_index],
            "country": np.array(COUNTRIES)[rng.integers(0, len(COUNTRIES), n_users)],
            "signup_date": [SNAPSHOT_DATE - timedelta(days=int(d)) for d in tenure_days],
            "tenure_days": tenure_days,
            "monthly_spend": monthly_spend,
            "sessions_30d": sessions_30d.astype(np.int64),
            "support_tickets_90d": support_tickets_90d.astype(np.int64),
            "churned": churned,
        },
        schema=USER_COLUMNS,
    )
