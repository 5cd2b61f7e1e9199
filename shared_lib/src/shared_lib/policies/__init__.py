"""What the platform adds to every code location's definitions, applied in sight by each one.

* :mod:`~shared_lib.policies.platform_policies`: ``with_platform_policies``;
* :mod:`~shared_lib.policies.definition_guards`: checks on the definitions as they load;
* :mod:`~shared_lib.policies.stuck_runs`: the sensor that bounds runs stuck before they start.
"""
