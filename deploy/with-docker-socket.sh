#!/bin/sh
# Run a command as the unprivileged `dagster` user, with the group that owns the Docker socket.
#
# The daemon launches run containers and the webserver stops them, through the host's Docker
# socket. Its group id differs between hosts (999, 998, 105, ...), so it is read here at start-up
# instead of being baked into the image or the compose file. The container starts as root only
# for this; the command itself never runs as root.
set -eu
socket=/var/run/docker.sock
user=dagster

if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi
groups=$(id -g "$user")
if [ -S "$socket" ]; then
  groups="$groups,$(stat -c %g "$socket")"
fi
exec setpriv --reuid="$user" --regid="$user" --groups="$groups" \
  --inh-caps=-all --bounding-set=-all --no-new-privs -- "$@"
