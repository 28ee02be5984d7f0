"""Edge cases of the shared core: malformed inbox ids, empty or disguised uploads (each test failed
before its fix)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qms.models import Notification
from qms.services import notification_send
from qms.uploads import validate_upload


@pytest.mark.django_db
@pytest.mark.parametrize("raw_id", ["abc", "", "²", "1;2"])
def test_marking_a_notification_read_with_a_malformed_id_marks_nothing_and_never_fails(client, unit_head, raw_id):
    notification_send(recipients=[unit_head], subject="Một", email=False)
    notification_send(recipients=[unit_head], subject="Hai", email=False)
    client.force_login(unit_head)
    response = client.post(reverse("inbox_mark_read"), {"id": raw_id})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=unit_head, read_at__isnull=True).count() == 2


@pytest.mark.django_db
def test_marking_another_users_notification_read_changes_nothing(client, unit_head, staff_user):
    theirs = notification_send(recipients=[staff_user], subject="Của người khác", email=False)[0]
    client.force_login(unit_head)
    assert client.post(reverse("inbox_mark_read"), {"id": str(theirs.pk)}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_marking_with_a_huge_id_marks_nothing_and_never_fails(client, unit_head):
    notification_send(recipients=[unit_head], subject="Một", email=False)
    client.force_login(unit_head)
    assert client.post(reverse("inbox_mark_read"), {"id": "9" * 30}).status_code == 302
    assert Notification.objects.filter(recipient=unit_head, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("name", ["ghi-chu.txt", "so-lieu.csv"])
def test_an_empty_file_is_refused(name):
    with pytest.raises(ValidationError) as exc:
        validate_upload(SimpleUploadedFile(name, b""))
    assert "rỗng" in str(exc.value)


@pytest.mark.parametrize("name", ["bao-cao.pdf.exe", "bao-cao", "bao-cao.pdf.", ".pdf"])
def test_a_file_with_a_double_or_missing_extension_is_refused(name):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, b"%PDF-1.4 noi dung"))


def test_an_upper_case_extension_is_accepted():
    validate_upload(SimpleUploadedFile("BAO-CAO.PDF", b"%PDF-1.4 noi dung"))


# --- Issue 13: one helper for export cells, one for `next` ---


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Bình thường", "Bình thường"),
        ("-5", "-5"),
        ("+2,5%", "+2,5%"),
        ("", ""),
        (None, None),
        (-3, -3),
    ],
)
def test_safe_cell_neutralises_text_that_starts_like_a_formula_and_leaves_the_rest(value, expected):
    from qms.excel import safe_cell

    assert safe_cell(value) == expected


def test_safe_cell_leaves_dates_and_decimals_untouched():
    import datetime as dt
    from decimal import Decimal

    from qms.excel import safe_cell

    day, amount = dt.date(2026, 4, 2), Decimal("-1.5")
    assert safe_cell(day) is day and safe_cell(amount) is amount


@pytest.mark.parametrize("target", ["-1", "//evil.example", "https://evil.example/x", "javascript:alert(1)", "", "///evil.example"])
def test_safe_next_falls_back_to_the_default_for_anything_that_is_not_a_local_path(rf, target):
    from qms.http import safe_next

    response = safe_next(rf.post("/x/", {"next": target}), "/mac-dinh/")
    assert response.status_code == 302 and response["Location"] == "/mac-dinh/"


def test_safe_next_follows_a_local_path(rf):
    from qms.http import safe_next

    assert safe_next(rf.post("/x/", {"next": "/reviews/actions/?page=2"}), "/mac-dinh/")["Location"] == "/reviews/actions/?page=2"
    assert safe_next(rf.get("/x/", {"next": "/inbox/"}), "/mac-dinh/")["Location"] == "/inbox/"
