"""Units and users from an Excel workbook in Django admin (qms.user_import): the dry run, the refusals by
row and column, the import into the admin's own agency, a second import that updates, the export."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qms.models import AuditEntry, OutboxMessage, Unit, User
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory
from qms.user_import import UNIT_COLUMNS, UNITS_SHEET, USER_COLUMNS, USERS_SHEET

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_admin(organisation, unit):
    return UserFactory(username="quantri", unit=unit, is_staff=True, roles=[Role.AGENCY_ADMIN])


def workbook(units=(), users=()) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = UNITS_SHEET
    sheet.append(UNIT_COLUMNS)
    for row in units:
        sheet.append(list(row))
    sheet = book.create_sheet(USERS_SHEET)
    sheet.append(USER_COLUMNS)
    for row in users:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "nguoi-dung.xlsx"
    return out


UNITS = [("KHTC", "Phòng Kế hoạch – Tài chính", 4), ("TTr", "Thanh tra", 5)]
USERS = [
    ("nguyen.thu", "Nguyễn Thị Thu", "thu.nt@example.gov.vn", "KHTC", "Trưởng phòng", "Lãnh đạo đơn vị; Thành viên Ban chỉ đạo ISO"),
    ("tran.duc", "Trần Minh Đức", "duc.tm@example.gov.vn", "KHTC", "Chuyên viên", "Đầu mối ISO"),
    ("le.hoa", "Lê Thị Hoa", "hoa.lt@example.gov.vn", "TTr", "Chánh Thanh tra", "Lãnh đạo đơn vị"),
]


def _preview(client, **sheets):
    return client.post(reverse("admin:qms_user_import"), {"file": workbook(**sheets)})


def _apply(client, preview):
    return client.post(reverse("admin:qms_user_import"), {"apply": "1", "digest": preview.context["digest"]}, follow=True)


def test_the_dry_run_shows_what_would_change_and_writes_nothing(client, agency_admin):
    client.force_login(agency_admin)
    changelist = client.get(reverse("admin:qms_user_changelist")).content.decode()
    assert reverse("admin:qms_user_import") in changelist and reverse("admin:qms_user_export") in changelist
    users, units, audits = User.objects.count(), Unit.objects.count(), AuditEntry.objects.count()
    response = _preview(client, units=UNITS, users=USERS)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Phòng Kế hoạch – Tài chính" in page and "Nguyễn Thị Thu" in page and "Thêm mới" in page
    assert (User.objects.count(), Unit.objects.count(), AuditEntry.objects.count()) == (users, units, audits)
    assert not OutboxMessage.objects.exists()


def test_each_refusal_names_the_sheet_row_and_column_in_vietnamese_and_nothing_is_written(client, agency_admin, other_organisation):
    UserFactory(username="sct.user", unit=UnitFactory(organisation=other_organisation, code="QLTM"))
    client.force_login(agency_admin)
    rows = [
        USERS[0],
        ("tran.duc", "Trần Minh Đức", "không-phải-email", "KHTC", "Chuyên viên", "Đầu mối ISO"),
        ("le.hoa", "", "hoa.lt@example.gov.vn", "PXX", "Chánh Thanh tra", "Trưởng phòng"),
        ("sct.user", "Người Sở khác", "a@example.gov.vn", "", "", ""),
        ("nguyen.thu", "Trùng tên", "b@example.gov.vn", "", "", "Cán bộ theo dõi ISO cấp tỉnh"),
    ]
    response = _preview(client, units=[*UNITS, ("", "Không có mã", "x")], users=rows)
    errors = [str(e) for e in response.context["plan"].errors]
    assert errors == [
        "Trang “Đơn vị”, dòng 4, cột “Mã đơn vị”: chưa nhập.",
        "Trang “Đơn vị”, dòng 4, cột “Thứ tự”: phải là một số nguyên từ 0 đến 32767.",
        "Trang “Người dùng”, dòng 3, cột “E-mail”: “không-phải-email” không phải là địa chỉ e-mail hợp lệ.",
        "Trang “Người dùng”, dòng 4, cột “Họ và tên”: chưa nhập.",
        "Trang “Người dùng”, dòng 4, cột “Mã đơn vị”: không có đơn vị mã “PXX” trong cơ quan hay ở trang “Đơn vị”.",
        errors[5],
        "Trang “Người dùng”, dòng 5, cột “Tên đăng nhập”: tên này đã được dùng cho người của cơ quan khác.",
        "Trang “Người dùng”, dòng 6, cột “Tên đăng nhập”: tên “nguyen.thu” trùng với một dòng ở trên.",
        errors[8],
    ]
    assert errors[5].startswith(
        "Trang “Người dùng”, dòng 4, cột “Vai trò”: không có vai trò “Trưởng phòng”. Các vai trò: Lãnh đạo cao nhất;"
    )
    assert errors[8].startswith("Trang “Người dùng”, dòng 6, cột “Vai trò”: không có vai trò “Cán bộ theo dõi ISO cấp tỉnh”.")
    page = response.content.decode()
    assert "chưa nhập gì" in page and 'name="apply"' not in page
    assert not User.objects.filter(username__in=["nguyen.thu", "tran.duc"]).exists()
    # Nothing was kept for an import either.
    response = client.post(reverse("admin:qms_user_import"), {"apply": "1", "digest": "x"}, follow=True)
    assert "Bản xem trước đã hết hạn" in response.content.decode()
    assert not User.objects.filter(username="nguyen.thu").exists()


def test_the_import_creates_units_and_users_with_roles_in_the_admins_agency_and_no_password(client, agency_admin, organisation):
    client.force_login(agency_admin)
    preview = _preview(client, units=UNITS, users=USERS)
    response = _apply(client, preview)
    assert "Đã nhập: 5 dòng thêm mới, 0 dòng cập nhật, 0 dòng không đổi." in response.content.decode()
    thu = User.objects.get(username="nguyen.thu")
    assert (thu.full_name, thu.email, thu.job_title, thu.organisation_id) == (
        "Nguyễn Thị Thu",
        "thu.nt@example.gov.vn",
        "Trưởng phòng",
        organisation.pk,
    )
    assert thu.unit.name == "Phòng Kế hoạch – Tài chính" and thu.unit.organisation_id == organisation.pk
    assert thu.has_role(Role.UNIT_HEAD, Role.COMMITTEE_MEMBER) and thu.role_names == {"Lãnh đạo đơn vị", "Thành viên Ban chỉ đạo ISO"}
    assert User.objects.get(username="tran.duc").role_names == {"Đầu mối ISO"}
    assert not thu.has_usable_password()
    welcome = OutboxMessage.objects.get(recipient="thu.nt@example.gov.vn")
    assert "Tên đăng nhập: nguyen.thu" in welcome.body and "/accounts/reset/" in welcome.body
    assert AuditEntry.objects.filter(actor=agency_admin, action="Nhập từ Excel: thêm mới").count() == 5
    # The link works: the person chooses a password with it.
    link = welcome.body.split("/accounts/reset/")[1].split()[0]
    form = client.get(f"/accounts/reset/{link}", follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()


def test_a_second_import_updates_instead_of_duplicating(client, agency_admin, organisation):
    client.force_login(agency_admin)
    _apply(client, _preview(client, units=UNITS, users=USERS))
    Group.objects.get_or_create(name="Nhóm riêng của cơ quan")[0].user_set.add(User.objects.get(username="tran.duc"))
    changed = [
        USERS[0],
        ("TRAN.DUC", "Trần Minh Đức", "duc.tm@example.gov.vn", "TTr", "Phó Chánh Thanh tra", "Lãnh đạo đơn vị"),
        USERS[2],
    ]
    preview = _preview(client, units=[("KHTC", "Phòng Kế hoạch, Tài chính", 4), UNITS[1]], users=changed)
    assert [r.action for r in preview.context["plan"].users] == ["same", "update", "same"]
    response = _apply(client, preview)
    assert "Đã nhập: 0 dòng thêm mới, 2 dòng cập nhật, 3 dòng không đổi." in response.content.decode()
    assert User.objects.filter(username__iexact="tran.duc").count() == 1
    duc = User.objects.get(username="tran.duc")
    assert (duc.job_title, duc.unit.code) == ("Phó Chánh Thanh tra", "TTr")
    assert duc.role_names == {"Lãnh đạo đơn vị", "Nhóm riêng của cơ quan"}  # a group that is not a role is kept
    assert Unit.objects.filter(organisation=organisation, code="KHTC").get().name == "Phòng Kế hoạch, Tài chính"
    assert OutboxMessage.objects.count() == 3  # no second welcome


def test_the_export_gives_the_same_sheets_of_the_admins_agency_only(client, agency_admin, other_organisation):
    UserFactory(username="sct.user", unit=UnitFactory(organisation=other_organisation, code="QLTM"))
    client.force_login(agency_admin)
    _apply(client, _preview(client, units=UNITS, users=USERS))
    response = client.get(reverse("admin:qms_user_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    users = [tuple(r) for r in book[USERS_SHEET].iter_rows(values_only=True)]
    assert users[0] == tuple(USER_COLUMNS)
    assert (
        "nguyen.thu",
        "Nguyễn Thị Thu",
        "thu.nt@example.gov.vn",
        "KHTC",
        "Trưởng phòng",
        "Lãnh đạo đơn vị;Thành viên Ban chỉ đạo ISO",
    ) in users
    assert not any(r[0] == "sct.user" for r in users)
    assert not any("QLTM" == r[0] for r in book[UNITS_SHEET].iter_rows(values_only=True))
    # Imported back as is, nothing changes.
    exported = io.BytesIO(response.content)
    exported.name = "xuat.xlsx"
    preview = client.post(reverse("admin:qms_user_import"), {"file": exported})
    assert preview.context["plan"].ok and preview.context["plan"].counts()["create"] == 0
    assert preview.context["plan"].counts()["update"] == 0


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, agency_admin):
    client.force_login(agency_admin)
    bad = io.BytesIO(b"not a zip")
    bad.name = "nguoi-dung.xlsx"
    response = client.post(reverse("admin:qms_user_import"), {"file": bad})
    assert "Không đọc được tệp: hãy chọn một tệp Excel .xlsx." in response.content.decode()


def test_the_provincial_admin_chooses_the_agency_and_people_without_admin_rights_are_kept_out(
    client, organisation, other_organisation, staff_user
):
    client.force_login(staff_user)
    assert client.get(reverse("admin:qms_user_import")).status_code == 302  # not staff: admin's sign-in
    root = UserFactory(username="tinh.admin", unit=None, organisation=None, is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(reverse("admin:qms_user_import"), {"file": workbook(users=USERS[:1], units=UNITS[:1])})
    assert "organisation" in response.context["form"].errors
    preview = client.post(
        reverse("admin:qms_user_import"), {"file": workbook(users=USERS[:1], units=UNITS[:1]), "organisation": other_organisation.pk}
    )
    _apply(client, preview)
    assert User.objects.get(username="nguyen.thu").organisation_id == other_organisation.pk
    assert client.get(reverse("admin:qms_user_export")).status_code == 302  # the agency must be chosen
    assert client.get(reverse("admin:qms_user_export") + f"?organisation={other_organisation.pk}").status_code == 200
