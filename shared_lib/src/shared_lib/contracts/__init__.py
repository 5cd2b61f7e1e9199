"""Cross-team contracts: the files each producing team owns, and the ``AssetContract``s in them.

* :mod:`~shared_lib.contracts.files`: the contract files (``contracts/<team>.yaml``), validated;
* :mod:`~shared_lib.contracts.published`: ``AssetContract``, ``contract("users")`` and friends.
"""
