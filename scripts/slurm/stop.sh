#!/usr/bin/env bash
# Stops the single-node Slurm started by scripts/slurm/start.sh: slurmd, slurmctld and the munged it started,
# each by the pid in its pid file. Jobs still running are killed with the node. State and logs stay in
# $CLIMB_SLURM_DIR (default /tmp/climb-slurm) unless --purge is given.
set -uo pipefail
DIR=${CLIMB_SLURM_DIR:-/tmp/climb-slurm}
stop() {
  local name=$1 pidfile=$2
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    local pid; pid=$(cat "$pidfile")
    echo "[slurm] stopping $name (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && { echo "[slurm] $name did not stop; sending KILL"; kill -9 "$pid"; }
  fi
  rm -f "$pidfile"
}
stop slurmd "$DIR/slurmd.pid"
stop slurmctld "$DIR/slurmctld.pid"
stop munged "$DIR/munged.pid"
if [ "${1:-}" = "--purge" ]; then
  [ "$(readlink -f /etc/slurm/slurm.conf 2>/dev/null)" = "$(readlink -f "$DIR/slurm.conf")" ] && rm -f /etc/slurm/slurm.conf
  rm -rf "$DIR"
fi
exit 0
