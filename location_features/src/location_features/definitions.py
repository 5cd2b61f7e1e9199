"""Entry point of the features code location (``location_features.definitions:defs``)."""

from dagster import Definitions

from shared_lib import location_definitions

defs: Definitions = location_definitions(__file__)
