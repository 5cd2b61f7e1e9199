"""The core location's assets this location reads, known only through shared_lib's contracts.

Their specs must be part of this location's definitions for inputs from them to load; the
defs loader picks these module-level specs up.
"""

from shared_lib import CHURN_MODEL, SPECIAL_USERS, USERS

users = USERS.spec
special_users = SPECIAL_USERS.spec
churn_model = CHURN_MODEL.spec
