"""The user features, built twice: over all users, and per partner programme over special users.

Both refresh on their own (``AutomationCondition.eager()``) whenever the core location
materializes a newer version of what they read.
"""

from dagster import AutomationCondition

from location_features.user_feature_specs import USER_FEATURES
from shared_lib import build_feature_assets, contract

USERS = contract("users")
SPECIAL_USERS = contract("users/special")
CHURN_MODEL = contract("churn_model")

user_features = build_feature_assets(
    USER_FEATURES,
    upstreams={"users": USERS, "churn_model": CHURN_MODEL},
    key_prefix="features",
    group_name="features",
    automation_condition=AutomationCondition.eager(),
)

special_user_features = build_feature_assets(
    USER_FEATURES,
    upstreams={"users": SPECIAL_USERS, "churn_model": CHURN_MODEL},
    key_prefix=["features", "special"],
    group_name="special_features",
    automation_condition=AutomationCondition.eager(),
)
