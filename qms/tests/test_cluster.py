"""The product as a cluster: two web processes (gunicorn) and two Celery workers on the same queue, real
processes started here against the test's PostgreSQL database and the real Redis, all living in the
test's "today". The review cycle is driven through both web processes in turn (a session made on one is
used on the other) and the daily reminder sweeps are run by both workers at once: nothing is doubled and
nothing is lost.

Needs DATABASE_URL (PostgreSQL) and REDIS_URL: skipped without them on a developer's machine, failed in CI."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

import email  # noqa: E402
import email.policy  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from django.conf import global_settings  # noqa: E402
from django.conf import settings as django_settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from conftest import PASSWORD, SIGNING_SECRET, _database_url, give_signer, services_required  # noqa: E402
from qms.models import AuditEntry, DocumentCounter, Notification, SentReminder  # noqa: E402
from qms.workdays import add_working_days, previous_working_day  # noqa: E402

_SERVICES = os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(os.environ.get("REDIS_URL"))

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
    # A developer's `make test` on SQLite has no Redis: skipped there. In CI the `cluster` fixture fails instead.
    pytest.mark.skipif(
        not _SERVICES and not services_required(),
        reason="the cluster test needs PostgreSQL and Redis: set DATABASE_URL=postgres://… and REDIS_URL=redis://…",
    ),
]

# Each process starts its clock where the test's clock is now (QMS_TEST_NOW), and sends the tasks it queues
# to the queue this test's two workers consume (QMS_TEST_QUEUE), whatever the settings' default queue.
_IN_TEST_TIME = """
import os, sys, time_machine
time_machine.travel(float(os.environ["QMS_TEST_NOW"]), tick=True).start()
from qms.celery import app
app.conf.task_default_queue = os.environ["QMS_TEST_QUEUE"]
if sys.argv.pop(1) == "web":
    from gunicorn.app.wsgiapp import run
    sys.argv[0] = "gunicorn"
    run()
else:
    from celery.__main__ import main
    sys.argv[0] = "celery"
    main()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Cluster:
    """Two gunicorn web processes (`.urls`) and two Celery workers (`.workers`) on one queue (`.queue`);
    e-mails of all four land in `.mail_dir`. `restart()` stops them and starts them again in the test's
    (moved) time, as a deploy would."""

    def __init__(self, tmp_path: Path, base_dir: Path):
        self.dir = tmp_path / "cluster"
        self.dir.mkdir()
        self.mail_dir = tmp_path / "mail"
        self.base_dir = base_dir
        self.queue = f"qms-cluster-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.ports = [_free_port(), _free_port()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.workers = [f"w{i}-{self.queue}@{socket.gethostname()}" for i in (1, 2)]
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.starts = 0

    def _env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DB_CONN_MAX_AGE": "0",
            "DJANGO_DEBUG": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "QMS_MAIL_DIR": str(self.mail_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "QMS_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,  # for when the settings read it; the wrapper sets it anyway
            "QMS_TEST_QUEUE": self.queue,
            "QMS_TEST_NOW": repr(time.time()),  # time.time() is the test's clock (time-machine)
        }
        env.pop("PYTEST_VERSION", None)
        env.pop("EMAIL_HOST", None)
        return env

    def _spawn(self, name: str, args: list[str]) -> None:
        log = self.dir / f"{name}.log"
        self.logs[name] = log
        with log.open("a") as out:
            out.write(f"===== start {self.starts} =====\n")
            out.flush()
            self.procs[name] = subprocess.Popen(
                [sys.executable, "-c", _IN_TEST_TIME, *args],
                cwd=self.base_dir,
                env=self._env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )

    def start(self) -> None:
        self.starts += 1
        for i, port in enumerate(self.ports, start=1):
            self._spawn(
                f"web{i}",
                # --timeout 0: the arbiter's heartbeat check must not compare the moved clock with file times.
                ["web", "qms.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "0"]
                + ["--access-logfile", "-", "--access-logformat", "ACCESS %(m)s %(U)s %(s)s"],
            )
        for i, name in enumerate(self.workers, start=1):
            self._spawn(
                f"worker{i}",
                ["worker", "-A", "qms", "worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
                + ["-Q", self.queue, "-n", name],
            )
        for url in self.urls:
            wait_until(lambda url=url: self._healthy(url), timeout=60, what=f"{url}/healthz")
        from qms.celery import app

        def both_answer():
            replies = app.control.ping(destination=self.workers, timeout=1.0)
            return {name for reply in replies for name in reply} >= set(self.workers)

        wait_until(both_answer, timeout=60, what="both workers to answer a ping", every=0.1)

    def _healthy(self, url: str) -> bool:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited with {proc.returncode}:\n{self.tail(name)}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                return response.status == 200 and json.load(response)["status"] == "ok"
        except OSError:
            return False

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def tail(self, name: str, chars: int = 3000) -> str:
        return self.logs[name].read_text(errors="replace")[-chars:] if name in self.logs else ""

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def mails(self) -> list[email.message.EmailMessage]:
        """Every message written by the four processes (a file may hold several: Django's file backend
        appends to a name made of the second and an object id, which two processes can share)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []:
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
        return messages


def subject_of(message) -> str:
    return " ".join(str(message["Subject"]).split())  # header folding adds spaces


@pytest.fixture
def cluster(tmp_path, settings, restore_roles):
    if not _SERVICES:
        pytest.fail("DATABASE_URL (PostgreSQL) and REDIS_URL must be set in CI: the cluster test runs on the real services.")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    nodes = Cluster(tmp_path, settings.BASE_DIR)
    try:
        nodes.start()
        yield nodes
    finally:
        nodes.stop()
        for name in nodes.logs:  # shown by pytest when the test failed (or always with -s)
            print(f"\n----- {name} (last output) -----\n{nodes.tail(name)}")


@pytest.fixture
def _chromium():
    if not os.path.exists("/usr/bin/chromium"):
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is required in CI")
        pytest.skip("/usr/bin/chromium is not installed")


# --- The review cycle through two web processes, its e-mails through two workers ---


def sign_in(page, base: str, user, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{base}{next_url}")


def message(page):
    return page.get_by_test_id("message")


@pytest.mark.browser
def test_two_web_processes_and_two_workers_run_the_review_cycle_once(
    _chromium, cluster, settings, travel, page, secretary, committee_head, unit, unit_head, focal_point, signing_ca
):
    from reviews.models import (
        ConsolidatedReport,
        ConsolidatedReportStatus,
        Delivery,
        Minutes,
        MinutesStatus,
        Review,
        ReviewStatus,
        UnitReportStatus,
    )

    # The suite hashes passwords with MD5 for speed; the cluster's processes know only the real hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    for user in (secretary, committee_head, unit_head):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())  # "Đóng thu báo cáo?"
    one, two = cluster.urls
    today = timezone.localdate()
    meeting_day = add_working_days(today, 3)
    title = "Họp xem xét của lãnh đạo về HTQLCL – chạy trên cụm máy chủ"

    # The secretary plans on web 1 and submits on web 2 (the session made on web 1).
    sign_in(page, one, secretary, "/reviews/new/")
    page.locator("#id_title").fill(title)  # "Tên cuộc họp" (the combined meeting's name also has it)
    page.get_by_label("Thời gian bắt đầu họp").fill(f"{meeting_day:%Y-%m-%d}T08:00")
    page.get_by_label("Thời gian dự kiến kết thúc").fill(f"{meeting_day:%Y-%m-%d}T11:30")
    page.get_by_label("Địa điểm").fill("Phòng họp số 1, tầng 3")
    page.get_by_label("Hạn nộp báo cáo đơn vị").fill(f"{add_working_days(today, 1):%Y-%m-%d}")
    page.locator("#div_id_units").get_by_label(unit.name, exact=True).check()
    # The chair, the secretary and the participating unit's focal point are required (issue 10).
    for person in (committee_head, secretary, unit_head, focal_point):
        page.locator("#div_id_attendees").get_by_label(person.display_name).check()
    page.get_by_test_id("plan-save").click()
    expect(message(page)).to_have_text("Đã lưu dự thảo kế hoạch.")
    review = Review.objects.get(title=title)
    detail = f"/reviews/{review.pk}/"
    page.goto(f"{two}{detail}")
    page.get_by_test_id("plan-submit").click()
    expect(message(page)).to_have_text("Đã trình kế hoạch để phê duyệt.")

    # The head signs in on web 2 and approves on web 1.
    sign_in(page, two, committee_head, detail)
    page.goto(f"{one}{detail}")
    page.get_by_test_id("approval").get_by_role("button", name="Phê duyệt").click()
    expect(message(page)).to_have_text("Đã phê duyệt kế hoạch.")

    # The secretary issues the notice on web 2; the workers e-mail it.
    sign_in(page, one, secretary, detail)
    page.goto(f"{two}{detail}")
    page.get_by_test_id("notice-issue").click()
    expect(message(page)).to_have_text("Đã phát hành thông báo họp và gửi đến thành phần tham dự.")
    expect(page.get_by_test_id("notice-number")).to_have_text("Số: 01/TB-BCĐ ISO")

    # The unit head writes and submits the report on web 1.
    sign_in(page, two, unit_head, detail)
    page.goto(f"{one}{detail}")
    page.get_by_test_id("my-report").click()
    from reviews.models import REPORT_SECTIONS

    for _name, label in REPORT_SECTIONS:
        page.get_by_label(str(label), exact=True).fill(f"Văn phòng – {label}")
    page.get_by_test_id("report-submit").click()
    expect(message(page)).to_have_text("Đã nộp báo cáo.")

    # The secretary closes the collection on web 2, generates the consolidated report on web 1 and
    # finalises it on web 2.
    sign_in(page, one, secretary, detail)
    page.goto(f"{two}{detail}")
    page.get_by_test_id("collection-close").click()
    expect(page.get_by_test_id("review-status")).to_have_text("Đã đóng thu báo cáo – chuẩn bị họp")
    page.goto(f"{one}{detail}")
    page.get_by_test_id("consolidated-generate").click()
    expect(page.get_by_test_id("consolidated-form")).to_be_visible()
    page.goto(f"{two}/reviews/{review.pk}/consolidated/")
    page.get_by_test_id("consolidated-finalise").click()
    expect(page.get_by_test_id("consolidated-status")).to_have_text("Đã hoàn thiện")

    # A deploy restarts the cluster: the secretary's session lives on in the database and Redis.
    cluster.restart()
    page.goto(f"{two}{detail}")
    expect(page.get_by_test_id("review-status")).to_be_visible()
    # The meeting is held; the next working day (the cluster restarted in that day's time) her days-old
    # session has ended by the idle timeout (issue 13), so she signs in again and records the minutes.
    travel(add_working_days(meeting_day, 1))
    cluster.restart()
    page.goto(f"{two}{detail}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, one, secretary, detail)
    page.goto(f"{two}{detail}")
    page.get_by_test_id("minutes-create").click()
    minutes = Minutes.objects.get(review=review)
    page.goto(f"{one}/reviews/minutes/{minutes.pk}/edit/")
    page.get_by_label("Kết luận chung", exact=False).fill("Duy trì HTQLCL; bổ sung nguồn lực số hóa hồ sơ.")
    # QT.CTCL 5.8.1.2: each output heading holds its decisions or says there are none (issue 10).
    for heading in ("improvement", "changes", "resources"):
        page.locator(f"#id_outputs_{heading}").fill("Không có.")
    page.get_by_role("button", name="Lưu biên bản").click()
    expect(page).to_have_url(f"{one}/reviews/minutes/{minutes.pk}/")

    # The head signs on web 2, with the password and then the passphrase of their .p12 (issue 12).
    give_signer(signing_ca, committee_head)
    sign_in(page, one, committee_head, f"/reviews/minutes/{minutes.pk}/")
    page.goto(f"{two}/reviews/minutes/{minutes.pk}/sign/")
    page.get_by_label("Nhập lại mật khẩu để ký").fill(PASSWORD)
    page.get_by_label("Mật khẩu chữ ký số (tệp .p12) hoặc mã PIN của thiết bị ký").fill(SIGNING_SECRET)
    page.get_by_role("button", name="Ký biên bản").click()
    expect(message(page)).to_have_text("Đã ký biên bản. Biên bản đang được gửi đến các thành phần tham dự.")

    # Nothing doubled, nothing lost.
    review.refresh_from_db()
    minutes.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED
    assert (review.notice_number, review.notice_year) == (1, today.year)
    counters = DocumentCounter.objects.filter(organisation=review.organisation)
    assert sorted(c.last_number for c in counters) == [1, 1]  # one notice, one set of minutes: numbers 01
    assert (minutes.status, minutes.number, minutes.signed_by) == (MinutesStatus.SIGNED, 1, committee_head)
    assert ConsolidatedReport.objects.filter(review=review).count() == 1 and Minutes.objects.filter(review=review).count() == 1

    def trail(target):
        rows = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(target), object_id=target.pk)
        return list(rows.order_by("pk").values_list("to_state", flat=True))

    # One audit row per step, none twice.
    assert trail(review) == [
        ReviewStatus.DRAFT,
        ReviewStatus.PENDING_APPROVAL,
        ReviewStatus.APPROVED,
        ReviewStatus.COLLECTING,
        ReviewStatus.PREPARING,
        ReviewStatus.SIGNED,
    ]
    assert trail(minutes).count(MinutesStatus.SIGNED) == 1
    [report] = review.unit_reports.all()
    assert trail(report) == [UnitReportStatus.SUBMITTED]
    assert trail(ConsolidatedReport.objects.get(review=review)).count(ConsolidatedReportStatus.FINAL) == 1

    attendees = {committee_head.email, secretary.email, unit_head.email, focal_point.email}
    notice_subject = f"Thông báo số 01/TB-BCĐ ISO: {title}"
    minutes_subject = f"Biên bản họp xem xét của lãnh đạo: {title}"

    def minutes_mailed():
        sent = Counter((m["To"], subject_of(m)) for m in cluster.mails())
        return all(sent[(to, minutes_subject)] for to in attendees)

    wait_until(minutes_mailed, timeout=90, what="the signed minutes e-mailed to every attendee")  # the last e-mails queued
    time.sleep(2)  # a doubled send would land now
    sent = Counter((m["To"], subject_of(m)) for m in cluster.mails())
    assert set(sent.values()) == {1}, f"an e-mail went out twice: {sent}"
    assert {(to, s) for to in attendees for s in (notice_subject, minutes_subject)} <= set(sent), sent
    # The other e-mails are the steps' inbox messages (plan to approve, plan approved, report requested — to the
    # unit head and the unit's focal point), each e-mailed from the outbox by one outbox_send task of either worker.
    inbox = Counter((n.recipient.email, " ".join(n.subject.split())) for n in Notification.objects.select_related("recipient"))
    assert set(inbox.values()) == {1}, f"an inbox message was written twice: {inbox}"
    step_mails = {key for key in sent if key[1] not in (notice_subject, minutes_subject)}
    assert step_mails <= set(inbox), step_mails - set(inbox)
    ran = sum(len(re.findall(r"qms\.tasks\.outbox_send\[[^]]+\] succeeded", cluster.log(f"worker{i}"))) for i in (1, 2))
    assert len(step_mails) == ran == 4, (step_mails, ran)
    assert SentReminder.objects.filter(key__startswith=f"review:{review.pk}:notice-mail:").count() == len(attendees)
    assert Delivery.objects.filter(minutes=minutes, sent_at__isnull=False).count() == len(attendees)
    assert Counter(Notification.objects.filter(subject=minutes_subject).values_list("recipient__email", flat=True)) == Counter(attendees)
    # Both web processes served the journey.
    for name in ("web1", "web2"):
        assert cluster.log(name).count("ACCESS POST") >= 3, name


# --- The daily sweeps run at once by two workers ---


@pytest.fixture
def due_today(restore_roles, secretary, committee_head, top_leader, unit, other_unit, unit_head, other_unit_head, staff_user, signing_ca):
    """Reminders due today, each key with its recipients (the sweeps' keys, see */reminders.py)."""
    give_signer(signing_ca, committee_head)  # the chair of the signed review below signs with a certificate
    from corrective_actions.models import TicketStatus
    from corrective_actions.tests.factories import TicketFactory
    from reviews.tests.factories import collecting_review, local_datetime, signed_review

    today = timezone.localdate()
    expected: dict[str, list] = {}

    # A review whose reports are due tomorrow: each unit's head.
    due = collecting_review(
        units=[unit, other_unit],
        created_by=secretary,
        report_deadline=add_working_days(today, 1),
        meeting_start=local_datetime(add_working_days(today, 8)),
    )
    expected[f"review:{due.pk}:report-due:{unit.pk}"] = [unit_head]
    expected[f"review:{due.pk}:report-due:{other_unit.pk}"] = [other_unit_head]

    # A review whose deadline passed with a report missing, meeting on the next working day.
    meeting_day = add_working_days(today, 1)
    late = collecting_review(
        units=[unit],
        attendees=[secretary, committee_head, unit_head],
        created_by=secretary,
        sequence=2,
        report_deadline=add_working_days(today, -1),
        meeting_start=local_datetime(meeting_day),
    )
    expected[f"review:{late.pk}:report-overdue:{unit.pk}"] = [unit_head]
    expected[f"review:{late.pk}:secretary:deadline-passed"] = [secretary]
    if previous_working_day(meeting_day, late.organisation_id) == today:  # not on a day off (QMS_TEST_TODAY in Tết)
        for person in (secretary, committee_head, unit_head):
            expected[f"review:{late.pk}:meeting-eve:{person.pk}"] = [person]

    # A decided action due tomorrow (its minutes are distributed here, eagerly, before the sweeps).
    action_deadline = add_working_days(today, 1)
    _review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        sequence=3,
        actions=[("Bổ sung 01 máy quét tài liệu", unit, action_deadline)],
    )
    [action] = minutes.actions.all()
    expected[f"review-action-due:{action.pk}:{action_deadline.isoformat()}"] = [unit_head]

    # Tickets: one due tomorrow, one six working days overdue (passed, then both escalations).
    soon = TicketFactory(
        requesting_unit=unit,
        requester=staff_user,
        assignee=staff_user,
        status=TicketStatus.IN_PROGRESS,
        completion_date=add_working_days(today, 1),
    )
    expected[f"ca:{soon.pk}:due-soon:{soon.completion_date:%Y%m%d}"] = [staff_user]
    overdue = TicketFactory(
        requesting_unit=unit,
        requester=staff_user,
        assignee=staff_user,
        status=TicketStatus.IN_PROGRESS,
        completion_date=add_working_days(today, -6),
        description_date=add_working_days(today, -10),
    )
    stamp = f"{overdue.completion_date:%Y%m%d}"
    expected[f"ca:{overdue.pk}:passed:{stamp}"] = [staff_user]
    expected[f"ca:{overdue.pk}:escalate-1:{stamp}"] = [unit_head]
    expected[f"ca:{overdue.pk}:escalate-2:{stamp}"] = [secretary, committee_head]
    # QT.CTCL 5.6: due for checking on its completion date, reported or not; the verifier is the top leader
    # (the agency names no other verifier here).
    expected[f"ca:{overdue.pk}:verify:{stamp}"] = [top_leader]
    return expected


# `due_today` before `cluster`: the minutes it signs are distributed eagerly, in this process.
def test_two_workers_running_the_daily_sweeps_at_once_send_each_reminder_once(due_today, cluster, settings):
    from corrective_actions.tasks import send_ticket_reminders
    from reviews.tasks import action_reminders_sweep, review_reminders_sweep

    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = set(Notification.objects.values_list("pk", flat=True))  # the minutes' distribution, arranged above
    claimed_before = set(SentReminder.objects.values_list("key", flat=True))
    sweeps = [review_reminders_sweep, action_reminders_sweep, send_ticket_reminders]
    # Four beats of each sweep at once (a beat run twice, a retried beat, two schedulers by mistake…).
    results = [(task.name, task.apply_async(queue=cluster.queue, ignore_result=False)) for _round in range(4) for task in sweeps]
    totals = Counter()
    for name, result in results:
        totals[name] += result.get(timeout=120, disable_sync_subtasks=False)

    keys = set(SentReminder.objects.values_list("key", flat=True)) - claimed_before
    assert keys == set(due_today), f"missing: {set(due_today) - keys}; unexpected: {keys - set(due_today)}"
    # Each sweep's four runs together sent each of its reminders once.
    assert totals == {
        review_reminders_sweep.name: sum(1 for k in due_today if k.startswith("review:")),
        action_reminders_sweep.name: sum(1 for k in due_today if k.startswith("review-action")),
        send_ticket_reminders.name: sum(1 for k in due_today if k.startswith("ca:")),
    }
    notifications = Notification.objects.exclude(pk__in=before).select_related("recipient")
    expected_inbox = Counter(user.pk for recipients in due_today.values() for user in recipients)
    assert Counter(n.recipient_id for n in notifications) == expected_inbox
    assert len({(n.recipient_id, n.subject) for n in notifications}) == notifications.count()

    # Each reminder e-mailed once, by whichever worker took it.
    expected_mail = Counter((n.recipient.email, " ".join(n.subject.split())) for n in notifications)
    wait_until(lambda: len(cluster.mails()) >= sum(expected_mail.values()), timeout=90, what="the reminder e-mails")
    time.sleep(2)  # a doubled send would land now
    assert Counter((m["To"], subject_of(m)) for m in cluster.mails()) == expected_mail

    # Both workers did part of the work.
    for i in (1, 2):
        assert "succeeded in" in cluster.log(f"worker{i}"), f"worker{i} ran no task"
    print(f"sweeps: {dict(totals)}; reminders: {len(keys)}; inbox rows: {notifications.count()}; e-mails: {len(cluster.mails())}")
