"""The platform's own services: code that runs in the platform's processes, not in a team's code.

It goes where those processes run, and nowhere else:

* :mod:`~platform_services.instance_storage`: the instance's Postgres storages (``dagster.yaml``),
  loaded by every process that loads the instance: the webserver, the daemon, and in each
  location's image its code server and its runs;
* :mod:`~platform_services.code_server_health`: a code server's container health check (serving
  *and* its definitions loaded), run in each location's image.

Its dependencies are what loading the instance needs; each deployment mode adds its extra
(``docker``, ``s3``, ``kubernetes``; ``webserver`` for the UI's image).
"""
