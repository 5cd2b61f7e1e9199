"""Synthetic users: deterministic, contract-shaped, with a churn signal to learn."""

import polars as pl

from location_core.synthetic import USER_COLUMNS, synthesize_users


def test_the_same_seed_gives_the_same_users() -> None:
    assert synthesize_users(500, seed=3).equals(synthesize_users(500, seed=3))
    assert not synthesize_users(500, seed=3).equals(synthesize_users(500, seed=4))


def test_users_have_the_published_columns_and_unique_ids() -> None:
    users = synthesize_users(1_000, seed=1, first_user_id=100)

    assert users.schema == pl.Schema(USER_COLUMNS)
    assert users["user_id"].is_unique().all()
    assert users["user_id"].min() == 100


def test_inactive_users_with_many_tickets_churn_more() -> None:
    users = synthesize_users(20_000, seed=7)
    struggling = users.filter(pl.col("sessions_30d") < 3, pl.col("support_tickets_90d") >= 3)
    thriving = users.filter(pl.col("sessions_30d") >= 10, pl.col("support_tickets_90d") == 0)

    assert struggling["churned"].mean() > 2 * thriving["churned"].mean()
