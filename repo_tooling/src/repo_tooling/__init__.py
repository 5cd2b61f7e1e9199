"""The platform repository's tooling: dev and CI only, behind ``scripts/``, never in an image.

The list of code locations is the set of ``location_*/`` directories that are Dagster projects
(:mod:`~repo_tooling.locations`); nothing else lists them by hand. From it:

* :mod:`~repo_tooling.generate_deployment` (``scripts/generate-deployment``) writes the
  deployment: :mod:`~repo_tooling.compose_files` (``workspace.yaml``, the compose code servers,
  the object-storage mode), :mod:`~repo_tooling.helm_values`, ``dg.toml`` and ``CODEOWNERS``,
  all YAML through :mod:`~repo_tooling.yaml_writer`;
* :mod:`~repo_tooling.new_location` (``scripts/new-location``) scaffolds a team's location from
  ``location_template/``;
* :mod:`~repo_tooling.check_locations` (``scripts/check-locations``) checks the boundaries
  between teams;
* :mod:`~repo_tooling.check_contracts` (``scripts/check-contracts``) refuses breaking changes to
  published contracts (:mod:`~repo_tooling.contract_changes`), naming their consumers
  (:mod:`~repo_tooling.contract_consumers`);
* :mod:`~repo_tooling.local_dev` (``scripts/dev``) supervises ``dg dev``;
* :mod:`~repo_tooling.definitions_snapshot` prints every location's definitions as JSON, to
  prove a refactoring left them as they were.
"""
