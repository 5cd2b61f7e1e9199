"""The user features, as specs: pure Polars functions whose parameters name their inputs.

Each feature is computed per user (row by row, or by joins on ``user_id``), so it gives the
same values whether a run covers one partner programme or several.

``users`` and ``churn_model`` are bound to the core location's assets when the specs are
built (see ``defs/``); every other parameter names another feature.
"""

import polars as pl

from shared_lib import FeatureSpec, logistic_probability, non_empty, unique

DAYS_PER_WEEK_IN_30 = 30 / 7
RISK_TIERS = {"low": 0.3, "medium": 0.6}


def tenure_years(users: pl.DataFrame) -> pl.DataFrame:
    """How long each user has been with us, in years."""
    return users.select("user_id", tenure_years=pl.col("tenure_days") / 365.25)


def engagement(users: pl.DataFrame) -> pl.DataFrame:
    """Weekly sessions and support load: how actively, and how painfully, each user uses us."""
    return users.select(
        "user_id",
        sessions_per_week=pl.col("sessions_30d") / DAYS_PER_WEEK_IN_30,
        tickets_per_session=pl.col("support_tickets_90d") / (3 * pl.col("sessions_30d") + 1),
    )


def spend_profile(users: pl.DataFrame) -> pl.DataFrame:
    """Annual spend, and spend per session (what each visit is worth)."""
    return users.select(
        "user_id",
        annual_spend=pl.col("monthly_spend") * 12,
        spend_per_session=pl.col("monthly_spend") / (pl.col("sessions_30d") + 1),
    )


def churn_risk(users: pl.DataFrame, churn_model: pl.DataFrame) -> pl.DataFrame:
    """The churn model applied to each user, with a risk tier for campaigns."""
    return users.select("user_id", churn_risk=logistic_probability(churn_model)).with_columns(
        risk_tier=pl.when(pl.col("churn_risk") < RISK_TIERS["low"])
        .then(pl.lit("low"))
        .when(pl.col("churn_risk") < RISK_TIERS["medium"])
        .then(pl.lit("medium"))
        .otherwise(pl.lit("high"))
    )


def revenue_at_risk(spend_profile: pl.DataFrame, churn_risk: pl.DataFrame) -> pl.DataFrame:
    """Expected annual revenue lost to churn: annual spend times churn risk."""
    return spend_profile.join(churn_risk, on="user_id").select(
        "user_id", expected_annual_loss=pl.col("annual_spend") * pl.col("churn_risk")
    )


def customer_value(
    tenure_years: pl.DataFrame, spend_profile: pl.DataFrame, engagement: pl.DataFrame
) -> pl.DataFrame:
    """A simple lifetime-value estimate: spend so far, weighted up for engaged users."""
    return (
        tenure_years.join(spend_profile, on="user_id")
        .join(engagement, on="user_id")
        .select(
            "user_id",
            lifetime_value=pl.col("annual_spend")
            * pl.col("tenure_years")
            * (1 + pl.col("sessions_per_week").clip(0, 10) / 10),
        )
    )


def retention_priority(
    revenue_at_risk: pl.DataFrame, customer_value: pl.DataFrame, engagement: pl.DataFrame
) -> pl.DataFrame:
    """Whom to call first: value at stake, discounted for users who already struggle with us."""
    return (
        revenue_at_risk.join(customer_value, on="user_id")
        .join(engagement, on="user_id")
        .select(
            "user_id",
            priority_score=(pl.col("expected_annual_loss") + 0.1 * pl.col("lifetime_value"))
            / (1 + pl.col("tickets_per_session")),
        )
    )


KEYED_BY_USER = (non_empty(), unique("user_id"))

USER_FEATURES = [
    FeatureSpec("tenure_years", tenure_years, checks=KEYED_BY_USER),
    FeatureSpec("engagement", engagement, checks=KEYED_BY_USER),
    FeatureSpec("spend_profile", spend_profile, checks=KEYED_BY_USER),
    FeatureSpec("churn_risk", churn_risk, checks=KEYED_BY_USER),
    FeatureSpec("revenue_at_risk", revenue_at_risk, checks=KEYED_BY_USER),
    FeatureSpec("customer_value", customer_value, checks=KEYED_BY_USER),
    FeatureSpec("retention_priority", retention_priority, checks=KEYED_BY_USER),
]
"""Every feature, in no particular order: the factory works the dependency order out."""
