"""The platform's repository tooling: its code locations, found in one place, and what follows.

The list of code locations is the set of ``location_*/`` directories that are Dagster projects;
nothing else lists them by hand. From it the platform generates the deployment's
``workspace.yaml``, the compose services, the root ``dg.toml``, and the locks; it scaffolds a
new location (``scripts/new-location``) and checks the boundaries between teams
(``scripts/check-locations``).
"""
