"""Asset factories: a location declares *what*, a factory builds the ``standard_asset``s.

* :mod:`~shared_lib.factories.churn_bands`: users whose predicted churn falls in a band;
* :mod:`~shared_lib.factories.feature_dag`: features declared as specs, wired at call time.
"""
