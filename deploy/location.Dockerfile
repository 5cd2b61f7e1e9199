# Every team's code location: its gRPC code server, and the image each of its runs launches in.
# One recipe for all locations; LOCATION picks which (location_core, location_features, ...), and
# INSTANCE picks what loading the Dagster instance needs in the deployment mode the image is for:
#   docker (default: compose, runs in containers, assets on the data volume),
#   docker-s3 (compose's object-storage mode: + S3 step logs), kubernetes (Helm: runs as jobs).
# The image holds the location, shared_lib (the teams' runtime library) and platform_services
# (the instance's storages, the health check): no repository tooling, nothing of another mode.
# Layers: the location's locked dependencies (rebuilt only when its lock changes), then its
# mode's (shared by every location and both compose modes), then the sources (thin layers).
# Build from the repository root:
#   docker build -f deploy/location.Dockerfile --build-arg LOCATION=location_core .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}
ARG LOCATION
ARG INSTANCE=docker
RUN test -n "${LOCATION}" || { echo "build with --build-arg LOCATION=location_<team>" >&2; exit 1; }

# The code server's module and location name come from the environment, so the one command
# below serves any location. PLATFORM_CONTRACTS_DIR: where shared_lib reads the teams' contracts.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DAGSTER_HOME=/opt/dagster/home \
    PLATFORM_DATA_DIR=/opt/dagster/data \
    PLATFORM_CONTRACTS_DIR=/opt/platform/contracts \
    PLATFORM_LOCATION=${LOCATION}

RUN python3 -m venv /opt/venv \
 && groupadd --gid 10001 dagster \
 && useradd --uid 10001 --gid dagster --home-dir /opt/dagster/home --create-home dagster \
 && install -d -o dagster -g dagster /opt/dagster/data /opt/dagster/compute_logs

# Dependencies before sources: these layers are rebuilt only when a lock changes.
COPY requirements/build.txt requirements/${LOCATION}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps \
      -r /opt/platform/requirements/build.txt -r /opt/platform/requirements/${LOCATION}.txt
COPY requirements/instance-${INSTANCE}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps -r /opt/platform/requirements/instance-${INSTANCE}.txt

# shared_lib and platform_services installed as wheels (built here, their sources not kept); the
# location editable: dagster finds the location's project (pyproject.toml, defs/) from its
# sources, which stay here. Bytecode compiled at build time: every run container would
# otherwise compile the sources anew.
COPY shared_lib/pyproject.toml /tmp/build/shared_lib/
COPY shared_lib/src /tmp/build/shared_lib/src
COPY platform_services/pyproject.toml /tmp/build/platform_services/
COPY platform_services/src /tmp/build/platform_services/src
COPY ${LOCATION}/pyproject.toml /opt/platform/${LOCATION}/
COPY ${LOCATION}/src /opt/platform/${LOCATION}/src
RUN pip install --no-deps --no-build-isolation --compile \
      /tmp/build/shared_lib /tmp/build/platform_services -e /opt/platform/${LOCATION} \
 && rm -rf /tmp/build \
 && python -m compileall -q /opt/platform
# Every team's published contracts (data, not code): shared_lib reads them at PLATFORM_CONTRACTS_DIR.
COPY contracts /opt/platform/contracts

USER dagster
WORKDIR /opt/dagster/home
EXPOSE 4000
# exec: the code server replaces the shell, so it is the process init supervises.
CMD ["sh", "-c", "exec dagster code-server start --host 0.0.0.0 --port 4000 --module-name \"$PLATFORM_LOCATION.definitions\" --location-name \"$PLATFORM_LOCATION\""]
