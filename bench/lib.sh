# Helpers the bench scripts share: sourced, not run. Loopback only.
# Expects to be sourced from the repository root (the scripts cd there first).

# Installs Debian packages whose commands are missing (the benchmarks run as root).
bench_need() {  # command package
  command -v "$1" >/dev/null && return 0
  echo "bench: installing $2" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

# The key that seals the signing keys: PostgreSQL and MariaDB nodes need one given (the embedded
# database makes its own); a scratch one per run, the same for every node the run starts.
bench_encryption_key() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}
export USERMAN_KEYS_ENCRYPTION_KEY="${USERMAN_KEYS_ENCRYPTION_KEY:-$(bench_encryption_key)}"

bench_pg() {  # SQL, run on the local PostgreSQL server's maintenance database
  psql -q -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres -c "$1"
}
bench_pg_create() { bench_pg "CREATE DATABASE $1"; }
bench_pg_drop() { bench_pg "DROP DATABASE IF EXISTS $1 WITH (FORCE)" 2>/dev/null || true; }

# Polls URL every 10 ms until it answers 200; fails after $2 seconds (default 60) or when the
# process $3 (optional) has exited.
bench_wait_ok() {  # url [timeout seconds] [pid]
  local url="$1" deadline=$((SECONDS + ${2:-60})) pid="${3:-}"
  until curl -sf -o /dev/null --max-time 2 "$url"; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: the process $pid exited before $url answered" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: $url did not answer 200 in time" >&2
      return 1
    fi
    sleep 0.01
  done
}

# Starts `./userman serve` (or `$2 serve`, a launcher that execs ./userman's way) with the USERMAN_*
# variables of the caller, logging to $1, and waits until it is ready. Sets userman_pid (the launcher
# execs the JVM, so it is the JVM's pid).
userman_pid=""
userman_start() {  # log file [launcher]
  "${2:-./userman}" serve >>"$1" 2>&1 &
  userman_pid=$!
  if ! bench_wait_ok "http://127.0.0.1:${USERMAN_HTTP_PORT}/health/ready" 120 "$userman_pid"; then
    tail -20 "$1" >&2
    return 1
  fi
}

# Stops a server: SIGTERM (and SIGCONT, should it be paused), then SIGKILL after 30 s.
bench_stop() {  # pid
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# Pauses a process (SIGSTOP), so that it uses no CPU while another is measured, and resumes it.
bench_pause() {  # pid (nothing when empty)
  [ -z "$1" ] || kill -STOP "$1"
}
bench_resume() {  # pid (nothing when empty)
  [ -z "$1" ] || kill -CONT "$1" 2>/dev/null || true
}

userman_stop() {
  bench_stop "$userman_pid"
  userman_pid=""
}

# CPU time the threads of process $1 whose names match the regular expression $2 have used so
# far, in clock ticks (getconf CLK_TCK a second).
bench_thread_ticks() {  # pid name-regex
  local t total=0
  for t in /proc/"$1"/task/*; do
    if grep -qE "$2" "$t/comm" 2>/dev/null; then
      total=$((total + $(awk '{print $14 + $15}' "$t/stat")))
    fi
  done
  echo "$total"
}

# CPU time process $1 (all its threads) has used so far, in clock ticks; 0 once it has gone.
bench_process_ticks() {  # pid
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU time the local PostgreSQL server's processes have used so far, in clock ticks.
bench_postgres_ticks() {
  local p total=0
  for p in $(pgrep -x postgres); do
    total=$((total + $(bench_process_ticks "$p")))
  done
  echo "$total"
}

# The machine's CPU time so far, all cores, in clock ticks: "<total> <idle and iowait> <steal>".
bench_machine_ticks() {
  awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6, $9}' /proc/stat
}

# CPU time the JIT compiler threads of a HotSpot JVM have used so far, in clock ticks.
bench_jit_ticks() {  # pid
  bench_thread_ticks "$1" '^C[12] CompilerThre'
}

# Resident set size of a process, in MiB.
bench_rss_mib() {  # pid
  awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"
}

# Where a JVM's resident memory is, as the JVM itself reports it (jcmd, no tracking flag needed), in
# MiB, one "name value" line each: the heap committed (every generation), class metadata committed
# (metaspace and class space, beside what the AOT cache maps), the compiled code (the code heaps' high-water mark), the threads, and
# the resident memory split into anonymous and file-backed (the AOT cache, libjvm, the jars).
bench_memory_parts() {  # java-home pid
  local jcmd="$1/bin/jcmd" pid="$2"
  "$jcmd" "$pid" GC.heap_info 2>/dev/null | awk '
    /total [0-9]+K/ { match($0, /total [0-9]+K/); heap += substr($0, RSTART + 6, RLENGTH - 7) }
    END { printf "heap %.0f\n", heap / 1024 }'
  "$jcmd" "$pid" VM.metaspace 2>/dev/null | awk '
    /^Metaspace/ && /committed/ { match($0, /committed [0-9]+K/); printf "metadata %.0f\n", substr($0, RSTART + 10, RLENGTH - 11) / 1024 }'
  "$jcmd" "$pid" Compiler.codecache 2>/dev/null | awk '
    /^CodeHeap/ { match($0, /max_used=[0-9]+Kb/); code += substr($0, RSTART + 9, RLENGTH - 11) }
    END { printf "code %.0f\n", code / 1024 }'
  awk '/^Threads:/ {print "threads", $2}' "/proc/$pid/status"
  awk '/^Anonymous:/ {a = $2} /^Rss:/ {r = $2} END {printf "anonymous %.0f\nfile %.0f\n", a / 1024, (r - a) / 1024}' \
    "/proc/$pid/smaps_rollup"
}

# One wrk run at 64 connections (or $BENCH_CONNECTIONS) on 2 threads (or $BENCH_THREADS, at most
# the connections) with --latency. Prints
# "<requests/s> <p50 ms> <p99 ms>"; fails, showing wrk's report, when any answer was not 2xx or
# 3xx, or on connect, read or write errors (timeouts are only reported). Extra wrk options (-H, -s) follow the duration and URL, then "--" and
# the Lua script's arguments.
bench_wrk() {  # seconds url [wrk args...]
  local secs="$1" url="$2" out opts=() script_args=()
  shift 2
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  script_args=("$@")  # "--" and what follows, for the Lua script
  out=$(wrk -t"${BENCH_THREADS:-2}" -c"${BENCH_CONNECTIONS:-64}" -d"${secs}s" --timeout 10s --latency "${opts[@]}" "$url" "${script_args[@]}")
  if echo "$out" | grep -q 'Non-2xx' \
    || echo "$out" | awk '/Socket errors/ { gsub(",", ""); if ($4 + $6 + $8 > 0) bad = 1 } END { exit !bad }'; then
    echo "bench: wrk saw failures on $url:" >&2
    echo "$out" >&2
    return 1
  fi
  if echo "$out" | grep -q 'Socket errors'; then  # only timeouts: answers slower than 10 s
    echo "bench: some requests to $url took over 10 s: $(echo "$out" | grep 'Socket errors')" >&2
  fi
  echo "$out" | awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      if (v ~ /m$/) return v * 60000
      return v
    }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}

# A JSON string field of a one-line JSON answer (good enough for tokens, keys and ids).
bench_json_field() {  # field (reads the JSON on stdin)
  sed -n "s/.*\"$1\" *: *\"\\([^\"]*\\)\".*/\\1/p"
}
