"""Users by churn-probability band, over all users and over each partner programme."""

from location_core.defs.users import special_users, users
from shared_lib import build_churn_band_asset

CHURN_BANDS = [(0.7, 0.8), (0.8, 0.9), (0.9, 1.0)]

churn_band_assets = [
    build_churn_band_asset(upstream, low, high)
    for upstream in (users, special_users)
    for low, high in CHURN_BANDS
]
