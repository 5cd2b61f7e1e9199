"""Who may do what in the authenticated mode: identities, per-location roles, enforcement, audit.

Dagster OSS has no sign-in and no authorization (dagster-io/dagster#2219). Its webserver already
asks a request context for permissions per code location; this package answers from the
``access/`` files the teams own. The webserver parts need the ``webserver`` extra; only
:mod:`platform_services.access.run_tagging` is loaded by every process (dagster.yaml).
"""
