"""Users, the churn model trained on them, and the partner programmes' special users."""

import zlib

import polars as pl
from dagster import AssetExecutionContext, Config, MetadataValue, Output

from location_core.synthetic import synthesize_users
from shared_lib import (
    contract,
    logistic_probability,
    model_frame,
    non_empty,
    standard_asset,
    unique,
)

USERS = contract("users")
SPECIAL_USERS = contract("users/special")
CHURN_MODEL = contract("churn_model")

MODEL_FEATURES = ["tenure_days", "monthly_spend", "sessions_30d", "support_tickets_90d"]
SPECIAL_USER_ID_BASE = 1_000_000_000


class UsersConfig(Config):
    """How many users to synthesize, and from which seed."""

    n_users: int = 20_000
    seed: int = 7


class SpecialUsersConfig(Config):
    """How many users each partner programme has."""

    n_users_per_program: int = 2_000


@standard_asset(group_name="users", checks=[non_empty(), unique("user_id")])
def user_history(config: UsersConfig) -> pl.DataFrame:
    """Every user's profile and activity, with whether they churned last month."""
    return synthesize_users(config.n_users, seed=config.seed)


@standard_asset(contract=CHURN_MODEL)
def churn_model(user_history: pl.DataFrame) -> Output[pl.DataFrame]:
    # Imported here, not at module level: scikit-learn takes ~0.9 s to import, which every code
    # server start and every run of this location would pay (docs/benchmarks.md).
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    features = user_history.select(MODEL_FEATURES).to_numpy()
    labels = user_history["churned"].to_numpy()
    scaler = StandardScaler().fit(features)
    model = LogisticRegression(max_iter=1_000).fit(scaler.transform(features), labels)
    auc = roc_auc_score(labels, model.predict_proba(scaler.transform(features))[:, 1])
    frame = model_frame(
        weights=dict(zip(MODEL_FEATURES, model.coef_[0], strict=True)),
        intercept=float(model.intercept_[0]),
        means=dict(zip(MODEL_FEATURES, scaler.mean_, strict=True)),
        scales=dict(zip(MODEL_FEATURES, scaler.scale_, strict=True)),
    )
    return Output(
        frame,
        metadata={
            "training_rows": MetadataValue.int(len(labels)),
            "roc_auc": MetadataValue.float(auc),
        },
    )


@standard_asset(contract=USERS)
def users(user_history: pl.DataFrame, churn_model: pl.DataFrame) -> pl.DataFrame:
    return user_history.with_columns(predicted_churn_proba=logistic_probability(churn_model))


@standard_asset(contract=SPECIAL_USERS, ins={"churn_model": CHURN_MODEL})
def special_users(
    context: AssetExecutionContext, config: SpecialUsersConfig, churn_model: pl.DataFrame
) -> pl.DataFrame:
    """Users of each partner programme in the run (one partition each), scored for churn."""
    programs = SPECIAL_USERS.spec.partitions_def.get_partition_keys()
    frames = [
        synthesize_users(
            config.n_users_per_program,
            seed=zlib.crc32(program.encode()),
            first_user_id=SPECIAL_USER_ID_BASE * (programs.index(program) + 1),
        ).with_columns(program=pl.lit(program))
        for program in context.partition_keys
    ]
    return pl.concat(frames).with_columns(predicted_churn_proba=logistic_probability(churn_model))
