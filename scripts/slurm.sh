#!/usr/bin/env bash
# A real single-node Slurm cluster on localhost (Debian/Ubuntu packages), for
# trying `jacorpus submit` and for the test suite. Slurm and munge run as
# root, started directly (no systemd needed: CI containers have none).
#
#   scripts/slurm.sh install   apt-get install slurmctld slurmd slurm-client munge when missing
#   scripts/slurm.sh start     munged, slurmctld and slurmd up, the node idle (no-op when already so)
#   scripts/slurm.sh stop      stop the daemons this script started
#   scripts/slurm.sh status    print whether the cluster is up (exit 0 up, 1 down)
#   scripts/slurm.sh check     smoke test: an array job plus an afterok-dependent job
#
# slurm.conf goes to Slurm's default path, /etc/slurm/slurm.conf, so sbatch,
# squeue and scontrol work in any child process without environment
# variables. A slurm.conf there that this script did not write is left alone
# (start refuses). With SLURM_CONF set, that path is used instead: the daemons
# get it with -f, and start prints `export SLURM_CONF=…` for the clients.
# install, start and stop re-run themselves under sudo when not root; status
# and check run as the caller (jobs run as the submitting user).
#
# What the settings avoid (checked on Debian 12 containers without systemd,
# Slurm 22.05): cgroup plugins fail there ("freezer/memory not mounted"), the
# node drains and `sbatch --wait` still exits 0 for jobs that never ran; a
# RealMemory above the detected one drains the node; without
# DependencyParameters=kill_invalid_depend a job depending on a failed one
# pends forever.
#
# Environment: SLURM_CONF (above); SLURM_WAIT_CTLD, SLURM_WAIT_NODE (start's
# waits for slurmctld and for the node, seconds, default 30 and 60);
# SLURM_CHECK_TIMEOUT (check's wait for its jobs, default 120).
set -euo pipefail

# runuser, munged and the Slurm daemons are in /usr/sbin, which a non-login
# shell's PATH (a test's child process, sudo's secure_path aside) may lack.
PATH=$PATH:/usr/sbin:/sbin
conf=${SLURM_CONF:-/etc/slurm/slurm.conf}
# The first line of every slurm.conf this script writes: start only
# overwrites a slurm.conf that carries it.
marker="# Written by jacorpus scripts/slurm.sh: a single-node cluster on localhost."
# Pid files under /run/slurm, not Debian's systemd units' /run/slurm*.pid:
# stop never touches daemons the system started.
rundir=/run/slurm
logdir=/var/log/slurm
ctld_pid=$rundir/slurmctld.pid
slurmd_pid=$rundir/slurmd.pid
munged_pid=/run/munge/munged.pid
# Present when this script started munged (so stop leaves a munged started by
# the system alone).
munged_ours=$rundir/munged.jacorpus
# Daemon start-up waits, in seconds.
wait_ctld=${SLURM_WAIT_CTLD:-30}
wait_node=${SLURM_WAIT_NODE:-60}

say() { echo "slurm.sh: $*" >&2; }
die() {
  say "$*"
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1; }

# as_root re-runs this script as root (install, start and stop write under
# /etc, /run and /var and start root daemons). sudo drops the environment,
# so the variables this script reads are passed on explicitly.
as_root() {
  [ "$(id -u)" = 0 ] && return 0
  need sudo || die "$1 needs root (sudo is missing)"
  exec sudo env SLURM_CONF="$conf" SLURM_WAIT_CTLD="$wait_ctld" SLURM_WAIT_NODE="$wait_node" "$0" "$@"
}

# alive PID NAME: the process runs and is NAME. A zombie counts as gone: this
# kind of machine has no init that reaps orphans, so a stopped daemon stays
# <defunct> and kill -0 still succeeds on it. The name guards against a stale
# pid file whose number was reused.
alive() {
  local pid=$1 name=$2 stat comm
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [ "$comm" = "$name" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}
pid_of() { cat "$1" 2>/dev/null || true; }

# daemon NAME CMD…: runs a daemonizing command with its output in
# $rundir/NAME.stderr (what it says before its log file is open: a bad
# slurm.conf line, a missing directory). Not a pipe: a daemon that kept the
# caller's stdout open would make `out=$(scripts/slurm.sh start)`, or a Go
# test reading the output, wait forever.
daemon() {
  local name=$1
  shift
  "$@" </dev/null >"$rundir/$name.stderr" 2>&1
}

# ---------------------------------------------------------------- install

installed() {
  { need slurmctld || [ -x /usr/sbin/slurmctld ]; } &&
    { need slurmd || [ -x /usr/sbin/slurmd ]; } &&
    need sbatch && need munge && [ -x /usr/sbin/munged ]
}

cmd_install() {
  if installed; then
    say "Slurm and munge are installed"
    return 0
  fi
  as_root install
  need apt-get || die "apt-get is missing: install Slurm (slurmctld, slurmd, the client commands) and munge by hand"
  local pkgs=(slurmctld slurmd slurm-client munge)
  export DEBIAN_FRONTEND=noninteractive
  # Update the package lists only when they do not know the packages (a
  # fresh container has none); when the install still fails (stale lists
  # naming versions the mirror dropped), update once and retry.
  if ! apt-cache show slurmctld >/dev/null 2>&1; then
    apt-get update -q
  fi
  # --no-install-recommends: 8 packages, 13 MB installed, ~10 s. The
  # recommended slurm-wlm-plugins (PMIx, HDF5, RRD, X11…) are not needed.
  if ! apt-get install -y -q --no-install-recommends "${pkgs[@]}"; then
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${pkgs[@]}"
  fi
  installed || die "the packages installed but slurmctld, slurmd, sbatch or munged is still missing"
  say "installed $(dpkg-query -W -f '${Package} ${Version}, ' "${pkgs[@]}" | sed 's/, $//')"
}

# ---------------------------------------------------------------- munge

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

start_munge() {
  munge_ok && return 0
  # The package creates the user and the key but starts nothing; these
  # directories are normally made by its systemd unit.
  install -d -o munge -g munge -m 0755 /run/munge
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge /etc/munge
  if [ ! -s /etc/munge/munge.key ]; then
    # Only one host, so any random key does.
    if need mungekey; then
      runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
    else
      dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
  fi
  chown munge:munge /etc/munge/munge.key
  chmod 0400 /etc/munge/munge.key
  # (A socket left by a killed munged is no obstacle: its lock died with it.)
  local pid
  pid=$(pid_of "$munged_pid")
  if alive "$pid" munged; then
    die "munged (pid $pid) runs but does not answer: see /var/log/munge/munged.log"
  fi
  daemon munged runuser -u munge -- /usr/sbin/munged ||
    die "munged did not start: $(cat "$rundir/munged.stderr") $(tail -n 5 /var/log/munge/munged.log 2>/dev/null)"
  touch "$munged_ours"
  local i
  for i in $(seq 50); do
    munge_ok && return 0
    sleep 0.1
  done
  die "munge -n | unmunge fails after starting munged: $(tail -n 5 /var/log/munge/munged.log 2>/dev/null)"
}

# ---------------------------------------------------------------- slurm.conf

# node_line prints this host's NodeName line as slurmd -C detects it, with
# RealMemory capped at MemTotal (a configured RealMemory above what slurmd
# finds drains the node: "Low RealMemory").
node_line() {
  local line mem total
  line=$(/usr/sbin/slurmd -C 2>/dev/null | grep -m1 '^NodeName=') ||
    die "slurmd -C printed no NodeName line"
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$line")
  total=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  if [ -n "$mem" ] && [ -n "$total" ] && [ "$mem" -gt "$total" ]; then
    line=${line/RealMemory=$mem/RealMemory=$total}
  fi
  echo "$line NodeAddr=127.0.0.1 State=UNKNOWN"
}

node_name() { sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$1"; }

write_conf() {
  local node=$1 host
  host=$(hostname -s)
  cat <<EOF
$marker
# Client commands find it at this path (or through SLURM_CONF).
ClusterName=jacorpus
# Short hostname: slurmctld recognises itself by it; the address is fixed to
# loopback since containers often resolve their hostname to nothing useful.
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# No cgroups: the cgroup plugins fail in containers ("freezer/memory not
# mounted"), the node drains and jobs never run.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
# A node that was down comes back by itself once slurmd registers validly.
ReturnToService=2
# A job whose dependency can never be satisfied (afterok on a failed job) is
# cancelled instead of pending forever. Slurm 22.05 reads it here only (in
# SchedulerParameters it is ignored).
DependencyParameters=kill_invalid_depend
# Finished job records stay for an hour (default 300 s): an afterok naming a
# job whose record is gone counts as satisfied, and tests read final states
# with scontrol show job.
MinJobAge=3600
# Event-triggered scheduling (a job ended, a dependency is now satisfied)
# runs at most every batch_sched_delay seconds (default 3): each step of a
# phased job would otherwise wait up to 3 s for the next (scripts/slurm.sh check took 9 s
# with the default, 4-6 s with 1).
SchedulerParameters=batch_sched_delay=1
MailProg=/bin/true
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$ctld_pid
SlurmdPidFile=$slurmd_pid
SlurmctldLogFile=$logdir/slurmctld.log
SlurmdLogFile=$logdir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$node
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

# ---------------------------------------------------------------- state

# node_state prints the node's state as sinfo sees it ("idle", "mixed",
# "drained", "down*", ...), or nothing when slurmctld does not answer.
node_state() { timeout 10 sinfo -h -N -n "$1" -o %T 2>/dev/null | head -n 1 || true; }
ctld_up() { timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP'; }

# healthy: the daemons of this script's cluster run with the slurm.conf it
# would write now, and the node takes jobs. A busy node (jobs running)
# counts: restarting would kill them.
healthy() {
  local node=$1 want=$2
  [ -r "$conf" ] && [ "$(cat "$conf")" = "$want" ] || return 1
  alive "$(pid_of "$ctld_pid")" slurmctld || return 1
  alive "$(pid_of "$slurmd_pid")" slurmd || return 1
  munge_ok && ctld_up || return 1
  case $(node_state "$node") in
    idle | mixed | allocated | completing) return 0 ;;
  esac
  return 1
}

log_tail() {
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "--- last lines of $f (without the PMIx library warnings, harmless):" >&2
    grep -v -e 'pmix' -e 'MPI: Cannot create context' "$f" | tail -n 25 >&2
  done
}

# stop_pid FILE NAME: SIGTERM the daemon, then wait up to 15 s (slurmctld
# saves its state first) before SIGKILL.
stop_pid() {
  local file=$1 name=$2 pid i
  pid=$(pid_of "$file")
  if alive "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 150); do
      alive "$pid" "$name" || break
      sleep 0.1
    done
    if alive "$pid" "$name"; then
      say "$name (pid $pid) ignored SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    say "stopped $name (pid $pid)"
  fi
  rm -f "$file"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  installed || die "Slurm or munge is missing: run scripts/slurm.sh install"
  as_root start
  local node name want
  node=$(node_line)
  name=$(node_name "$node")
  want=$(write_conf "$node")
  if [ -e "$conf" ] && ! head -n 1 "$conf" | grep -qxF "$marker"; then
    die "$conf exists and was not written by this script; move it away (or set SLURM_CONF to another path)"
  fi
  # Daemons' clients (sinfo, scontrol) in healthy() must read this slurm.conf.
  export SLURM_CONF=$conf
  if healthy "$name" "$want"; then
    say "already up: node $name $(node_state "$name"), $conf"
    print_env
    return 0
  fi

  # Anything half up (a daemon died, the node drained, slurm.conf changed)
  # is restarted from scratch: cheaper than diagnosing it.
  stop_slurm
  install -d -m 0755 "$(dirname "$conf")" "$rundir" "$logdir" /var/spool/slurmctld /var/spool/slurmd
  start_munge
  printf '%s\n' "$want" >"$conf.tmp"
  chmod 0644 "$conf.tmp"
  mv "$conf.tmp" "$conf"

  # Each start is a clean one (-c: no jobs or node states from an earlier
  # run, so a node drained then is not drained now).
  daemon slurmctld /usr/sbin/slurmctld -c -f "$conf" || {
    log_tail "$rundir/slurmctld.stderr" "$logdir/slurmctld.log"
    die "slurmctld did not start"
  }
  local i
  for i in $(seq $((wait_ctld * 2))); do
    ctld_up && break
    sleep 0.5
  done
  if ! ctld_up; then
    log_tail "$rundir/slurmctld.stderr" "$logdir/slurmctld.log"
    die "slurmctld is not UP after ${wait_ctld}s (scontrol ping)"
  fi

  daemon slurmd /usr/sbin/slurmd -f "$conf" || {
    log_tail "$rundir/slurmd.stderr" "$logdir/slurmd.log"
    die "slurmd did not start"
  }
  local state=""
  for i in $(seq $((wait_node * 2))); do
    state=$(node_state "$name")
    [ "$state" = idle ] && break
    # Drained or invalid (slurm.conf does not match the node) stays so:
    # no point waiting out the timeout.
    case $state in inval* | drain* | fail*) break ;; esac
    sleep 0.5
  done
  if [ "$state" != idle ]; then
    timeout 10 sinfo -N -o '%N %T %E' >&2 || true
    log_tail "$rundir/slurmd.stderr" "$logdir/slurmd.log" "$logdir/slurmctld.log"
    die "node $name is ${state:-unknown}, not idle (waited up to ${wait_node}s)"
  fi
  say "up: node $name idle ($(sed 's/^NodeName=[^ ]* //; s/ NodeAddr.*//' <<<"$node")), $conf"
  print_env
}

# print_env tells the caller what the client commands need: nothing at the
# default path, else SLURM_CONF (as a line to eval).
print_env() {
  if [ "$conf" = /etc/slurm/slurm.conf ]; then
    say "sbatch, squeue and scontrol need no environment (default slurm.conf path)"
  else
    echo "export SLURM_CONF=$conf"
  fi
}

stop_slurm() {
  stop_pid "$slurmd_pid" slurmd
  stop_pid "$ctld_pid" slurmctld
}

cmd_stop() {
  as_root stop
  stop_slurm
  if [ -e "$munged_ours" ]; then
    stop_pid "$munged_pid" munged
    rm -f "$munged_ours"
  fi
}

cmd_status() {
  export SLURM_CONF=$conf
  local up=yes ctld slurmd node
  ctld=$(pid_of "$ctld_pid")
  slurmd=$(pid_of "$slurmd_pid")
  if alive "$ctld" slurmctld; then echo "slurmctld: running (pid $ctld)"; else echo "slurmctld: not running"; up=no; fi
  if alive "$slurmd" slurmd; then echo "slurmd: running (pid $slurmd)"; else echo "slurmd: not running"; up=no; fi
  if munge_ok; then echo "munge: ok"; else echo "munge: not working"; up=no; fi
  if [ "$up" = yes ] && ctld_up; then
    node=$(timeout 10 sinfo -h -N -o '%N %T' 2>/dev/null | head -n 1 || true)
    echo "node: ${node:-none}"
    case ${node##* } in idle | mixed | allocated | completing) ;; *) up=no ;; esac
  else
    up=no
  fi
  echo "slurm.conf: $conf"
  if [ "$up" = yes ]; then
    echo "up"
  else
    echo "down"
    return 1
  fi
}

# job_states JOBID prints "JobId JobState ExitCode" for the job or each task
# of an array job.
job_states() {
  timeout 10 scontrol -o show job "$1" 2>/dev/null |
    sed -n 's/^JobId=\([0-9]*\) .*JobState=\([A-Z_]*\) .*ExitCode=\([0-9:]*\).*/\1 \2 \3/p' || true
}
# A job is finished when no record of it is pending, running, completing…
finished() {
  local s
  s=$(job_states "$1")
  [ -n "$s" ] && ! grep -qE ' (PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|SIGNALING|STAGE_OUT) ' <<<"$s"
}

cmd_check() {
  need sbatch || die "sbatch is missing: run scripts/slurm.sh install"
  export SLURM_CONF=$conf
  ctld_up || die "slurmctld does not answer: run scripts/slurm.sh start"
  local tmp arr dep bad baddep
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/slurm-check.XXXXXX")
  # shellcheck disable=SC2064 # expand now: tmp is local
  trap "rm -rf '$tmp'" EXIT
  local start=$SECONDS

  # Four array tasks write their index; the dependent job, submitted at once
  # (an afterok on a job whose record is gone counts as satisfied), counts
  # the files. --kill-on-invalid-dep too, in case the cluster is not ours.
  check_jobs=()
  submit --job-name=check-array --array=0-3 --output="$tmp/array-%a.out" \
    --wrap "echo \$SLURM_ARRAY_TASK_ID > '$tmp'/task-\$SLURM_ARRAY_TASK_ID"
  arr=$submitted
  submit --job-name=check-count --dependency="afterok:$arr" --kill-on-invalid-dep=yes \
    --output="$tmp/count.out" --wrap "ls '$tmp' | grep -c '^task-' > '$tmp/count'"
  dep=$submitted
  # A failing job and a job depending on it: the dependent must be cancelled
  # (DependencyParameters=kill_invalid_depend), not left pending forever.
  submit --job-name=check-fail --output=/dev/null --wrap "exit 3"
  bad=$submitted
  submit --job-name=check-never --dependency="afterok:$bad" --output=/dev/null --wrap "touch '$tmp/never'"
  baddep=$submitted
  say "check: submitted array $arr, dependent $dep, failing $bad, its dependent $baddep"

  # Not sbatch --wait: its exit code says COMPLETED even for jobs that never
  # ran (drained node) or were cancelled, and it polls at 2, 8, 32 s. Poll
  # scontrol instead, every call under timeout, the whole wait bounded.
  local deadline=$((SECONDS + ${SLURM_CHECK_TIMEOUT:-120}))
  until finished "$arr" && finished "$dep" && finished "$bad" && finished "$baddep"; do
    if [ $SECONDS -ge $deadline ]; then
      check_failed "jobs not finished after ${SLURM_CHECK_TIMEOUT:-120}s" "$arr" "$dep" "$bad" "$baddep"
    fi
    sleep 0.5
  done

  local states i
  states=$(job_states "$arr")
  [ "$(grep -c ' COMPLETED 0:0$' <<<"$states")" = 4 ] ||
    check_failed "the array's 4 tasks did not all complete with exit code 0: $states" "$arr" "$dep"
  [ "$(job_states "$dep" | cut -d' ' -f2-)" = "COMPLETED 0:0" ] ||
    check_failed "the dependent job did not complete: $(job_states "$dep")" "$arr" "$dep"
  for i in 0 1 2 3; do
    [ "$(cat "$tmp/task-$i" 2>/dev/null)" = "$i" ] ||
      check_failed "array task $i did not write $tmp/task-$i" "$arr" "$dep"
  done
  [ "$(cat "$tmp/count" 2>/dev/null)" = 4 ] ||
    check_failed "the dependent job counted '$(cat "$tmp/count" 2>/dev/null)' task files, not 4" "$arr" "$dep"
  [ "$(job_states "$bad" | cut -d' ' -f2-)" = "FAILED 3:0" ] ||
    check_failed "the failing job is not FAILED 3:0: $(job_states "$bad")" "$bad"
  { [ "$(job_states "$baddep" | cut -d' ' -f2)" = CANCELLED ] && [ ! -e "$tmp/never" ]; } ||
    check_failed "the job depending on a failed one was not cancelled: $(job_states "$baddep")" "$bad" "$baddep"
  say "check passed in $((SECONDS - start))s: 4 array tasks, the afterok job counted 4 files, a dependent of a failed job was cancelled"
}

# submit ARGS…: sbatch ARGS, the job id in $submitted (check_jobs lists
# every id, for check_failed to cancel).
submit() {
  local out
  out=$(timeout 30 sbatch --parsable "$@") || check_failed "sbatch $* failed"
  submitted=${out%%;*}
  check_jobs+=("$submitted")
}

check_failed() {
  local msg=$1 j
  shift
  for j in "$@"; do
    timeout 10 scontrol show job "$j" >&2 || true
  done
  local f
  for f in "$tmp"/*.out; do
    [ -e "$f" ] || continue
    echo "--- $f:" >&2
    cat "$f" >&2
  done
  log_tail "$logdir/slurmd.log"
  # Nothing of a failed check stays queued.
  timeout 10 scancel "${check_jobs[@]}" 2>/dev/null || true
  die "check failed: $msg"
}

case ${1:-} in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  check) cmd_check ;;
  *)
    echo "usage: $0 install|start|stop|status|check" >&2
    exit 2
    ;;
esac
