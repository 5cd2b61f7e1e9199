"""The core team's code location: synthetic users, the churn model and churn bands."""
