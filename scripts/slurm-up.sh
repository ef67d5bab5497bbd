#!/usr/bin/env bash
# A real one-node Slurm cluster on this machine, for the Slurm backend's tests and for trying
# `cbram-lab sweep --backend slurm` without a cluster: Debian's slurm-wlm and munge, a controller
# and a compute daemon on this host, no cgroups, no accounting database. Needs root (installs the
# packages when missing). Idempotent: daemons already running are left as they are, and their
# configuration is not touched.
#
# The last line printed is `started: <daemons>` (munged, slurmctld, slurmd: the ones this run
# started), so a caller can stop exactly those: scripts/slurm-down.sh <daemons>.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "slurm-up.sh: needs root (it installs slurm-wlm and munge and starts their daemons)" >&2
  exit 2
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-up.sh: installing slurm-wlm and munge" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  }
fi
started=()
H=$(hostname -s)
CPUS=$(nproc)
MEM=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024))
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /etc/slurm
if ! pgrep -x munged >/dev/null; then
  [ -s /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null || true
  chmod 0700 /etc/munge
  chmod 0400 /etc/munge/munge.key
  su -s /bin/sh munge -c /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force
  started+=(munged)
fi
if ! pgrep -x slurmctld >/dev/null && ! pgrep -x slurmd >/dev/null; then
  cat >/etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$H
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=$H CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
CONF
fi
if ! pgrep -x slurmctld >/dev/null; then
  /usr/sbin/slurmctld
  started+=(slurmctld)
fi
if ! pgrep -x slurmd >/dev/null; then
  /usr/sbin/slurmd
  started+=(slurmd)
fi
for _ in $(seq 1 60); do
  sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed|alloc' && break
  sleep 0.5
done
sinfo -h -o '%P %T %D %c' >&2
echo "started: ${started[*]}"
