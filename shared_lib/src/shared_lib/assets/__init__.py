"""``standard_asset``: the decorator, the inputs it accepts, and what it does in a step.

* :mod:`~shared_lib.assets.inputs`: ``ResolvedInput``, the one resolved form of an upstream;
* :mod:`~shared_lib.assets.step`: what runs around the user's function in a step;
* :mod:`~shared_lib.assets.standard_asset`: the decorator itself.
"""
