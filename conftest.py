"""Shared fixtures: the test clock, one user per role, units, and the browser settings for Playwright."""

import datetime as dt
import os
import subprocess
import sys
import time
import types
import uuid
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from qms.roles import Role
from qms.tests.factories import OrganisationFactory, UnitFactory, UserFactory, default_organisation, restore_role_groups

PASSWORD = "Mật-khẩu-thử-2026"

# The suite never reads the real calendar. It runs on one "today": QMS_TEST_TODAY=YYYY-MM-DD when given
# (CI adds runs inside Tết, on 31/12 and on 29/02), else the real date. The clock is put at 09:00 local
# time on that day and keeps ticking, so a run started at 23:59 does not cross midnight half-way.
_SESSION_TRAVEL: time_machine.travel | None = None


def session_today() -> dt.date:
    value = os.environ.get("QMS_TEST_TODAY", "").strip()
    if not value:
        return dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"QMS_TEST_TODAY={value!r} is not a date in the form YYYY-MM-DD") from None


def pytest_configure(config):
    global _SESSION_TRAVEL
    day = session_today()
    _SESSION_TRAVEL = time_machine.travel(dt.datetime.combine(day, dt.time(9), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")), tick=True)
    _SESSION_TRAVEL.start()


def pytest_unconfigure(config):
    if _SESSION_TRAVEL is not None:
        _SESSION_TRAVEL.stop()


def pytest_report_header(config):
    return (
        f"qms: today is {session_today():%d/%m/%Y} (09:00 Asia/Ho_Chi_Minh, ticking); set QMS_TEST_TODAY=YYYY-MM-DD to run on another day"
    )


@pytest.fixture
def today() -> dt.date:
    """The test's today: every date a test writes is derived from it, never from a calendar literal."""
    return timezone.localdate()


@pytest.fixture
def travel(time_machine):
    """For a rule tied to one calendar day (month ends, Tết): `today = travel(date)` puts the test's clock
    at 09:00 local time on that day, still ticking, until the test ends."""

    def _travel(day: dt.date) -> dt.date:
        time_machine.move_to(dt.datetime.combine(day, dt.time(9), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")), tick=True)
        return timezone.localdate()

    return _travel


def services_required() -> bool:
    """In CI the real PostgreSQL and Redis must be there: missing services fail the run, never skip it."""
    return bool(os.environ.get("CI") or os.environ.get("QMS_REQUIRE_SERVICES"))


@pytest.fixture
def organisation(db):
    """The agency the role fixtures below work in."""
    return default_organisation()


@pytest.fixture
def other_organisation(db):
    """A second agency of the province, for isolation tests: its data must never show to the first's users."""
    return OrganisationFactory(code="so-cong-thuong", name="Sở Công Thương tỉnh Khánh Hòa", short_name="SCT")


@pytest.fixture
def unit(db, organisation):
    return UnitFactory(name="Văn phòng", code="VP", organisation=organisation)


@pytest.fixture
def other_unit(db):
    return UnitFactory(name="Phòng Thông tin báo chí xuất bản", code="TTBCXB")


@pytest.fixture
def secretary(db, unit):
    return UserFactory(username="thuky", full_name="Đặng Thị Khánh Hòa", unit=unit, job_title="Thư ký ISO", roles=[Role.SECRETARY])


@pytest.fixture
def committee_head(db, unit):
    return UserFactory(username="truongban", full_name="Phạm Anh Tuấn", unit=unit, job_title="Cục trưởng", roles=[Role.COMMITTEE_HEAD])


@pytest.fixture
def committee_member(db, unit):
    return UserFactory(
        username="thanhvien", full_name="Đỗ Văn Khởi", unit=unit, job_title="Phó Chánh Văn phòng", roles=[Role.COMMITTEE_MEMBER]
    )


@pytest.fixture
def unit_head(db, unit):
    return UserFactory(username="truongphong", full_name="Lê Thị Hương", unit=unit, job_title="Chánh Văn phòng", roles=[Role.UNIT_HEAD])


@pytest.fixture
def other_unit_head(db, other_unit):
    return UserFactory(
        username="truongphong2", full_name="Trần Quốc Bảo", unit=other_unit, job_title="Trưởng phòng", roles=[Role.UNIT_HEAD]
    )


@pytest.fixture
def top_leader(db, unit):
    return UserFactory(username="lanhdao", full_name="Trịnh Văn Cao", unit=unit, job_title="Cục trưởng", roles=[Role.TOP_LEADER])


@pytest.fixture
def focal_point(db, unit):
    """The ISO focal point of `unit` (Đầu mối ISO): not named by the head to submit."""
    return UserFactory(username="daumoi", full_name="Lý Thị Nga", unit=unit, job_title="Chuyên viên, Đầu mối ISO", roles=[Role.FOCAL_POINT])


@pytest.fixture
def staff_user(db, unit):
    return UserFactory(username="chuyenvien", full_name="Vũ Minh Anh", unit=unit, roles=[Role.STAFF])


@pytest.fixture
def oversight(db):
    """The provincial department in charge of ISO application in the province's agencies."""
    return OrganisationFactory(code="so-khcn", name="Sở Khoa học và Công nghệ tỉnh Khánh Hòa", kind="oversight")


@pytest.fixture
def overseer(db, oversight):
    return UserFactory(username="tinh.theodoi", full_name="Đoàn Minh Tâm", unit=None, organisation=oversight, roles=[Role.OVERSEER])


@pytest.fixture
def role_users(secretary, committee_head, committee_member, unit_head, other_unit_head, staff_user):
    """Every role, keyed by a short name, for permission matrices."""
    return {
        "secretary": secretary,
        "committee_head": committee_head,
        "committee_member": committee_member,
        "unit_head": unit_head,
        "other_unit_head": other_unit_head,
        "staff": staff_user,
    }


@pytest.fixture
def restore_roles(transactional_db):
    """A transactional test flushes every table, with the role groups the data migrations made; the
    next one gets them back here (UserFactory also does it when a role group is missing)."""
    restore_role_groups()


_WORKER_IN_TEST_TIME = """
import os, sys, time_machine
time_machine.travel(float(os.environ["QMS_TEST_NOW"]), tick=True).start()
from celery.__main__ import main
sys.argv[0] = "celery"
main()
"""


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(base_dir, *, queue: str, mail_dir, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A Celery worker (solo pool, one process) in the test's time, on the configured broker, reading the
    test database and consuming only `queue`, where the tasks it queues itself also go; its e-mails are
    files in `mail_dir`. `env` adds settings (e.g. QMS_TEST_OUTBOX_PAUSE)."""
    full_env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "0",
        "DJANGO_DEBUG": "1",
        "QMS_MAIL_DIR": str(mail_dir),
        "QMS_MEDIA_ROOT": str(settings.MEDIA_ROOT),  # the test's media: the PDFs the worker lays out (qms.pdf_cache)
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # The worker lives in the test's time: it starts its clock where the test's clock is now.
        "QMS_TEST_NOW": repr(time.time()),
        **(env or {}),
    }
    full_env.pop("PYTEST_VERSION", None)
    full_env.pop("EMAIL_HOST", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            _WORKER_IN_TEST_TIME,
            "-A",
            "qms",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            queue,
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
        ],
        cwd=base_dir,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(proc: subprocess.Popen) -> str:
    """Stops the worker if it still runs; its output (the end of it)."""
    if proc.poll() is None:
        proc.terminate()
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
    return (output or "")[-3000:]


@pytest.fixture
def real_worker(tmp_path, settings):
    """A Celery worker in its own process on the configured broker (Redis in CI), reading the test
    database; tasks are no longer run eagerly. It consumes only its own queue (`.queue`: send the test's
    tasks there), so messages left on a shared broker by other runs never reach it. `.mail_dir` is
    where its e-mails are written. Wait with `.get(timeout=…, disable_sync_subtasks=False)`: an eager task
    run earlier in the same process can leave Celery believing it is inside a task."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    if services_required() and not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL must be set in CI: the worker test runs on the real Redis broker.")
    mail_dir = tmp_path / "mail"
    queue = f"qms-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    proc = start_worker(settings.BASE_DIR, queue=queue, mail_dir=mail_dir)
    yield types.SimpleNamespace(queue=queue, mail_dir=mail_dir)
    print(stop_worker(proc))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Django's default PBKDF2 costs ~0.3 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates the request's language in the thread and never resets it, so a test that
    # switches the test client to English would leave every later test (e.g. a service message check) in English.
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_content_security_policy_error(request):
    """Every browser journey runs under the real Content-Security-Policy: a console error about it (an
    inline script or handler, a style element, a resource from elsewhere) fails the test."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    violations: list[str] = []

    def _on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", _on_console)
    yield
    assert not violations, "Content-Security-Policy errors in the browser console:\n" + "\n".join(violations)


# --- Digital signatures (qms.signing): one test CA per session, a .p12 per signer ------------------------

SIGNING_SECRET = "Mã-PIN-thử-2026"  # the passphrase of every test .p12 (typed at signing, never stored)


@pytest.fixture(scope="session")
def signing_ca(tmp_path_factory):
    from qms.signing.ca import demo_ca

    return demo_ca(tmp_path_factory.mktemp("signing-ca"))


def give_signer(ca, user, *, secret: str = SIGNING_SECRET):
    """A pkcs12 signer profile for `user`: a certificate in their name under the test CA."""
    from qms.models import SignerProfile

    path = ca.issue(name=user.display_name, slug=f"user-{uuid.uuid4().hex}", passphrase=secret, email=user.email or "")
    profile, _created = SignerProfile.objects.update_or_create(
        user=user, defaults={"organisation_id": user.organisation_id, "kind": "pkcs12", "config": {"path": str(path)}}
    )
    return profile


@pytest.fixture
def trusted_demo_root(db, signing_ca):
    from qms.models import TrustAnchor

    return TrustAnchor.objects.create(name="QMS test root", certificate=signing_ca.root_pem)
