"""Entry point of the core code location (``location_core.definitions:defs``)."""

from dagster import Definitions

from shared_lib import location_definitions

defs: Definitions = location_definitions(__file__)
