#!/usr/bin/env python3
"""Renders the figures bench/run collected (tab-separated key and value a line) as RESULTS.md.
Every ratio is computed here from figures of the same run."""
import sys

r = {}
many = {}  # keys recorded more than once keep every value here
for line in open(sys.argv[1], encoding="utf-8"):
    key, _, value = line.rstrip("\n").partition("\t")
    r[key] = value
    many.setdefault(key, []).append(value)

DBS = [db for db in ("sqlite", "postgresql") if db + "_live_rps" in r]
NAMES = {"sqlite": "Userman, SQLite", "postgresql": "Userman, PostgreSQL"}
# Keycloak's runs take turns with Userman's on each database: "<db>_kc_userinfo_*", "<db>_kc_login_*".
KC = any(d + "_kc_userinfo_rps" in r for d in DBS)
# The baseline's (BENCH_BASELINE) take turns the same way: "<db>_baseline_me_*", "<db>_baseline_login_*".
BASELINE = any(d + "_baseline_me_rps" in r for d in DBS)
cores = int(r["cores"])


def num(key):
    """A figure; a key measured in several rounds gives the median of its values."""
    return median(values(key))


def fmt(v, digits=0):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def verdict(ok):
    return " (met)" if ok else " (**missed**)"


def checked(v, digits, ok):
    return "-" if v is None else fmt(v, digits) + verdict(ok(v))


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def values(key):
    return [float(v) for v in many.get(key, []) if v != ""]


def median(vs):
    vs = sorted(v for v in vs if v is not None)
    if not vs:
        return None
    return vs[len(vs) // 2] if len(vs) % 2 else (vs[len(vs) // 2 - 1] + vs[len(vs) // 2]) / 2


def by_rounds(vs, digits, target=None):
    """The median of one figure per round, checked against target when there is one, then every round's."""
    if not vs:
        return "-"
    m = median(vs)
    return ((fmt(m, digits) if target is None else checked(m, digits, target))
            + ("" if len(vs) == 1 else " (rounds " + ", ".join(fmt(v, digits) for v in vs) + ")"))


def ratios(a, b):
    """The ratios a/b of figures measured in turns, round by round."""
    return [x / y for x, y in zip(values(a), values(b)) if y]


def paired(a, b, digits, target):
    return by_rounds(ratios(a, b), digits, target)


def rounds(d):
    """Userman's sign-in rounds on d: (sign-ins/s, p99 ms, bound, bound with every core hashing), each
    bound cores / (one libsodium hash) timed by JMH right before that round's sign-ins."""
    return [(rps, p99, cores * 1000 / h1, cores * 1000 / h2) for rps, p99, h1, h2 in
            zip(values(d + "_login_rps"), values(d + "_login_p99"), values(d + "_round_libsodium_ms"),
                values(d + "_round_libsodiumTwoAtOnce_ms"))]


def login_rps(d):
    return median([x[0] for x in rounds(d)])


def round_ratios(d, bound_index, target):
    return by_rounds([x[0] / x[bound_index] for x in rounds(d)], 2, lambda v: v >= target)


def rate(prefix):
    rps, p99 = num(prefix + "_rps"), num(prefix + "_p99")
    return "-" if rps is None else f"{rps:,.0f} (p99 {p99:,.1f} ms)"


def kc_values(name):
    """Keycloak's figures from its turns in every database's rounds."""
    return [v for d in DBS for v in values(f"{d}_kc_{name}")]


def kc_rate(name):
    """Keycloak's median over all its rounds, with the number of rounds."""
    rps, p99 = median(kc_values(name + "_rps")), median(kc_values(name + "_p99"))
    return "-" if rps is None else f"{rps:,.0f} (p99 {p99:,.1f} ms; median of {len(kc_values(name + '_rps'))} rounds)"


def cpu(key):
    """CPU time per request, µs, by round: the server with its PostgreSQL backends, and the rest of the
    machine's busy time (wrk, the kernel), from what bench/run recorded around each wrk run."""
    own = [c + d for c, d in zip(values(key + "_cpu_us"), values(key + "_db_us"))]
    rest = [b * cores * 1e6 / n - o for b, n, o in zip(values(key + "_busy"), values(key + "_rps"), own) if n]
    return own, rest


def cpu_cell(keys, with_rest=True):
    figures = [cpu(k) for k in keys]
    own = [v for o, _ in figures for v in o]
    rest = [v for _, r in figures for v in r]
    return "-" if not own else fmt(median(own)) + (f"; {fmt(median(rest))}" if with_rest else "")


def cpu_ratio(kc_key, um_key):
    """Keycloak's CPU per request over Userman's, round by round (they run in turns)."""
    return by_rounds([k / u for k, u in zip(cpu(kc_key)[0], cpu(um_key)[0]) if u], 1)


rows = []


def row(label, cells, kc="", target=""):
    rows.append([label] + cells + ([kc] if KC else []) + [target])


bc_ms = num("jmh_bouncyCastle_ms")
kc_bound = None if bc_ms is None else cores * 1000 / bc_ms

row("HTTP floor: `GET /health/live`, req/s at 64 connections", [rate(d + "_live") for d in DBS])
row("`GET /api/v1/me`, access token, req/s", [rate(d + "_me") for d in DBS],
    "userinfo: " + kc_rate("userinfo"))
row("... ratio to the floor (each round's read against the floor measured just before it; median)",
    [paired(d + "_me_rps", d + "_live_rps", 2, lambda v: v >= 0.8) for d in DBS],
    "", "≥ 0.8")
row("... ratio to Keycloak's userinfo (each round's read against Keycloak's userinfo in the same round, the other"
    " server paused; median)", [paired(d + "_me_rps", d + "_kc_userinfo_rps", 1, lambda v: v >= 10) for d in DBS],
    "", "≥ 10")


def ceiling(d):
    # No handler outruns the server's floor: the floor over Keycloak's userinfo is the most the ratio
    # above can be in this run.
    vs = ratios(d + "_live_rps", d + "_kc_userinfo_rps")
    return by_rounds(vs, 1) + (" (10 is out of reach)" if vs and median(vs) < 10 else "")


if KC:
    row("... ceiling of that ratio: the HTTP floor / Keycloak's userinfo (by round, as above)", [ceiling(d) for d in DBS])
row("... CPU time per request, µs (median of the rounds): the server with its PostgreSQL backends; the rest of the"
    " machine's (wrk, the kernel's loopback)", [cpu_cell([d + "_me"]) for d in DBS],
    "userinfo: " + cpu_cell([d + "_kc_userinfo" for d in DBS]))
row("... the same for the HTTP floor", [cpu_cell([d + "_live"]) for d in DBS])
if KC:
    row("... Keycloak's CPU time per userinfo / Userman's per `/me` (server and database, by round)",
        [cpu_ratio(d + "_kc_userinfo", d + "_me") for d in DBS])
row("`GET /api/v1/me`, API key (`Authorization: Bearer`), req/s", [rate(d + "_key") for d in DBS])
row("... ratio to the floor (as above)", [paired(d + "_key_rps", d + "_live_rps", 2, lambda v: v >= 0.8) for d in DBS],
    "", "≥ 0.8")
# The OAuth rounds: "<db>_grant_*", "<db>_live_oauth_*" (the floor at the same connections) and
# "<db>_introspect_*", with Keycloak's "<db>_kc_grant_*" and "<db>_kc_introspect_*" in their turns.
OAUTH = any(values(d + "_grant_rps") for d in DBS)
if OAUTH:
    oc = r.get("oauth_connections", "?")
    row(f"Client credentials grant: `POST /oauth2/token`, `grant_type=client_credentials`, the client by HTTP Basic,"
        f" req/s at {oc} connections (median of the rounds)", [rate(d + "_grant") for d in DBS],
        "client credentials grant: " + kc_rate("grant"))
    row("... ratio to Keycloak's client credentials grant (each round's grants against Keycloak's right after them, the"
        " other server paused; median)", [paired(d + "_grant_rps", d + "_kc_grant_rps", 1, lambda v: v >= 3) for d in DBS],
        "", "≥ 3")
    row("... CPU time per grant, µs (median of the rounds): the server with its PostgreSQL backends; the rest of the"
        " machine's", [cpu_cell([d + "_grant"]) for d in DBS],
        "client credentials grant: " + cpu_cell([d + "_kc_grant" for d in DBS]))
    if KC:
        row("... Keycloak's CPU time per grant / Userman's (server and database, by round)",
            [cpu_ratio(d + "_kc_grant", d + "_grant") for d in DBS])
    row(f"HTTP floor at {oc} connections: `GET /health/live`, in each OAuth round right before the introspections, req/s",
        [rate(d + "_live_oauth") for d in DBS])
    row(f"Token introspection: `POST /oauth2/introspect` of a user's live access token by a service account (HTTP"
        f" Basic), req/s at {oc} connections (median of the rounds)", [rate(d + "_introspect") for d in DBS],
        "introspection: " + kc_rate("introspect"))
    row(f"... ratio to the HTTP floor at {oc} connections (each round's introspections against the floor measured just"
        " before them; median)",
        [paired(d + "_introspect_rps", d + "_live_oauth_rps", 2, lambda v: v >= 0.5) for d in DBS], "", "≥ 0.5")
    row("... ratio to the read rounds' HTTP floor at 64 connections (medians; measured minutes apart, so rougher)",
        [fmt(ratio(num(d + "_introspect_rps"), num(d + "_live_rps")), 2) for d in DBS])
    row("... ratio to Keycloak's introspection (each round's introspections against Keycloak's right after them, the"
        " other server paused; median)",
        [paired(d + "_introspect_rps", d + "_kc_introspect_rps", 1, lambda v: v >= 3) for d in DBS], "", "≥ 3")
    row("... CPU time per introspection, µs (median of the rounds): the server with its PostgreSQL backends; the rest of"
        " the machine's", [cpu_cell([d + "_introspect"]) for d in DBS],
        "introspection: " + cpu_cell([d + "_kc_introspect" for d in DBS]))
    if KC:
        row("... Keycloak's CPU time per introspection / Userman's (server and database, by round)",
            [cpu_ratio(d + "_kc_introspect", d + "_introspect") for d in DBS])
n_rounds = max([len(rounds(d)) for d in DBS] + [0])
row(f"Sign-in, correct password, {r['login_users']} users in turn, req/s at 16 connections (median of {n_rounds}"
    f" rounds of {r.get('login_secs', '?')} s)",
    ["-" if not rounds(d) else f"{login_rps(d):,.0f} (p99 {median([x[1] for x in rounds(d)]):,.1f} ms)" for d in DBS],
    "password grant: " + kc_rate("login"))
row("... hash bound: cores / one Argon2id hash (JMH, timed right before each round; median)",
    [f"{fmt(median([x[2] for x in rounds(d)]))} (libsodium)" for d in DBS],
    f"{fmt(kc_bound)} (Bouncy Castle)" if kc_bound else "")
row("... ratio to the hash bound (median of the rounds' ratios)", [round_ratios(d, 2, 0.9) for d in DBS],
    fmt(ratio(median(kc_values("login_rps")), kc_bound), 2) if KC else "", "≥ 0.9")
row("... hash bound with every core hashing: cores / one libsodium hash while the other cores hash too (JMH, "
    f"{cores} threads, timed with the one above; median)", [fmt(median([x[3] for x in rounds(d)])) for d in DBS])
row("... ratio to that bound", [round_ratios(d, 3, 0.9) for d in DBS], "", "≥ 0.9")
row("... the cores' share the server's hashing threads used during the sign-ins: the ratio to the hash bound with"
    " each hash timed as it ran in the round, on the cores it had (median of the rounds)",
    [by_rounds([v / cores for v in values(d + "_login_hash_cores")], 2) for d in DBS])
row("... the most the ratio to the hash bound can be here, before any work but hashing: one hash alone / one of"
    f" {cores} at once (median of the rounds)",
    ["-" if not rounds(d) else fmt(median([x[3] / x[2] for x in rounds(d)]), 2) for d in DBS])
row("... ratio to Keycloak's password grant (each round's sign-ins against Keycloak's password grants right after them;"
    " median)", [paired(d + "_login_rps", d + "_kc_login_rps", 1, lambda v: v >= 2) for d in DBS],
    "", "≥ 2")
row("... CPU time per sign-in, µs (median of the rounds): the server with its PostgreSQL backends",
    [cpu_cell([d + "_login"], False) for d in DBS], "password grant: " + cpu_cell([d + "_kc_login" for d in DBS], False))
if KC:
    row("... Keycloak's CPU time per password grant / Userman's per sign-in (server and database, by round)",
        [cpu_ratio(d + "_kc_login", d + "_login") for d in DBS])


def cheap_busy_us(d):
    """The machine's busy time (every core, every process) per sign-in at the cheapest Argon2id, µs, by round."""
    return [b * cores * 1e6 / n for b, n in zip(values(d + "_login_cheap_busy"), values(d + "_login_cheap_rps")) if n]


def cheap_ceiling(d):
    """One hash alone / (one of every core's at once + the rest of a sign-in's machine time): the most the ratio to
    the hash bound can be here with this sign-in's work besides the hash (medians of the rounds)."""
    h1 = median(values(d + "_round_libsodium_ms"))
    h2 = median(values(d + "_round_libsodiumTwoAtOnce_ms"))
    rest = median(cheap_busy_us(d))
    return None if None in (h1, h2, rest) else h1 / (h2 + rest / 1000)


if any(values(d + "_login_cheap_rps") for d in DBS):
    row("Sign-in as above with the cheapest Argon2id Userman accepts (8 KiB, one pass; the users' hashes and the"
        " server's setting at that cost), req/s at 16 connections (median of the rounds): the work besides the hash",
        [by_rounds(values(d + "_login_cheap_rps"), 0) for d in DBS])
    row("... the machine's busy time per such sign-in, µs (every core: server, database, wrk, kernel; median of the"
        " rounds)", [by_rounds(cheap_busy_us(d), 0) for d in DBS])
    row("... the most the ratio to the hash bound can be with that work: one hash alone / (one of "
        f"{cores} at once + that busy time); a sign-in at the real cost also runs its other work with caches the hash"
        " has emptied, so the real ceiling is lower", [fmt(cheap_ceiling(d), 2) for d in DBS])
row(f"Start-up to ready, median of {len(r.get(DBS[0] + '_start_runs', '').split()) if DBS else '-'}"
    f" ({int(r['users']):,} users), s",
    [checked(num(d + "_start_s"), 2, lambda v: v <= 1.0) for d in DBS],
    f"{fmt(num('kc_start_s'), 2)} (median of {len(r.get('kc_start_runs', '').split())}; first start with schema"
    f" creation {fmt(num('kc_first_start_s'), 1)})" if "kc_start_s" in r else "", "≤ 1 s")
row("... CPU time the process had used when ready (all threads), median s; of it the JIT compiler threads",
    [f"{fmt(num(d + '_start_cpu'), 2)}; {fmt(num(d + '_start_jit'), 2)}" if num(d + "_start_cpu") is not None else "-" for d in DBS])
row("... the same starts with the C1 compiler only (`-XX:TieredStopAtLevel=1`; a diagnosis, not how Userman runs), median s",
    [fmt(num(d + "_start_c1_s"), 2) for d in DBS])
row("RSS idle, 5 s after start-up, MiB", [checked(num(d + "_rss_idle"), 0, lambda v: v <= 128) for d in DBS],
    fmt(num("kc_rss_idle")), "≤ 128 MiB")
row("RSS after the load runs above, MiB", [checked(num(d + "_rss_load"), 0, lambda v: v <= 256) for d in DBS],
    fmt(num("kc_rss_load")), "≤ 256 MiB")


def memory_parts(d):
    parts = [(name, num(f"{d}_mem_{key}")) for name, key in (
        ("heap", "heap"), ("class metadata", "metadata"), ("compiled code", "code"), ("threads", "threads"),
        ("anonymous", "anonymous"), ("file-backed", "file"))]
    if all(v is None for _, v in parts):
        return "-"
    return "; ".join(f"{name} {fmt(v)}" for name, v in parts)


if any(num(d + "_mem_heap") is not None for d in DBS):
    row("... of it, as the JVM reports it right then, MiB (threads: a count): the heap committed, class metadata"
        " committed beside the AOT cache, compiled code; the resident set split into anonymous memory and file-backed"
        " pages (the AOT cache, libjvm, the jars)", [memory_parts(d) for d in DBS])
row("... Userman / Keycloak, idle and after load", [
    f"{fmt(ratio(num(d + '_rss_idle'), num('kc_rss_idle')), 2)} / {fmt(ratio(num(d + '_rss_load'), num('kc_rss_load')), 2)}"
    for d in DBS])
row(f"Bulk load of {int(r['scale']):,} users (JDBC batches), s",
    [checked(None if num(d + "_load_users_s") is None else num(d + "_load_users_s") + num(d + "_load_rest_s"), 1,
             lambda v: v <= 60 * int(r["scale"]) / 1_000_000) for d in DBS],
    "", "≤ 60 s per 1,000,000")
row(f"Admin listing over {int(r['scale']):,} users: `GET /api/v1/users?prefix=&limit=50` and its cursor pages,"
    " one admin paging (1 connection), p50 / p99 latency, ms", [
    "-" if num(d + "_list1_p99") is None else
    f"{fmt(num(d + '_list1_p50'), 1)} / " + checked(num(d + "_list1_p99"), 1, lambda v: v <= 10) for d in DBS],
    "", "p99 ≤ 10 ms")
row("... two admins at once (2 connections; wrk and the server keep the cores about 80% busy, so the p99 includes"
    " the CPU queue): req/s, p50 / p99 ms", [
    f"{fmt(num(d + '_list_rps'))}, {fmt(num(d + '_list_p50'), 1)} / {fmt(num(d + '_list_p99'), 1)}" for d in DBS])
if any(num(d + "_listsat_rps") is not None for d in DBS):
    row("... at 4 connections, where wrk and the server saturate the cores (throughput; the p99 is the CPU queue), req/s",
        [rate(d + "_listsat") for d in DBS])
row("... the same at 2 connections with `limit=20` (answers of about 6 KB instead of 15 KB): req/s, p50 / p99 ms", [
    "-" if num(d + "_list20_rps") is None else
    f"{fmt(num(d + '_list20_rps'))}, {fmt(num(d + '_list20_p50'), 1)} / {fmt(num(d + '_list20_p99'), 1)}" for d in DBS])
row("RSS after the listing runs, MiB", [fmt(num(d + "_rss_list")) for d in DBS])

head = ["measurement"] + [NAMES[d] for d in DBS] + ([f"Keycloak {r['kc_version']}, PostgreSQL"] if KC else []) + ["target"]
out = []
out.append("# Benchmark results (issue 6)")
out.append("")
out.append("Generated by `bench/run`; do not edit by hand. Every ratio is between figures of this one run.")
out.append("")
out.append(f"- date: {r['date']}; run: {r['mode']} ({r['secs']} s per measurement after {r['warmup']} s of warm-up"
           f" per server; the whole run took about {r.get('elapsed_min', '?')} min)")
out.append(f"- machine: {cores} cores ({r['cpu']}); JDK: {r['jdk']}")
out.append(f"- database: SQLite (embedded, the default) and PostgreSQL {r['postgres']} on the same machine (loopback)")
if r.get("note"):
    out.append(f"- conditions: {r['note']}")
if BASELINE:
    out.append(f"- this build: {r.get('head', '?')}; baseline (section \"Against the baseline\"): {r.get('baseline', '?')}")
if r.get("note_retry"):
    out.append(f"- retried after a failed wrk run (connection errors): {', '.join(many['note_retry'])}")
if many.get("load"):
    loads = sorted(float(v) for v in many["load"])
    out.append(f"- 1-minute load average: {r['load_start']} before the run; after each measurement between"
               f" {loads[0]:.1f} and {loads[-1]:.1f} (median {loads[len(loads) // 2]:.1f}) on {cores} cores")
out.append("- load generator: wrk on the same machine (2 threads), so client and server share the cores")
steal = [v for k in many if k.endswith("_steal") for v in values(k)]
if steal:
    out.append(f"- CPU time the hypervisor took from this machine (steal) during the measurements: median {median(steal):.1%},"
               f" at most {max(steal):.1%}")
out.append("")
out.append("| " + " | ".join(head) + " |")
out.append("|" + "---|" * len(head))
for cells in rows:
    out.append("| " + " | ".join(cells) + " |")
out.append("")
if BASELINE:
    def start_runs(key):
        return [float(v) for v in r.get(key, "").split()]

    def start_cell(d, key, check):
        vs = start_runs(f"{d}_{key}")
        m = median(vs)
        return "-" if m is None else (checked(m, 2, lambda v: v <= 1.0) if check else fmt(m, 2)) \
            + " (" + ", ".join(fmt(v, 2) for v in vs) + ")"

    base_rows = []
    for d in DBS:
        db = NAMES[d].split(", ")[1]
        base_rows.append(["Users in the database (rows of `users`)", db, fmt(num(d + "_baseline_users_count")),
                          fmt(num(d + "_users_count")), ""])
        base_rows.append([f"Start-up to ready, median of {len(start_runs(d + '_start_runs'))} starts taken in turns"
                          " (every start), s", db, start_cell(d, "baseline_start_runs", False),
                          start_cell(d, "start_runs", True),
                          by_rounds([c / b for b, c in zip(start_runs(d + "_baseline_start_runs"),
                                                           start_runs(d + "_start_runs")) if b], 2)])
        base_rows.append(["... CPU time the process had used when ready, median s", db,
                          fmt(num(d + "_baseline_start_cpu"), 2), fmt(num(d + "_start_cpu"), 2),
                          fmt(ratio(num(d + "_start_cpu"), num(d + "_baseline_start_cpu")), 2)])
        base_rows.append(["`GET /api/v1/me`, access token, req/s at 64 connections (median of the rounds)", db,
                          rate(d + "_baseline_me"), rate(d + "_me"), paired(d + "_me_rps", d + "_baseline_me_rps", 2, None)])
        base_rows.append([f"Sign-in, correct password, {r['login_users']} users in turn, req/s at 16 connections (median"
                          " of the rounds)", db, rate(d + "_baseline_login"), rate(d + "_login"),
                          paired(d + "_login_rps", d + "_baseline_login_rps", 2, None)])
    out.append("## Against the baseline")
    out.append("")
    out.append(f"This build ({r.get('head', '?')}) against the baseline {r.get('baseline', '?')}, built side by side"
               " and measured in this one run. On each database the baseline has its own copy of the users, loaded the same"
               " way; its start-ups alternate with this build's, one each in turn; it is warmed up as this build is"
               " and then paused (SIGSTOP), and in each round its `/me` reads and its sign-ins run right after this"
               " build's, the server not measured paused meanwhile, as Keycloak's do above. The ratio is this build's"
               " figure over the baseline's, pair by pair (the median, then every pair's): above 1 is faster for reads"
               " and sign-ins, below 1 is faster for start-ups.")
    out.append("")
    out.append("| measurement | database | baseline | this build | this build / baseline |")
    out.append("|---|---|---|---|---|")
    for cells in base_rows:
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
out.append("Argon2id at Userman's parameters (19 MiB, t=2, p=1, 32-byte hash), one hash on one thread under JMH,"
           " same JDK and heap flags as the server; the four implementations give the same bytes:")
out.append("")
out.append("| implementation | ms per hash | hashes/s per core |")
out.append("|---|---|---|")
for name, label in (("libsodium", "libsodium via lazysodium (Userman)"),
                    ("libargon2", "libargon2 via argon2-jvm (portable C without SIMD; Userman's before libsodium)"),
                    ("bouncyCastle", "Bouncy Castle (what Keycloak uses)"), ("password4j", "Password4j"),
                    ("libsodiumTwoAtOnce", f"libsodium, {cores} threads hashing at once (time per hash on each)")):
    ms = num(f"jmh_{name}_ms")
    if ms is not None:
        err = num(f"jmh_{name}_err")
        spread = "" if err is None or err != err else f" ± {err:.1f}"
        out.append(f"| {label} | {ms:.1f}{spread} | {1000 / ms:.1f} |")
out.append("")
out.append("How it was measured:")
out.append("")
out.append("- Userman runs with the launcher's defaults (`./userman serve`: `-XX:+UseSerialGC -Xms24m -Xmx160m -XX:TrimNativeHeapInterval=5000` with `MALLOC_ARENA_MAX=2`, and on"
           " JDK 25 the AOT cache its training run made: trained on a scratch SQLite database, loading the classes a start on PostgreSQL"
           " needs too) and **the rate limits off** (`USERMAN_LIMITS_ENABLED=false`): all load comes from one address and a few"
           " credentials, and the limits would answer 429 long before capacity.")
out.append(f"- Users are bulk-loaded by `bench/loader` with JDBC batches into the migrated schema. Hashing a million passwords"
           f" is out of reach, so four passwords are hashed once (libargon2, Userman's parameters; libsodium verifies them) and their hashes reused;"
           f" a sign-in still computes a full Argon2id verification. The load runs use {int(r['users']):,} users; the"
           f" listing runs {int(r['scale']):,}. On PostgreSQL the load ends with `VACUUM (ANALYZE)` (counted in its time), as"
           f" PostgreSQL's advice on populating a database asks: autovacuum, which would gather the planner's statistics"
           f" later, is {r.get('pg_autovacuum', 'unknown')} on this server.")
jit_keys = ([(NAMES[d], d + "_jit_extra") for d in DBS] + ([("Keycloak", "kc_jit_extra")] if KC else [])
            + [("the baseline on " + NAMES[d].split(", ")[1], d + "_baseline_jit_extra") for d in DBS])
extra = ", ".join(f"{name} {r[k]} s" for name, k in jit_keys if k in r)
if extra:
    oauth_warm = (f", and between them {int(r['warmup']) // 6} s each of client credentials grants and of"
                  " introspections" if OAUTH else "")
    out.append(f"- Warm-up: {r['warmup']} s of load on each server (half token-checked reads, half sign-ins{oauth_warm}), then more sign-ins"
               " 15 s at a time until the JIT compiler threads used under 0.2 s in the last 15 s (at most 150 s more),"
               f" so that no measurement pays for compiling; the extra sign-in warm-up took: {extra}.")
out.append("- Start-up: from process launch (`./userman serve`, `kc.sh start --optimized`) to the first 200 of"
           " `/health/ready` (Userman) or the master realm's OpenID configuration (Keycloak), polled every 10 ms;"
           " one unmeasured launch first. The CPU time is the JVM's user and system time when it first answered"
           " (from /proc), and the part of it its C1 and C2 compiler threads had used; on a machine of few cores, the"
           " compilers and the start share them.")
out.append("- Memory: RSS is the JVM's resident set (VmRSS) idle 5 s after a start, and right after the last round of"
           " sign-ins (\"after the load runs\"), when the node has served the warm-up, the reads, the OAuth rounds and the"
           " sign-ins. The budget of 256 MiB after load: the heap's ceiling of 160 MiB, which is what bounds it (between full"
           " collections the old generation fills with the read buffers of kept-alive connections, a chain that the young"
           " collections promote whole once one link is old, so it grows to any ceiling it is given: with the former 512 MiB"
           " it reached 600 MiB and more); about 80 MiB that the JVM itself maps (the AOT cache's classes, compiled code,"
           " class metadata, thread stacks, libjvm); native memory of SQLite, the JDBC drivers and the compilers, handed back"
           " every 5 s (`TrimNativeHeapInterval`) from two malloc arenas; and 19 MiB per password check in progress"
           " (libsodium maps it for the check and unmaps it after), at most one per core. The row below the RSS gives the"
           " parts as the JVM reported them when the RSS was read.")
out.append("- Hash bound: cores / (time of one libsodium hash from JMH); a sign-in verifies one hash, so the server"
           " cannot sign in more users per second than this. This machine's speed drifts within minutes, so Userman's"
           " sign-ins run in rounds, each right after a short JMH run (while the server idles) that times the hash"
           " alone and on every core at once; each round's ratio is to its own bound, and the table gives the median"
           " (the table of implementations below is the longer JMH run at the start). Keycloak's bound uses its own"
           " hasher, Bouncy Castle,"
           " timed under Userman's JVM flags; Keycloak runs it with G1 and its own heap, where it can be faster, so"
           " Keycloak's ratio can pass 1."
           " A hash alone on the machine is faster than one of several at once (the cores share the memory bus and the"
           " last-level cache, which 19 MiB overflows), so the same JMH run also times libsodium on every core at once:"
           " that bound is what the machine can actually hash per second.")
if any(values(d + "_login_cheap_rps") for d in DBS):
    out.append("- A sign-in's work besides the hash: after the sign-in rounds, the 200 users' passwords are hashed again at"
               " the cheapest Argon2id Userman accepts (8 KiB, one pass, some microseconds) and Userman restarts with"
               " that setting, is warmed up the same way and runs the same sign-ins (a session, a refresh token, an"
               " audit event and the last sign-in time written and committed, an access token signed). Dividing the"
               " machine's busy time by those sign-ins gives what a sign-in costs the machine besides its hash (that"
               " hash's microseconds stay in);"
               " adding one libsodium hash as JMH timed it with every core hashing gives the least a sign-in at the"
               " real cost can take, and so the most its ratio to the hash bound can be. It is still an upper bound:"
               " at the real cost the rest of a sign-in runs after each hash has swept 19 MiB through the caches.")
if KC:
    out.append(f"- Keycloak {r['kc_version']} in production mode (`kc.sh build --db=postgres --health-enabled=true --cache=local`, then"
               " `start --optimized`), its own heap defaults (`-Xms64m -Xmx512m`, G1), its own database on the same"
               " PostgreSQL server, a realm with a public client with direct access grants"
               f"{', a confidential client with its service account enabled' if OAUTH else ''}, 200 users, and the same"
               " warm-up as Userman, once, before Userman's runs; it is then paused (SIGSTOP) and resumed only for its"
               " turns: in each round of Userman's token-checked reads its userinfo runs after them,"
               f"{' in each OAuth round its grants and its introspections each right after Userman’s,' if OAUTH else ''}"
               " and in each round of"
               " sign-ins its password grant runs right after Userman's, with Userman paused meanwhile. So each"
               " Userman/Keycloak ratio compares figures taken seconds apart on an otherwise idle machine; Keycloak's"
               " column gives the median of its rounds on both databases, its start-ups were timed before Userman's runs."
               f" Before each database's rounds it gets {int(r['warmup']) // 6} s more of userinfo"
               f"{', of client credentials grants, of introspections' if OAUTH else ''} and of password grants,"
               " as Userman has just had its warm-up."
               " Its password policy is `hashAlgorithm(argon2) and hashIterations(2)` with the"
               " argon2 provider set to 19456 KiB, parallelism 1, 32 bytes; the stored credential of a user reads:"
               f" {r.get('kc_credential', 'not read')}.")
    out.append("- CPU time per request: the CPU time the measured server's process (and, on PostgreSQL, all of the"
               " PostgreSQL server's processes) used from just before to just after the wrk run, over the requests wrk"
               " completed; \"the rest of the machine's\" is the machine's busy time (from /proc/stat) less that, per"
               " request: mostly wrk and the kernel. The requests still in flight when wrk stops are in the CPU time and"
               " not in the count: at 16 connections that is up to 16 sign-ins' work, some 2% of Userman's and 7% of"
               " Keycloak's in a round. For sign-ins the rest is smaller than the two clocks' disagreement and is not"
               " given.")
    out.append("- Keycloak's userinfo and password grant are compared with Userman's `GET /api/v1/me` and sign-in: both"
               " check a bearer token and its session, load the user; both verify an Argon2id password and create a session.")
if OAUTH:
    algs = ", ".join(sorted({r[d + "_grant_alg"] for d in DBS if d + "_grant_alg" in r})) or "?"
    kc_algs = (f"; Keycloak signs with its realm's default, {r.get('kc_grant_alg', '?')} (its users' tokens too:"
               f" {r.get('kc_user_token_alg', '?')})") if KC else ""
    lens = ", ".join(f"{NAMES[d]} {r[d + '_introspected_len']}" for d in DBS if d + "_introspected_len" in r)
    kc_len = ", Keycloak " + ", ".join(many["kc_introspected_len"]) if KC and "kc_introspected_len" in r else ""
    out.append(f"- OAuth 2.0 rounds, after the token-checked reads and as many, each measurement as long as one of theirs,"
               f" all at {r.get('oauth_connections', '?')} connections: client credentials grants (`grant_type=client_credentials`,"
               " the client authenticated by HTTP Basic, no scope asked), then the HTTP floor, then introspections of a"
               " user's access token (taken by a sign-in just before the rounds; the introspecting client by HTTP Basic)."
               " Userman's client is a service account without roles with one client secret, made by"
               " `userman service-accounts create bench-service --secret` on each database"
               + (f"; Keycloak's is the confidential client `bench-service` (client secret, service account enabled)"
                  f" of its realm, created through the admin REST API, introspecting a token of user0000000 from a"
                  f" password grant on the public client; Keycloak answers a client only about tokens that name it"
                  f" in their audience, so an audience mapper on the public client adds `bench-service` to its users'"
                  f" access tokens (those of the userinfo rounds too)" if KC else "") + "."
               " Every answer was 2xx (wrk's count), and a curl before and after each database's rounds found the"
               " introspected token active (`\"active\": true`), so the introspections answered with the token's claims."
               f" Granted tokens: Userman signs them {algs}{kc_algs}. Length of the introspected tokens, characters"
               f" (the form's size): {lens}{kc_len}."
               " No rate limit applied (they are off, as above). The baseline has no turns in these rounds.")
out.append("")
print("\n".join(out))
