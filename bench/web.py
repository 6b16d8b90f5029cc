"""The web app over real HTTP on a big court: the clerk's worklist page (``GET /tugas``) and
the supervisor's overdue page (``GET /pengawasan``), beside their JSON API equivalents
(``GET /api/tasks``, ``GET /api/overdue``, with a bearer token), and finding cases (``GET
/perkara`` by register number, service number, a name, SOP and dates; the supervisor's
look-up box; ``GET /api/cases``), on SQLite and then PostgreSQL (when its server can be
reached) in one run, finding cases printed side by side.

The court is ``bench/overdue.py``'s: 1M cases, 100k open steps, about one in seven overdue
(quick: 100k cases, 10k open steps), generated once, its projections bulk-loaded into a
SQLite file in a temporary directory and into a fresh PostgreSQL database (dropped at the
end), each set up by ``sop init`` first. PostgreSQL gets ``VACUUM ANALYZE`` after the load:
what autovacuum does to a table that grew by inserts, so its index-only scans read no
table pages (right after a bulk load, without it, a name's search visits the table's pages
for every word's entry). A clerk (``rina.ptsp``, Petugas PTSP) and a
supervisor (``bambang.panitera``, Panitera) get a password and an API token.

The app runs in uvicorn in a separate process (``bench/_webapp.py``: ``create_app`` as
``sop serve`` builds it, one worker, log level warning) on a clock stopped at the moment the
data is generated around. The pages are signed in to through the sign-in form (``GET`` then
``POST /masuk``) and asked with the session cookie; the API with ``Authorization: Bearer``.
One client (httpx, one keep-alive connection) asks each endpoint back to back: a warm-up,
then ``REQUESTS`` timed requests (``time.perf_counter`` around each, the whole answer read;
an endpoint slower than ``BUDGET_S`` for them all stops early, after ``MIN_REQUESTS``).
A single user, so req/s is 1 / mean latency, not the server's capacity under load. The
server's CPU time per request (from /proc) is printed beside: on a machine that other work
keeps busy the latencies grow, the CPU time much less.

Tracking a request from outside (``POST /lacak``, the public page, and ``POST /api/lacak``,
no sign-in), with a right number and code: every generated case gets a tracking code's digest
(bulk-loaded, so the table holds 1M rows), and ``TRACKED`` requests are made through the
service as a desk makes them (started, two steps done) on top of the generated court; those
have a log in ``events`` (the generated cases have projections only: a request's log is read
by its case's index, whatever the table's size). Successful tries are not counted by the
limit per address, so one client may ask again and again.

An endpoint that does not answer 200 (a page not written yet) is reported with its status
instead of figures. Ends with the worst p95 of the pages and of finding cases on each
backend, and the p95 of ``/lacak`` on a line of its own. Goal: p95 < 100 ms.
"""

from __future__ import annotations

import gc
import math
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from _common import DEFINITIONS, QUICK, Backend, backends, machine, table
from overdue import NOW, Data, activities, generate, load

from sop_runtime.gcpause import gc_paused
from sop_runtime.service import auth, setup
from sop_runtime.service.runtime import Runtime

REQUESTS = 100 if QUICK else 300
WARMUP = 10 if QUICK else 30
# a slow endpoint stops early, after at least MIN_REQUESTS, once its timed requests took
# BUDGET_S (the table's "requests" says how many were made)
BUDGET_S = 4.0 if QUICK else 60.0
MIN_REQUESTS = 20 if QUICK else 50
GOAL_MS = 100.0
CLERK = "rina.ptsp"              # Petugas PTSP, the front desk
SUPERVISOR = "bambang.panitera"  # Panitera, a supervisor (pengawas)
PASSWORD = "bench-kata-sandi-2026"
HOST = "127.0.0.1"
STARTUP_S = 60.0
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Endpoint:
    label: str
    path: str
    headers: dict[str, str]
    status: int = 200  # the answer expected (303: a redirect, not followed)
    form: dict[str, str] | None = None  # a POST: the form's fields, or the JSON body
    body: dict[str, str] | None = None

    def ask(self, client: httpx.Client) -> httpx.Response:
        if self.form is not None:
            return client.post(self.path, data=self.form, headers=self.headers)
        if self.body is not None:
            return client.post(self.path, json=self.body, headers=self.headers)
        return client.get(self.path, headers=self.headers)


@dataclass
class Result:
    endpoint: Endpoint
    status: int
    times: list[float]     # seconds, one per timed request
    wall: float            # seconds for all timed requests, back to back
    size: int              # bytes of the answer's body
    rows: int
    server_cpu: float | None = None  # the server process's CPU seconds for the timed requests
    first: float = 0.0     # seconds for the endpoint's first request (nothing kept yet)


def prepare(backend: Backend, data: Data) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``sop init``, passwords and API tokens for the clerk and the supervisor, then the
    bulk load with a tracking code's digest for every case, then the requests made through
    the service: the tokens by username, and (number, tracking code) of those requests."""
    rt = Runtime.open(backend.url, clock=lambda: NOW)
    setup.init(rt, DEFINITIONS)
    tokens = {}
    for who in (CLERK, SUPERVISOR):
        auth.set_password(rt, who, PASSWORD)
        tokens[who] = auth.issue_token(rt, who, "bench")
    rt.engine.dispose()
    load_s = load(backend, data, "VACUUM ANALYZE", extra=[tracking_digests(data)])
    print(f"{backend.name}: loaded in {load_s:.1f} s")
    return tokens, requests_at_the_desk(backend)


TRACKED = 10  # requests made through the service, each with its log and tracking code
LEGALISATION = "legalisasi-waarmerking"
RECEIVED = {"surat_permohonan_legalisasi_waarmerking": "Permohonan",
            "surat_akta_di_bawah_tangan": "Perjanjian", "permohonan_waarmerking_diterima": "Ya"}
CHECKED = {"permohonan_waarmerking_telah_diteliti": "Lengkap"}


def tracking_digests(data: Data) -> tuple[str, tuple[str, ...], list[tuple[object, ...]]]:
    """The ``tracking_codes`` rows of the generated cases (each a digest of a code nobody
    keeps), for the bulk load."""
    from sop_runtime.service.tracking_code import digest, new_code

    rows: list[tuple[object, ...]] = [(c[0], digest(c[0], new_code()), c[4])
                                      for c in data.cases]
    return "tracking_codes", ("case_id", "digest", "issued_at"), rows


def requests_at_the_desk(backend: Backend) -> list[tuple[str, str]]:
    """:data:`TRACKED` legalisations started at the desk and two steps done, through the
    service, before ``NOW``: (number, tracking code) of each."""
    from datetime import timedelta

    from sop_runtime.service import cases

    moment = [NOW - timedelta(hours=3)]
    rt = Runtime.open(backend.url, clock=lambda: moment[0])
    made = []
    for _ in range(TRACKED):
        out = cases.start_case(rt, LEGALISATION, CLERK)
        assert out.tracking_code is not None
        moment[0] += timedelta(minutes=5)
        cases.complete(rt, out.case_id, "1", CLERK, values=RECEIVED)
        cases.complete(rt, out.case_id, "2", "ridwan.panmudhkm", values=CHECKED)
        made.append((out.case_id, out.tracking_code))
    rt.engine.dispose()
    return made


def clerk_share(data: Data) -> tuple[int, int]:
    """Open steps the clerk may take (of their roles and not assigned to someone else, or
    assigned to them) and how many of those are overdue, from the generated rows."""
    _, holders = activities()
    roles = {role for role, users in holders.items() if CLERK in users}
    now = NOW
    seen: set[tuple[str, str, int]] = set()
    late = 0
    for step in data.steps:  # in the order of overdue.STEP_COLUMNS
        key, role, assignee, due = (step[0], step[1], step[2]), step[3], step[6], step[9]
        if key in seen or not (assignee == CLERK or (assignee is None and role in roles)):
            continue
        seen.add(key)
        late += due is not None and due < now
    return len(seen), late


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def start_server(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOP_DATABASE_URL": url, "SOP_BENCH_NOW": NOW.isoformat()}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(BENCH),
             "_webapp:app", "--host", HOST, "--port", str(port), "--workers", "1",
             "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_until_up(client: httpx.Client, server: subprocess.Popen[bytes], log: Path) -> float:
    """Poll /api/health until it answers; seconds since the process started."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < STARTUP_S:
        if server.poll() is not None:
            sys.exit(f"uvicorn stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if client.get("/api/health").status_code == 200:
                return time.perf_counter() - t0
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    sys.exit(f"uvicorn did not answer within {STARTUP_S:.0f} s:\n{log.read_text()[-3000:]}")


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def sign_in(base: str, username: str) -> str:
    """The session cookie's value, through the sign-in form as a browser does it."""
    with httpx.Client(base_url=base, follow_redirects=False) as browser:
        form = browser.get("/masuk")
        found = _CSRF.search(form.text)
        if form.status_code != 200 or found is None:
            sys.exit(f"sign-in form: {form.status_code}, no csrf field")
        done = browser.post("/masuk", data={"username": username, "password": PASSWORD,
                                            "csrf": found.group(1), "lanjut": "/"})
        cookie = done.cookies.get("sop_sesi")
        if done.status_code != 303 or cookie is None:
            sys.exit(f"sign-in as {username}: {done.status_code}, no session cookie")
        return cookie


def rows_of(response: httpx.Response) -> int:
    """List entries in an answer: a JSON list's items, an HTML page's table body rows."""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        return len(body) if isinstance(body, list) else 1
    html = response.text
    return html.count("<tr") - html.count("<thead")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid`` (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(client: httpx.Client, endpoint: Endpoint, server: int) -> Result:
    t_first = time.perf_counter()
    first = endpoint.ask(client)
    first_s = time.perf_counter() - t_first
    if first.status_code != endpoint.status:
        return Result(endpoint, first.status_code, [], 0.0, len(first.content), 0)
    warm0 = time.perf_counter()
    for _ in range(WARMUP):
        endpoint.ask(client)
        if time.perf_counter() - warm0 > BUDGET_S / 10:
            break
    times: list[float] = []
    size = 0
    cpu0 = cpu_seconds(server)
    wall0 = time.perf_counter()
    while len(times) < REQUESTS and (len(times) < MIN_REQUESTS
                                     or time.perf_counter() - wall0 < BUDGET_S):
        t0 = time.perf_counter()
        response = endpoint.ask(client)
        size = len(response.content)
        times.append(time.perf_counter() - t0)
        if response.status_code != endpoint.status:
            sys.exit(f"{endpoint.path}: {response.status_code} during the timed run")
    wall = time.perf_counter() - wall0
    cpu1 = cpu_seconds(server)
    return Result(endpoint, endpoint.status, times, wall, size, rows_of(first),
                  None if cpu0 is None or cpu1 is None else cpu1 - cpu0, first_s)


def percentile(times: list[float], q: float) -> float:
    """Nearest rank, in ms."""
    ordered = sorted(times)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


def row(r: Result) -> list[str]:
    if r.status != r.endpoint.status:
        return [r.endpoint.label, "-", "-", "-", "-", "-", "-", f"HTTP {r.status}", "-", "-"]
    cpu = "-" if r.server_cpu is None else f"{r.server_cpu / len(r.times) * 1000:.1f}"
    return [r.endpoint.label, f"{len(r.times)}", f"{len(r.times) / r.wall:.1f}",
            f"{percentile(r.times, 0.50):.1f}", f"{percentile(r.times, 0.95):.1f}",
            f"{percentile(r.times, 0.99):.1f}", f"{r.first * 1000:.1f}",
            f"{r.size / 1000:.1f} kB", f"{r.rows}", cpu]


def sample(data: Data) -> tuple[str, str]:
    """A case of 2020 the clerk may read (not a complaint) with a register number: its
    service number and register number."""
    for case in data.cases:
        if case[0].startswith("SNN-2020-") and case[1] != "pengaduan-siwas" and case[14]:
            return case[0], case[14]
    raise SystemExit("no case of 2020 with a register number in the generated data")


def search_endpoints(clerk: dict[str, str], chief: dict[str, str], token: str,
                     case: tuple[str, str]) -> list[Endpoint]:
    """Finding cases (the first page of 25, newest first): by register number, by service
    number, by a family name ~1 case in 40 carries, by a first and a family name, by SOP,
    status and a month's dates; the supervisor's look-up box opening the one case a register
    number names (its redirect); the same search through the API."""
    case_id, register_number = case
    number = quote(register_number)
    return [
        Endpoint(f"GET /perkara?q=<nomor perkara> ({CLERK})", f"/perkara?q={number}", clerk),
        Endpoint(f"GET /perkara?q=<nomor layanan> ({CLERK})", f"/perkara?q={case_id}",
                 clerk),
        Endpoint(f"GET /perkara?q=umasugi ({CLERK})", "/perkara?q=umasugi", clerk),
        Endpoint(f"GET /perkara?q=budi+umasugi ({CLERK})", "/perkara?q=budi+umasugi", clerk),
        Endpoint(f"GET /perkara?sop&status&dari&sampai ({CLERK})",
                 "/perkara?sop=salinan-putusan&status=selesai&dari=2020-01-01"
                 "&sampai=2020-12-31", clerk),
        Endpoint(f"GET /pengawasan/perkara?perkara=<nomor perkara> ({SUPERVISOR})",
                 f"/pengawasan/perkara?perkara={number}", chief, status=303),
        Endpoint(f"GET /api/cases?q=umasugi ({CLERK})", "/api/cases?q=umasugi",
                 {"Authorization": f"Bearer {token}"}),
    ]


def tracking_endpoints(tracked: list[tuple[str, str]]) -> list[Endpoint]:
    """A request followed from outside, no sign-in: the page and the API."""
    number, code = tracked[len(tracked) // 2]
    asked = {"nomor": number, "kode": code}
    return [Endpoint("POST /lacak (publik)", "/lacak", {}, form=asked),
            Endpoint("POST /api/lacak (publik)", "/api/lacak", {}, body=asked)]


def run(backend: Backend, data: Data, case: tuple[str, str]) -> list[Result]:
    """Load the court into ``backend``, serve it and measure every endpoint."""
    with tempfile.TemporaryDirectory() as scratch:
        tokens, tracked = prepare(backend, data)
        gc.collect()
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = Path(scratch) / "uvicorn.log"
        server = start_server(backend.url, port, log)
        try:
            with httpx.Client(base_url=base, timeout=60.0) as client:
                up_s = wait_until_up(client, server, log)
                print(f"{backend.name}: uvicorn answered {up_s:.1f} s after starting; "
                      f"{machine()}")
                clerk = {"Cookie": f"sop_sesi={sign_in(base, CLERK)}"}
                chief = {"Cookie": f"sop_sesi={sign_in(base, SUPERVISOR)}"}
                endpoints = [
                    Endpoint(f"GET /tugas ({CLERK})", "/tugas", clerk),
                    Endpoint(f"GET /api/tasks ({CLERK})", "/api/tasks",
                             {"Authorization": f"Bearer {tokens[CLERK]}"}),
                    Endpoint(f"GET /pengawasan ({SUPERVISOR})", "/pengawasan", chief),
                    Endpoint(f"GET /api/overdue ({SUPERVISOR})", "/api/overdue",
                             {"Authorization": f"Bearer {tokens[SUPERVISOR]}"}),
                    *search_endpoints(clerk, chief, tokens[CLERK], case),
                    *tracking_endpoints(tracked),
                ]
                results = [measure(client, e, server.pid) for e in endpoints]
            if any(r.status >= 500 for r in results):
                print(f"uvicorn's log:\n{log.read_text()[-5000:]}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return results


def searches(results: list[Result]) -> list[Result]:
    return [r for r in results
            if "perkara" in r.endpoint.path or "/api/cases" in r.endpoint.path]


def side_by_side(found: dict[str, list[Result]]) -> str:
    """Finding cases on each backend: p50 / p95 and the server's CPU per request."""
    names = list(found)
    header = ["finding cases", *(f"{n} p50 / p95 ms (CPU ms)" for n in names)]
    rows = []
    for i, first in enumerate(searches(found[names[0]])):
        cells = [first.endpoint.label]
        for n in names:
            r = searches(found[n])[i]
            if r.status != r.endpoint.status:
                cells.append(f"HTTP {r.status}")
                continue
            cpu = "-" if r.server_cpu is None else f"{r.server_cpu / len(r.times) * 1000:.1f}"
            cells.append(f"{percentile(r.times, 0.50):.1f} / {percentile(r.times, 0.95):.1f}"
                         f" ({cpu})")
        rows.append(cells)
    return table(header, rows)


def main() -> None:
    t_start = time.perf_counter()
    with gc_paused():
        data = generate()
    gc.freeze()  # the harness's million rows stay out of the collector's scans
    mine, mine_late = clerk_share(data)
    case = sample(data)
    print(f"{'quick' if QUICK else 'full'} run: {len(data.cases):,} cases, "
          f"{data.open_steps:,} open steps ({len(data.steps):,} role rows), "
          f"{data.overdue_steps:,} overdue at {NOW.isoformat()}; SQLite and PostgreSQL; "
          f"{CLERK} may take {mine:,} of them ({mine_late:,} overdue); generated in "
          f"{time.perf_counter() - t_start:.1f} s")
    print(f"{machine()}; one client, one keep-alive connection, requests back to back; "
          f"{WARMUP} warm-up + {REQUESTS} timed requests per endpoint (at most "
          f"{BUDGET_S:.0f} s of them, at least {MIN_REQUESTS})")
    found: dict[str, list[Result]] = {}
    with backends("web") as stores:
        for backend in stores:
            found[backend.name] = run(backend, data, case)
    header = ["endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "first ms",
              "answer size", "rows", "server CPU ms/req"]
    for name, results in found.items():
        print(f"\n{name}")
        print(table(header, [row(r) for r in results]))
        for r in results:
            if r.status != r.endpoint.status:
                print(f"{r.endpoint.path} answered HTTP {r.status}: not measured")
    print("first ms: the endpoint's first request; /pengawasan counts every open step then, "
          "and again only when an event is recorded or the minute turns (the server's clock "
          "runs on from the data's moment)")
    print()
    print(side_by_side(found))
    print(f"\nrun took {time.perf_counter() - t_start:.0f} s; goal: p95 < {GOAL_MS:.0f} ms "
          "(one user)")
    for name, results in found.items():
        pages = [(percentile(r.times, 0.95), r.endpoint.path) for r in results
                 if r.times and not r.endpoint.path.startswith("/api")]
        if pages:
            worst = max(pages)
            print(f"{name}: worst page p95 ({worst[1]}): {worst[0]:.1f} ms")
        asked = [(percentile(r.times, 0.95), r.endpoint.label) for r in searches(results)
                 if r.times]
        if asked:
            worst = max(asked)
            print(f"{name}: worst case search p95 ({worst[1]}): {worst[0]:.1f} ms")
        for r in results:
            if r.times and r.endpoint.path == "/lacak":
                print(f"{name}: /lacak p95: {percentile(r.times, 0.95):.1f} ms")


if __name__ == "__main__":
    main()
