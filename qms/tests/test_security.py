"""Issue 13, authentication and headers: brute force is locked out and audited (login, admin, the password
re-entered to sign), password-reset mails are rate-limited and sent by Celery, sessions end when idle and
after a fixed time, and every answer carries the security headers."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from qms.models import AuditEntry
from qms.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.security]
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def _login(client, username: str, password: str, ip: str = "10.0.0.1", url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _later(time_machine, **delta) -> None:
    time_machine.move_to(timezone.now() + dt.timedelta(**delta), tick=True)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_a_user_name_is_locked_out_after_the_failure_limit_with_a_vietnamese_message(client, staff_user):
    for _ in range(2):
        assert _login(client, staff_user.username, "sai").status_code == 200
    assert _login(client, staff_user.username, "sai").status_code == 429  # the failure that reaches the limit
    response = _login(client, staff_user.username, PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "Tạm khóa do nhập sai mật khẩu nhiều lần" in text and "15 phút" in text
    assert not _signed_in(client)
    # From another address too: the user name itself is locked.
    assert _login(client, staff_user.username, PASSWORD, ip="10.0.0.99").status_code == 429


def test_one_address_trying_many_user_names_is_locked_out(client, staff_user):
    for name in ("an", "binh", "chi"):
        _login(client, name, "sai", ip="10.0.0.7")
    assert _login(client, staff_user.username, PASSWORD, ip="10.0.0.7").status_code == 429
    assert _login(client, staff_user.username, PASSWORD, ip="10.0.0.8").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff_user, time_machine):
    for _ in range(3):
        _login(client, staff_user.username, "sai")
    assert _login(client, staff_user.username, PASSWORD).status_code == 429
    _later(time_machine, minutes=16)
    assert _login(client, staff_user.username, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_a_few_failures_then_the_right_password_signs_in(client, staff_user):
    _login(client, staff_user.username, "sai")
    _login(client, staff_user.username, "sai")
    assert _login(client, staff_user.username, PASSWORD).status_code == 302


def test_every_failed_login_is_written_to_the_audit_trail(client, staff_user):
    _login(client, staff_user.username, "sai", ip="10.1.2.3")
    _login(client, "khong-co-ai", "sai", ip="10.1.2.3")
    rows = list(AuditEntry.objects.filter(action__startswith="Đăng nhập thất bại").order_by("pk"))
    assert len(rows) == 2
    assert rows[0].target == staff_user and rows[0].organisation_id == staff_user.organisation_id
    assert "10.1.2.3" in rows[0].note and staff_user.username in rows[0].note
    assert rows[1].object_id == 0 and "khong-co-ai" in rows[1].note


def test_the_admin_login_is_locked_out_too(client, staff_user):
    url = reverse("admin:login")
    for _ in range(3):
        _login(client, staff_user.username, "sai", url=url)
    assert _login(client, staff_user.username, PASSWORD, url=url).status_code == 429
    assert AuditEntry.objects.filter(action__startswith="Đăng nhập thất bại", object_id=staff_user.pk).count() >= 3


@pytest.fixture
def minutes(unit, secretary, committee_head):
    from reviews.tests.factories import preparing_review, ready_minutes

    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    return ready_minutes(review=review, secretary=secretary, chair=committee_head)


def test_the_password_to_sign_minutes_is_counted_audited_and_locked_out(client, minutes, committee_head):
    from reviews.models import MinutesStatus

    client.force_login(committee_head)
    url = reverse("reviews:minutes_sign", args=[minutes.pk])
    version = minutes.version  # the version the sign page showed (issue 10)
    for _ in range(2):
        response = client.post(url, {"password": "sai", "version": version}, REMOTE_ADDR="10.0.0.5")
        assert response.status_code == 200 and "Mật khẩu không đúng" in response.content.decode()
    assert client.post(url, {"password": "sai", "version": version}, REMOTE_ADDR="10.0.0.5").status_code == 429
    response = client.post(url, {"password": PASSWORD, "version": version}, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 429 and "Tạm khóa" in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.status != MinutesStatus.SIGNED
    failures = AuditEntry.objects.filter(action="Nhập sai mật khẩu khi ký", object_id=committee_head.pk)
    assert failures.count() >= 3 and all(row.actor_id == committee_head.pk for row in failures)


# --- Password reset ---


@pytest.fixture
def reset_cache():
    keys = ["pwreset:ip:10.9.9.9", "pwreset:ip:10.9.9.8"] + [f"pwreset:email:{i}@example.vn" for i in range(20)]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_password_reset_mails_are_limited_per_address(client, settings, mailoutbox, reset_cache):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    user = UserFactory(email="0@example.vn")
    for _ in range(5):
        response = client.post(reverse("password_reset"), {"email": user.email}, REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 302  # the same answer every time
    assert len(mailoutbox) == 2 and mailoutbox[0].to == [user.email]


def test_password_reset_mails_are_limited_per_client_address(client, settings, mailoutbox, reset_cache):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 3
    for i in range(1, 7):
        UserFactory(email=f"{i}@example.vn")
        client.post(reverse("password_reset"), {"email": f"{i}@example.vn"}, REMOTE_ADDR="10.9.9.8")
    assert len(mailoutbox) == 3


def test_the_password_reset_request_only_queues_a_task_whatever_the_address(client, monkeypatch, mailoutbox, reset_cache):
    from qms import tasks

    queued = []
    monkeypatch.setattr(tasks.send_password_reset_email, "delay", lambda **kwargs: queued.append(kwargs))
    UserFactory(email="7@example.vn")
    client.post(reverse("password_reset"), {"email": "7@example.vn"}, REMOTE_ADDR="10.9.9.9")
    client.post(reverse("password_reset"), {"email": "8@example.vn"}, REMOTE_ADDR="10.9.9.9")  # nobody's
    assert [q["email"] for q in queued] == ["7@example.vn", "8@example.vn"]
    assert mailoutbox == []  # nothing sent inside the request


def test_the_password_reset_task_sends_the_link_to_an_existing_address_only(mailoutbox):
    from qms.tasks import send_password_reset_email

    user = UserFactory(email="9@example.vn")
    common = {
        "domain": "qms.example.gov.vn",
        "use_https": True,
        "subject_template_name": "registration/password_reset_subject.txt",
        "email_template_name": "registration/password_reset_email.html",
    }
    send_password_reset_email.apply(kwargs={"email": "khong-co@example.vn", **common})
    send_password_reset_email.apply(kwargs={"email": user.email, **common})
    assert len(mailoutbox) == 1 and "https://qms.example.gov.vn/accounts/reset/" in mailoutbox[0].body


# --- Session timeouts ---


def test_a_session_ends_after_the_idle_timeout(client, staff_user, time_machine):
    client.force_login(staff_user)
    assert client.get(reverse("home")).status_code == 200
    _later(time_machine, minutes=20)
    assert client.get(reverse("home")).status_code == 200  # activity within the timeout keeps it
    _later(time_machine, minutes=31)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not _signed_in(client)
    assert "Phiên làm việc đã hết hạn" in client.get(response["Location"]).content.decode()


def test_a_session_ends_after_the_absolute_timeout_even_when_active(client, staff_user, time_machine):
    client.force_login(staff_user)
    for _ in range(int(django_settings.SESSION_ABSOLUTE_TIMEOUT // (20 * 60))):
        assert client.get(reverse("home")).status_code == 200
        _later(time_machine, minutes=20)
    _later(time_machine, minutes=20)
    assert client.get(reverse("home")).status_code == 302
    assert django_settings.SESSION_ABSOLUTE_TIMEOUT < 14 * 24 * 3600


def test_session_timeouts_are_settings(settings, client, staff_user, time_machine):
    settings.SESSION_IDLE_TIMEOUT = 120
    client.force_login(staff_user)
    client.get(reverse("home"))
    _later(time_machine, minutes=3)
    assert client.get(reverse("home")).status_code == 302
    assert django_settings.SESSION_IDLE_TIMEOUT == 120


# --- Headers ---

# Both headers are checked here and again by `make security`.


def test_every_page_carries_a_content_security_policy_without_inline_script(client, staff_user):
    for response in (client.get(reverse("login")), (client.force_login(staff_user), client.get(reverse("home")))[1]):
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in policy
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert directives["default-src"] == "'self'"


def test_every_page_carries_a_permissions_policy_that_switches_off_devices(client):
    policy = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


def test_signed_in_pages_and_downloads_are_not_stored_by_any_cache(client, overseer, staff_user):
    client.force_login(staff_user)
    cache_control = client.get(reverse("home"))["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control and "public" not in cache_control
    client.force_login(overseer)
    download = client.get(reverse("overview_export"))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"] and "private" in download["Cache-Control"]


def test_no_template_has_an_inline_script_or_event_handler():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = []
    for path in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path}: {m.group(0)}" for m in inline_script.finditer(text)]
        offenders += [f"{path}: {m.group(0)}" for m in handler.finditer(text)]
    assert offenders == []


def test_healthz_names_the_failed_check_but_not_the_exception(client, monkeypatch):
    from qms import views

    class Boom:
        def __enter__(self):
            raise ConnectionRefusedError("secret host db.internal:5432")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(views.connection, "cursor", lambda: Boom())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.content.decode()
    assert response.json()["database"] == "unavailable"
    assert "ConnectionRefused" not in body and "secret" not in body and "Error" not in body
