"""What the platform knows about a Polars frame: its checks (and their YAML spelling) and the
metadata it is described with in the UI. The bottom layer: it imports nothing of shared_lib.

* :mod:`~shared_lib.frames.checks`: ``FrameCheck``s, evaluated in one pass over a frame;
* :mod:`~shared_lib.frames.yaml_checks`: checks as written in YAML (``{unique: user_id}``);
* :mod:`~shared_lib.frames.metadata`: row count, column schema and preview of a frame.
"""
