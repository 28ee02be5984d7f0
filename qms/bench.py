"""`make bench`: performance figures, printed, never asserted. Runs in a throw-away database
(SQLite under a temporary directory, or DATABASE_URL's server with a `_bench` database).

Each app may contribute scenarios in `<app>/bench.py` as `SCENARIOS: list[Callable[[Bench], None]]`.

`make bench-scale` (`python -m qms.bench --scale`) runs with DEBUG off the apps' `SCALE_SCENARIOS` instead:
scale data written with bulk_create (issue 15: 100,000 open review actions, 20,000 tickets over 10 years),
then each sweep's first run and "all already claimed" run and the 20,000-ticket export, each timed once
with its query count; the figures go to docs/performance.md beside the issue's before table, with the
machine they were taken on."""

from __future__ import annotations

import importlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable


class Bench:
    def __init__(self) -> None:
        self.results: list[tuple[str, float, int, str]] = []  # label, ms, queries, note

    def once(self, label: str, function: Callable[[], object], *, note: str = "") -> object:
        """One timed run of something that changes the data (a sweep's first run) with its query count."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            value = function()
            ms = (time.perf_counter() - start) * 1000
        detail = f"{note}, " if note else ""
        print(f"  {label:<58} {ms:9.0f} ms once  {detail}{len(queries)} queries", flush=True)
        self.results.append((label, ms, len(queries), note))
        return value

    def measure(self, label: str, function: Callable[[], object], *, repeat: int = 15, detail: str = "") -> float:
        function()  # warm caches, templates and imports
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            function()
            samples.append((time.perf_counter() - start) * 1000)
        median = statistics.median(samples)
        print(f"  {label:<58} {median:9.2f} ms median of {repeat}  {detail}", flush=True)
        return median

    def page(self, client, url: str, label: str, *, repeat: int = 15) -> None:
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        reset_queries()  # the query log is a bounded deque: counting is wrong once it is full
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self.measure(label, lambda: client.get(url), repeat=repeat, detail=f"{len(queries)} queries, {len(response.content) // 1024} KiB")

    def versus_floor(self, client, url: str, label: str, *, repeat: int = 15, secure: bool = True) -> float:
        """A page measured interleaved with FLOOR and BARE (qms/bench_urls.py, which main() installs for
        --scale): each round times the three one after the other, so a busy machine slows all three alike.
        Prints and records the page's median in ms, its ratio to FLOOR's median and its query count (counted
        by an execute wrapper: the test client's request signals empty the query log)."""
        from django.db import connection

        def timed(target: str) -> float:
            start = time.perf_counter()
            response = client.get(target, secure=secure)
            ms = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (target, response.status_code)
            return ms

        executed: list[str] = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        for target in ("/bench/floor/", "/bench/bare/", url):
            timed(target)  # warm caches, templates and imports
        with connection.execute_wrapper(count):
            size = len(client.get(url, secure=secure).content)
        samples: dict[str, list[float]] = {"floor": [], "bare": [], "page": []}
        for _ in range(repeat):
            samples["floor"].append(timed("/bench/floor/"))
            samples["bare"].append(timed("/bench/bare/"))
            samples["page"].append(timed(url))
        floor, bare, page = (statistics.median(samples[key]) for key in ("floor", "bare", "page"))
        ratio = page / floor
        print(
            f"  {label:<58} {page:9.2f} ms  {ratio:5.1f}× FLOOR ({floor:.2f} ms; BARE {bare:.2f} ms)  {len(executed)} queries, {size // 1024} KiB",
            flush=True,
        )
        note = f"{ratio:.1f}× FLOOR ({floor:.1f} ms), BARE {bare:.1f} ms; median of {repeat}, interleaved; {size // 1024} KiB"
        self.results.append((label, page, len(executed), note))
        return page


def _core_scenarios(bench: Bench) -> None:
    import datetime as dt

    from qms.services import document_number_next
    from qms.tests.factories import default_organisation
    from qms.workdays import add_working_days, working_days_between

    organisation = default_organisation()
    print("core")
    bench.measure("add_working_days(1 Feb 2027, 3) across Tết", lambda: add_working_days(dt.date(2027, 2, 1), 3), repeat=200)
    bench.measure("working_days_between over a year", lambda: working_days_between(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), repeat=50)
    bench.measure(
        "document_number_next (locked counter)",
        lambda: document_number_next(organisation=organisation, series="bench", year=2026),
        repeat=100,
    )


def _province_scenarios(bench: Bench) -> None:
    """A province (QMS_BENCH_AGENCIES agencies, default 250, × 40 users; QMS_BENCH_YEARS years of records,
    default 10, written by each app's `fill_province`): the overview and the busiest pages at that size."""
    import datetime as dt

    from django.test import Client

    from qms.models import Organisation, Unit, User
    from qms.roles import Role
    from qms.tests.factories import OrganisationFactory, UserFactory

    total = int(os.environ.get("QMS_BENCH_AGENCIES", "250"))
    this_year = dt.date.today().year
    years = range(this_year - int(os.environ.get("QMS_BENCH_YEARS", "10")) + 1, this_year + 1)
    print(f"province: {total} agencies × 40 users, {len(years)} years of records")
    oversight = OrganisationFactory.create(code="bench-oversight", kind="oversight")
    overseer = UserFactory.create(username="bench-overseer", unit=None, organisation=oversight, roles=[Role.OVERSEER])
    client = Client()
    client.force_login(overseer)
    made = 0
    for target in sorted({min(10, total), min(50, total), total}):
        start = time.perf_counter()
        new = Organisation.objects.bulk_create([Organisation(code=f"bench-agency-{n}", name=f"Sở bench {n}") for n in range(made, target)])
        units = {
            u.organisation_id: u for u in Unit.objects.bulk_create([Unit(organisation=org, code="VP", name="Văn phòng") for org in new])
        }
        people = User.objects.bulk_create(
            [User(username=f"bench-{org.pk}-{i}", organisation=org, unit=units[org.pk]) for org in new for i in range(40)], batch_size=5000
        )
        authors = {user.organisation_id: user for user in people}
        rows = []
        for app in ("reviews", "corrective_actions", "objectives"):
            fill = getattr(importlib.import_module(f"{app}.bench"), "fill_province", None)
            if fill is not None:
                rows.append(f"{app} {fill(new, years, units, authors)}")
        made = target
        print(f"  +{len(new)} agencies in {time.perf_counter() - start:.1f} s ({', '.join(rows)})")
        bench.page(client, f"/overview/?year={this_year - 1}", f"GET /overview/ with {target} agencies", repeat=5)
    bench.page(client, "/reviews/", f"GET /reviews/ (overseer, {total} agencies)", repeat=5)
    bench.page(client, "/corrective-actions/", f"GET /corrective-actions/ (overseer, {total} agencies)", repeat=5)
    bench.page(client, "/objectives/", f"GET /objectives/ (overseer, {total} agencies)", repeat=5)
    agency = Organisation.objects.get(code="bench-agency-0")
    bench.page(client, f"/reviews/?organisation={agency.pk}&year={this_year - 1}", "GET /reviews/?organisation= (drill-down)", repeat=5)
    secretary = UserFactory.create(username="bench-agency-secretary", unit=Unit.objects.get(organisation=agency), roles=[Role.SECRETARY])
    client.force_login(secretary)
    bench.page(client, "/", "GET / (an agency's secretary in the province)", repeat=5)
    bench.page(client, "/corrective-actions/", "GET /corrective-actions/ (an agency's secretary)", repeat=5)


BEFORE = """| page or task (issue 15, before) | ms | × FLOOR | queries |
| --- | --- | --- | --- |
| home secretary / committee head / unit head | 12.6 / 16.0 / 16.4 | 3.2 / 4.0 / 4.1 | 10 / 12 / 14 |
| /reviews/ · review detail | 14.7 · 25.8 | 3.6 · 6.3 | 9 · 24 |
| /corrective-actions/ · ?unit= · ?page=50 | 32 · 34 · 36 | 7.5 · 8.0 · 8.3 | 10–11 |
| /corrective-actions/?q=… (text search) | 155 | 34 | 10 |
| my work (committee head: 1,682 tickets, no paging, 622 KiB) | 222 | 42 | 7 |
| /objectives/ (the year's tree built 3 times, 22,338 objects) | 539 | 113 | 28 |
| export.xlsx, 20,000 tickets | 7,392 | 1,015 | 6 |
| review-action sweep, 100,013 candidates: first run · all claimed | 174,000 · 170,000 | | 204,400 |
| ticket sweep, 20,000 tickets: first run · all claimed | 36,000 · 9,200 | | 27,910 · 15,002 |
"""


def _machine() -> str:
    import platform

    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    return f"{os.cpu_count()} × {cpu}; {platform.system()} {platform.release()}; Python {sys.version.split()[0]}; {connection.vendor} {version}"


# Issue 15's targets for the tasks this run measures (ms): met or not, with the figure.
TARGETS = {"first run": 10_000, "all claimed": 1_000, "export.xlsx": 1_500}


def _target(label: str, ms: float) -> str:
    for key, limit in TARGETS.items():
        if key in label:
            return f"≤ {limit:,} ms: {'met' if ms <= limit else f'**not met** ({ms:,.0f} ms)'}"
    return ""


def _write_report(bench: Bench, path: str) -> None:
    from django.conf import settings
    from django.utils import timezone

    lines = [
        "# Performance at scale",
        "",
        f"Written by `make bench-scale` on {timezone.now():%Y-%m-%d %H:%M} UTC; DEBUG {'on' if settings.DEBUG else 'off'}.",
        f"Machine: {_machine()}; load average at the end of the run {os.getloadavg()[0]:.1f} (other jobs share the machine).",
        "",
        "## Before (issue 15, PostgreSQL, DEBUG off)",
        "",
        BEFORE,
        "## After (this run; each figure one run, the data written with bulk_create)",
        "",
        "| task | ms | queries | note | issue 15 target |",
        "| --- | --- | --- | --- | --- |",
        *[
            f"| {label} | {ms:,.0f} | {queries if queries >= 0 else '—'} | {note} | {_target(label, ms)} |"
            for label, ms, queries, note in bench.results
        ],
        "",
        "## Not measured by this run",
        "",
        "The ticket pages and the home pages (over tickets) are measured against FLOOR and BARE (qms/bench_urls.py).",
        "/reviews/ and a review, /objectives/ at scale, PDFs against the WeasyPrint floor and gunicorn throughput are not in",
        "`make bench-scale` yet: their targets are neither shown met nor not met here. `make bench` still prints",
        "pages and PDFs at its smaller sizes.",
        "",
    ]
    with open(path, "w") as handle:
        handle.write("\n".join(lines))
    print(f"wrote {path}")


def main() -> None:
    scale = "--scale" in sys.argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")
    if scale:  # production settings: DEBUG off (a throw-away key for this run only)
        import secrets

        os.environ["DJANGO_DEBUG"] = "0"
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_DEBUG", "1")
    tmp = tempfile.mkdtemp(prefix="qms-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["QMS_VAR_DIR"] = tmp
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"qms bench — database {connection.vendor}, Python {sys.version.split()[0]}")
    bench = Bench()
    try:
        if scale:
            from unittest import mock

            # No collectstatic in a throw-away run: plain static URLs (production's manifest lookup is a dict).
            settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
            # FLOOR and BARE, the reference views each page is measured against (never in the served URLs).
            settings.ROOT_URLCONF = "qms.bench_urls"
            # The e-mails a sweep queues are sent by the outbox worker afterwards, not timed with the sweep.
            mock.patch("qms.tasks.outbox_send.delay", lambda ids: None).start()
            # QMS_BENCH_APPS=corrective_actions runs one app's scale scenarios (a quicker, partial report).
            apps = os.environ.get("QMS_BENCH_APPS", "reviews,corrective_actions,objectives").split(",")
            for app in apps:
                module = importlib.import_module(f"{app}.bench")
                print(app)
                for scenario in getattr(module, "SCALE_SCENARIOS", []):
                    scenario(bench)
            _write_report(bench, os.environ.get("QMS_BENCH_REPORT", str(settings.BASE_DIR / "docs" / "performance.md")))
            return
        _core_scenarios(bench)
        _province_scenarios(bench)
        for app in ("reviews", "corrective_actions", "objectives"):
            try:
                module = importlib.import_module(f"{app}.bench")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.bench":
                    raise
                continue
            print(app)
            for scenario in module.SCENARIOS:
                scenario(bench)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
