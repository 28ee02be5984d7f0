"""Step 7: the committee head's online signature, the content hash, revisions."""

import datetime as dt
import hashlib
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import SIGNING_SECRET
from qms.errors import ServiceError
from qms.models import AuditEntry
from reviews import selectors, services
from reviews.models import ActionStatus, ActionUpdate, Minutes, MinutesStatus, ReviewAction, ReviewStatus
from reviews.tests.factories import minutes_content, minutes_rows, preparing_review, ready_minutes, signed_review

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def minutes(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    due = timezone.localdate() + dt.timedelta(days=15)
    return ready_minutes(review=review, secretary=secretary, chair=committee_head, actions=[("Bổ sung nguồn lực", unit, due)])


def test_the_head_signs_with_their_password_and_the_review_moves_to_signed(minutes, committee_head):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.SIGNED and minutes.signed_by == committee_head and minutes.signed_at
    assert minutes.signed_sha256 == hashlib.sha256(minutes.signed_content.encode()).hexdigest()
    assert minutes.review.status == ReviewStatus.SIGNED
    assert AuditEntry.objects.filter(object_id=minutes.pk, to_state="signed", actor=committee_head).exists()


def test_the_signed_content_is_canonical_json_of_every_field_attendee_and_action(minutes, committee_head):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    content = json.loads(minutes.signed_content)
    assert minutes.signed_content == json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content["conclusions"] == minutes.conclusions and content["number"] == minutes.number
    assert [a["name"] for a in content["attendance"]] == list(minutes.attendance.values_list("name", flat=True))
    assert content["actions"][0]["description"] == "Bổ sung nguồn lực"
    assert {f"topic_{i}" for i in range(1, 8)} <= content.keys()


def test_a_wrong_password_signs_nothing(minutes, committee_head, client):
    with pytest.raises(ServiceError, match="Mật khẩu không đúng"):
        services.minutes_sign(minutes=minutes, actor=committee_head, password="sai-mat-khau")
    client.force_login(committee_head)
    response = client.post(reverse("reviews:minutes_sign", args=[minutes.pk]), {"password": "sai-mat-khau", "version": minutes.version})
    assert response.status_code == 200 and "Mật khẩu không đúng. Biên bản chưa được ký." in response.content.decode()
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and not minutes.signed_sha256 and minutes.number is None
    assert minutes.review.status == ReviewStatus.PREPARING


@pytest.mark.parametrize("role", ["secretary", "committee_member", "unit_head", "staff"])
def test_only_the_committee_head_signs(minutes, role_users, role):
    with pytest.raises(ServiceError):
        services.minutes_sign(minutes=minutes, actor=role_users[role], password=PASSWORD, secret=SIGNING_SECRET)


def test_signed_minutes_cannot_be_signed_again(minutes, committee_head):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    with pytest.raises(ServiceError):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)


def test_incomplete_minutes_cannot_be_signed(minutes, secretary, committee_head):
    attendance, actions = minutes_rows(minutes)
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=minutes.version,
        data=minutes_content(minutes, conclusions=" "),
        attendance=attendance,
        actions=actions,
    )
    minutes.conclusions = ""
    Minutes.objects.filter(pk=minutes.pk).update(conclusions="")
    minutes.refresh_from_db()
    with pytest.raises(ServiceError, match="chưa đủ nội dung"):
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)


def test_the_hash_changes_when_the_content_changes_and_the_page_says_so(minutes, committee_head, client):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    assert selectors.minutes_content_unchanged(minutes) is True
    client.force_login(committee_head)
    url = reverse("reviews:minutes_detail", args=[minutes.pk])
    assert 'data-testid="signature-verified"' in client.get(url).content.decode()
    Minutes.objects.filter(pk=minutes.pk).update(conclusion_3="Nội dung bị sửa trực tiếp trong cơ sở dữ liệu")
    minutes.refresh_from_db()
    assert selectors.minutes_sha256(minutes) != minutes.signed_sha256
    assert selectors.minutes_content_unchanged(minutes) is False
    assert 'data-testid="signature-changed"' in client.get(url).content.decode()


def test_an_attendance_change_also_breaks_the_hash(minutes, committee_head):
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    minutes.attendance.filter(pk=minutes.attendance.first().pk).update(presence="absent")
    assert selectors.minutes_content_unchanged(minutes) is False


def test_a_revision_needs_a_reason_and_its_signature_supersedes_the_old_minutes(secretary, committee_head, unit):
    due = timezone.localdate() + dt.timedelta(days=15)
    review, old = signed_review(units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Sửa quy trình", unit, due)])
    with pytest.raises(ServiceError):
        services.minutes_revise(minutes=old, actor=secretary, reason="  ")
    new = services.minutes_revise(minutes=old, actor=secretary, reason="Ghi sai tên người thay thế")
    assert (new.revision, new.supersedes, new.status) == (2, old, MinutesStatus.DRAFT)
    old_action = old.actions.get()
    services.action_progress_record(action=old_action, actor=_unit_head(unit), note="Đã bắt đầu", progress=40)
    attendance, actions = minutes_rows(new)
    services.minutes_save(
        minutes=new,
        actor=secretary,
        version=new.version,
        data=minutes_content(new, conclusions="Kết luận đã sửa"),
        attendance=attendance,
        actions=actions,
    )
    new.refresh_from_db()
    services.minutes_sign(minutes=new, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == MinutesStatus.SUPERSEDED and new.status == MinutesStatus.SIGNED
    assert new.number == old.number and selectors.minutes_content_unchanged(old) is True
    review.refresh_from_db()
    assert review.status == ReviewStatus.SIGNED
    carried = new.actions.get()
    assert (carried.status, carried.progress) == (ActionStatus.IN_PROGRESS, 40)
    assert ActionUpdate.objects.get().action == carried
    assert list(ReviewAction.objects.followed()) == [carried]


def _unit_head(unit):
    from qms.roles import Role
    from qms.tests.factories import UserFactory

    return UserFactory(username="head-of-unit", unit=unit, roles=[Role.UNIT_HEAD])


def test_only_signed_current_minutes_can_be_revised(minutes, secretary, committee_head):
    with pytest.raises(ServiceError):
        services.minutes_revise(minutes=minutes, actor=secretary, reason="Sửa")
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    minutes.refresh_from_db()
    with pytest.raises(ServiceError):
        services.minutes_revise(minutes=minutes, actor=committee_head, reason="Sửa")
    services.minutes_revise(minutes=minutes, actor=secretary, reason="Sửa")
    with pytest.raises(ServiceError):
        services.minutes_revise(minutes=minutes, actor=secretary, reason="Sửa lần nữa")


def test_superseded_minutes_stay_readable(client, secretary, committee_head, unit, unit_head):
    _review, old = signed_review(
        units=[unit], secretary=secretary, committee_head=committee_head, attendees=[secretary, committee_head, unit_head]
    )
    new = services.minutes_revise(minutes=old, actor=secretary, reason="Bổ sung kết luận")
    services.minutes_sign(minutes=new, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    client.force_login(unit_head)
    response = client.get(reverse("reviews:minutes_detail", args=[old.pk]))
    assert response.status_code == 200 and "Đã được thay thế" in response.content.decode()


def test_it_refuses_to_sign_minutes_of_a_meeting_that_has_not_ended_yet(secretary, committee_head, unit):
    import datetime as dt

    from django.utils import timezone

    from reviews.models import Minutes
    from reviews.tests.factories import preparing_review, ready_minutes

    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    later = timezone.now() + dt.timedelta(days=3)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    Minutes.objects.filter(pk=minutes.pk).update(
        started_at=later, ended_at=later + dt.timedelta(hours=2), time_change_reason="Lùi lịch họp"
    )
    minutes.refresh_from_db()
    with pytest.raises(ServiceError) as info:
        services.minutes_sign(minutes=minutes, actor=committee_head, password="Mật-khẩu-thử-2026", secret=SIGNING_SECRET)
    assert "chưa diễn ra" in info.value.message
    minutes.refresh_from_db()
    assert minutes.status == MinutesStatus.DRAFT and minutes.number is None
