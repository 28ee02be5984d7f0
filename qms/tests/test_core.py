import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from qms.errors import NotAllowed, ServiceError
from qms.models import AuditEntry, Notification, User
from qms.pdf import document_number, vn_date_line
from qms.roles import Role
from qms.services import audit_record, document_number_next, notification_send, reminder_claim
from qms.tests.concurrency import raised, run_at_once
from qms.tests.factories import UnitFactory, UserFactory, default_organisation
from qms.transitions import Transition, Transitions, check_transition
from qms.uploads import validate_upload


def test_the_date_line_pads_days_under_ten_and_the_first_two_months_only():
    import datetime as dt

    assert vn_date_line("Hà Nội", dt.date(2026, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2026"
    assert vn_date_line("Nha Trang", dt.date(2026, 11, 26)) == "Nha Trang, ngày 26 tháng 11 năm 2026"
    assert vn_date_line("Hà Nội", dt.date(2026, 3, 9)) == "Hà Nội, ngày 09 tháng 3 năm 2026"
    assert document_number(5, "TB-BCĐ ISO") == "Số: 05/TB-BCĐ ISO"
    assert document_number(12, "TB-BCĐ ISO") == "Số: 12/TB-BCĐ ISO"


@pytest.mark.django_db
def test_document_numbers_restart_each_year_and_never_repeat(organisation):
    assert [document_number_next(organisation=organisation, series="notice", year=2026) for _ in range(3)] == [1, 2, 3]
    assert document_number_next(organisation=organisation, series="notice", year=2027) == 1
    assert document_number_next(organisation=organisation, series="minutes", year=2026) == 1


@pytest.mark.django_db
def test_each_agency_numbers_its_own_documents_from_one(organisation, other_organisation):
    assert [document_number_next(organisation=organisation, series="notice", year=2026) for _ in range(2)] == [1, 2]
    assert document_number_next(organisation=other_organisation, series="notice", year=2026) == 1
    assert document_number_next(organisation=organisation, series="notice", year=2026) == 3


@pytest.mark.django_db(transaction=True)
def test_two_documents_issued_at_the_same_moment_get_different_numbers(restore_roles):
    organisation = default_organisation()
    results = run_at_once(*[lambda: document_number_next(organisation=organisation, series="notice", year=2026)] * 4)
    assert not raised(results)
    assert sorted(results) == [1, 2, 3, 4]


@pytest.mark.django_db(transaction=True)
def test_a_reminder_key_is_claimed_once_even_by_concurrent_sweeps():
    wins = run_at_once(*[lambda: reminder_claim("review:1:deadline:unit:3")] * 4)
    assert not raised(wins)
    assert sorted(wins) == [False, False, False, True]


@pytest.mark.django_db
def test_a_notification_lands_in_the_inbox_and_is_mailed_after_commit(secretary, unit_head, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[unit_head, unit_head], subject="Nhắc nộp báo cáo", body="Hạn nộp: 05/12/2026")
    assert Notification.objects.filter(recipient=unit_head).count() == 1
    assert [m.subject for m in mailoutbox] == ["Nhắc nộp báo cáo"]
    assert mailoutbox[0].to == [unit_head.email]


@pytest.mark.django_db
def test_the_audit_trail_records_who_from_to_and_note(secretary, unit):
    entry = audit_record(target=unit, actor=secretary, action="Thử", from_state="a", to_state="b", note="ghi chú")
    assert AuditEntry.objects.get() == entry
    assert (entry.actor, entry.from_state, entry.to_state, entry.note) == (secretary, "a", "b", "ghi chú")


def test_an_upload_of_an_unsupported_type_is_refused_with_a_vietnamese_message():
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("virus.exe", b"MZ\x90\x00"))
    assert "không được chấp nhận" in info.value.messages[0]


def test_an_upload_over_ten_megabytes_is_refused(settings):
    big = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7\n" + b"0" * (settings.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError) as info:
        validate_upload(big)
    assert "vượt quá giới hạn" in info.value.messages[0]


def test_a_file_whose_content_does_not_match_its_extension_is_refused():
    with pytest.raises(ValidationError) as info:
        validate_upload(SimpleUploadedFile("bao-cao.pdf", b"MZ not a pdf"))
    assert "không đúng với định dạng" in info.value.messages[0]
    validate_upload(SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 ok"))


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(client, settings, monkeypatch):
    from qms.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] != "ok"


@pytest.mark.django_db
def test_the_login_page_speaks_vietnamese_by_default_and_english_on_request(client):
    response = client.get(reverse("login"))
    assert "Đăng nhập" in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page and "Password" in page and "Mật khẩu" not in page


@pytest.mark.django_db
def test_the_home_page_needs_a_signed_in_user(client, secretary):
    assert client.get("/").status_code == 302
    client.force_login(secretary)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_through_the_link_sent_by_email(client, unit_head, mailoutbox):
    import re

    client.post(reverse("password_reset"), {"email": unit_head.email})
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Mới-An-Toàn-2027", "new_password2": "Mới-An-Toàn-2027"})
    unit_head.refresh_from_db()
    assert unit_head.check_password("Mới-An-Toàn-2027")


@pytest.mark.django_db
def test_a_signed_in_user_changes_their_password(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "Mật-khẩu-thử-2026", "new_password1": "Khác-Hẳn-2027!", "new_password2": "Khác-Hẳn-2027!"},
    )
    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.check_password("Khác-Hẳn-2027!")


@pytest.mark.django_db
def test_the_inbox_page_costs_the_same_queries_for_1_and_50_notifications(client, unit_head):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(unit_head)
    client.get(reverse("inbox"))  # the first request after sign-in also loads the session user

    def count(n: int) -> int:
        Notification.objects.filter(recipient=unit_head).delete()
        Notification.objects.bulk_create(Notification(recipient=unit_head, subject=f"Thông báo {i}", url="/") for i in range(n))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("inbox"))
        assert response.content.decode().count("list-group-item-warning") == min(n, 25)
        return len(queries)

    assert count(1) == count(50)


@pytest.mark.django_db
def test_admins_can_read_but_not_edit_document_counters_or_notifications(admin_client, unit_head, organisation):
    from qms.models import DocumentCounter

    counter = DocumentCounter.objects.create(organisation=organisation, series="review-notice", year=2026, last_number=4)
    note = Notification.objects.create(recipient=unit_head, subject="Nhắc việc")
    assert admin_client.get(reverse("admin:qms_documentcounter_changelist")).status_code == 200
    admin_client.post(reverse("admin:qms_documentcounter_change", args=[counter.pk]), {"series": "x", "year": 2026, "last_number": 0})
    counter.refresh_from_db()
    assert counter.last_number == 4
    assert admin_client.post(reverse("admin:qms_notification_delete", args=[note.pk]), {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=note.pk).exists()


def test_dates_are_shown_and_read_as_day_month_year_whatever_the_browser_locale():
    import datetime as dt

    from django import forms

    from qms.forms import DateInput, DateTimeInput

    class Form(forms.Form):
        deadline = forms.DateField(widget=DateInput())
        meeting = forms.DateTimeField(widget=DateTimeInput())

    html = str(Form(initial={"deadline": dt.date(2026, 12, 4), "meeting": dt.datetime(2026, 12, 10, 8, 30)}))
    assert 'value="04/12/2026"' in html and 'value="10/12/2026 08:30"' in html and 'type="text"' in html
    form = Form({"deadline": "04/12/2026", "meeting": "10/12/2026 08:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deadline"] == dt.date(2026, 12, 4)  # 4 December, never 12 April
    assert Form({"deadline": "2026-12-04", "meeting": "2026-12-10T08:30"}).is_valid()


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_chooses_english(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page and "Đăng nhập" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()


class _Status(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SIGNED = "signed", "Đã ký"


_TABLE = Transitions([Transition(_Status.DRAFT, _Status.SIGNED, "sign", Role.COMMITTEE_HEAD.value, "qms.view_unit")])


def test_a_refused_transition_names_the_states_as_the_user_reads_them():
    with pytest.raises(ServiceError) as info:
        check_transition(_TABLE, "signed", _Status.DRAFT)
    assert info.value.message == "Không thể chuyển trạng thái từ “Đã ký” sang “Dự thảo”."


@pytest.mark.django_db
def test_a_transition_is_refused_to_anyone_but_the_role_its_table_names(committee_head, secretary):
    with pytest.raises(NotAllowed):
        check_transition(_TABLE, _Status.DRAFT, _Status.SIGNED, actor=secretary)
    with pytest.raises(NotAllowed):  # the right role without the row's permission
        check_transition(_TABLE, _Status.DRAFT, _Status.SIGNED, actor=committee_head)
    committee_head.groups.get(name=Role.COMMITTEE_HEAD.value).permissions.add(Permission.objects.get(codename="view_unit"))
    committee_head = User.objects.get(pk=committee_head.pk)  # permissions are cached per instance
    assert check_transition(_TABLE, _Status.DRAFT, _Status.SIGNED, actor=committee_head).action == "sign"
    # An app's own rule about the record replaces the role test.
    with pytest.raises(NotAllowed):
        check_transition(_TABLE, _Status.DRAFT, _Status.SIGNED, actor=committee_head, may_act=lambda user, row: False)


@pytest.mark.django_db
def test_a_superuser_without_the_role_is_refused_a_transition(unit):
    boss = UserFactory(username="sieu", unit=unit, is_superuser=True)
    assert boss.has_perm("qms.view_unit") and not boss.has_role_perm("qms.view_unit")
    with pytest.raises(NotAllowed):
        check_transition(_TABLE, _Status.DRAFT, _Status.SIGNED, actor=boss)


def test_a_transition_table_refuses_a_move_listed_twice():
    with pytest.raises(ValueError):
        Transitions([Transition("a", "b", "x", "r"), Transition("a", "b", "y", "r")])


@pytest.mark.django_db
def test_users_with_a_role_are_the_active_holders_of_it_in_the_agency_and_unit_asked(
    organisation, other_organisation, unit, other_unit, unit_head, other_unit_head, staff_user
):
    left = UserFactory(username="danghi", unit=unit, roles=[Role.UNIT_HEAD], is_active=False)
    elsewhere = UserFactory(username="sct.truong", unit=UnitFactory(organisation=other_organisation, code="VP"), roles=[Role.UNIT_HEAD])
    assert set(User.objects.with_role(Role.UNIT_HEAD, organisation=organisation)) == {unit_head, other_unit_head}
    assert list(User.objects.with_role(Role.UNIT_HEAD, organisation=organisation, unit=unit)) == [unit_head]
    assert set(User.objects.with_role(Role.UNIT_HEAD, Role.STAFF, organisation=organisation, unit=unit)) == {unit_head, staff_user}
    assert left not in User.objects.with_role(Role.UNIT_HEAD, organisation=organisation)
    assert list(User.objects.with_role(Role.UNIT_HEAD, organisation=other_organisation)) == [elsewhere]
    assert not User.objects.with_role(Role.UNIT_HEAD, organisation=None).exists()
