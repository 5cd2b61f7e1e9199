# Every team's code location: its gRPC code server, and the image each of its runs launches in.
# One recipe for all locations; LOCATION picks which (location_core, location_features, ...).
# Each gets its own image from its own hash-pinned lock plus shared_lib, and its own layers:
# dependencies first (rebuilt only when its lock changes), then its sources (a thin layer).
# Build from the repository root:
#   docker build -f deploy/location.Dockerfile --build-arg LOCATION=location_core .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE}
ARG LOCATION
RUN test -n "${LOCATION}" || { echo "build with --build-arg LOCATION=location_<team>" >&2; exit 1; }

# The code server's module and location name come from the environment, so the one command
# below serves any location.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    DAGSTER_HOME=/opt/dagster/home \
    PLATFORM_DATA_DIR=/opt/dagster/data \
    PLATFORM_LOCATION=${LOCATION}

RUN python3 -m venv /opt/venv \
 && groupadd --gid 10001 dagster \
 && useradd --uid 10001 --gid dagster --home-dir /opt/dagster/home --create-home dagster \
 && install -d -o dagster -g dagster /opt/dagster/data /opt/dagster/compute_logs

# Dependencies before source: this layer is rebuilt only when the location's lock changes.
COPY requirements/build.txt requirements/${LOCATION}.txt /opt/platform/requirements/
RUN pip install --require-hashes --no-deps \
      -r /opt/platform/requirements/build.txt -r /opt/platform/requirements/${LOCATION}.txt

# shared_lib and the location installed as packages (entry points included), editable: dagster
# finds the location's project (pyproject.toml, defs/) from its sources, which stay here.
COPY shared_lib/pyproject.toml /opt/platform/shared_lib/
COPY shared_lib/src /opt/platform/shared_lib/src
COPY ${LOCATION}/pyproject.toml /opt/platform/${LOCATION}/
COPY ${LOCATION}/src /opt/platform/${LOCATION}/src
# Every team's published contracts (data, not code): shared_lib reads them beside itself.
COPY contracts /opt/platform/contracts
# Bytecode compiled at build time: every run container would otherwise compile the sources anew.
RUN pip install --no-deps --no-build-isolation \
      -e /opt/platform/shared_lib -e /opt/platform/${LOCATION} \
 && python -m compileall -q /opt/platform

USER dagster
WORKDIR /opt/dagster/home
EXPOSE 4000
# exec: the code server replaces the shell, so it is the process init supervises.
CMD ["sh", "-c", "exec dagster code-server start --host 0.0.0.0 --port 4000 --module-name \"$PLATFORM_LOCATION.definitions\" --location-name \"$PLATFORM_LOCATION\""]
