"""Units and users of one agency from an Excel workbook, and back (Django admin: Người dùng → Nhập từ Excel).

The workbook has two sheets, both optional: "Đơn vị" (Mã đơn vị, Tên đơn vị, Thứ tự) and "Người dùng" (Tên
đăng nhập, Họ và tên, E-mail, Mã đơn vị, Chức vụ, Vai trò — the roles by the procedures' names, separated by
";"). `import_plan` reads and checks the whole workbook and writes nothing (the dry run the admin sees as a
preview, every refusal naming its sheet, row and column); `import_apply` writes a plan with no errors. A row
is keyed by the unit's code or the user's login in the agency, so importing the same workbook again updates
rather than duplicates. Passwords are never imported: a new user gets an unusable password and an e-mail
with a link to choose one."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .excel import safe_row
from .messages import N_
from .models import Organisation, Unit, User
from .roles import Role
from .services import audit_record, outbox_enqueue

UNITS_SHEET = "Đơn vị"
USERS_SHEET = "Người dùng"
UNIT_COLUMNS = ["Mã đơn vị", "Tên đơn vị", "Thứ tự"]
USER_COLUMNS = ["Tên đăng nhập", "Họ và tên", "E-mail", "Mã đơn vị", "Chức vụ", "Vai trò"]
ROLE_SEPARATOR = ";"
MAX_ROWS = 2000  # a province's largest agency has a few hundred staff
MAX_FILE_BYTES = 2 * 1024 * 1024
# Roles an agency's people may hold: never the provincial overseer's (qms.admin.AGENCY_ROLES).
IMPORTABLE_ROLES = {role.value.casefold(): role for role in Role if role != Role.OVERSEER}

CREATE, UPDATE, SAME = "create", "update", "same"
ACTION_LABELS = {CREATE: N_("Thêm mới"), UPDATE: N_("Cập nhật"), SAME: N_("Không đổi")}


class ImportFileError(Exception):
    """The file is not a workbook this import reads (the message says why, in the reader's language)."""


@dataclass
class RowError:
    sheet: str
    row: int  # the spreadsheet's row number, as the admin sees it in Excel
    column: str
    message: str

    def __str__(self) -> str:
        return _("Trang “%(sheet)s”, dòng %(row)s, cột “%(column)s”: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    order: int | None
    action: str = SAME
    existing: Unit | None = None


@dataclass
class UserRow:
    row: int
    username: str
    full_name: str
    email: str
    unit_code: str
    job_title: str
    roles: list[Role]
    action: str = SAME
    existing: User | None = None


@dataclass
class ImportPlan:
    organisation: Organisation
    units: list[UnitRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        actions = [r.action for r in self.units] + [r.action for r in self.users]
        return {action: actions.count(action) for action in (CREATE, UPDATE, SAME)}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _read_sheet(workbook: Any, title: str, columns: list[str], errors: list[RowError]) -> list[tuple[int, dict[str, str]]]:
    if title not in workbook.sheetnames:
        return []
    rows = workbook[title].iter_rows(values_only=True)
    header = [_text(cell) for cell in next(rows, ())]
    missing = [c for c in columns if c not in header]
    if missing:
        for column in missing:
            errors.append(RowError(title, 1, column, _("thiếu cột này ở dòng tiêu đề.")))
        return []
    index = {c: header.index(c) for c in columns}
    out = []
    for number, values in enumerate(rows, start=2):
        cells = {c: _text(values[i]) if i < len(values) else "" for c, i in index.items()}
        if any(cells.values()):
            out.append((number, cells))
        if len(out) > MAX_ROWS:  # stop reading: a small file can hold millions of rows
            errors.append(RowError(title, MAX_ROWS + 2, columns[0], _("quá %(n)s dòng: hãy chia thành nhiều tệp.") % {"n": MAX_ROWS}))
            return []
    return out


def _limit(errors: list[RowError], sheet: str, row: int, column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.append(RowError(sheet, row, column, _("dài quá %(n)s ký tự.") % {"n": limit}))


def import_plan(*, organisation: Organisation, content: bytes) -> ImportPlan:
    """Read and check the workbook against the agency's units and users. Writes nothing."""
    from openpyxl import load_workbook

    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("Tệp lớn hơn %(n)s MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("Không đọc được tệp: hãy chọn một tệp Excel .xlsx.")) from exc
    if UNITS_SHEET not in workbook.sheetnames and USERS_SHEET not in workbook.sheetnames:
        raise ImportFileError(_("Tệp không có trang “%(units)s” hay “%(users)s”.") % {"units": UNITS_SHEET, "users": USERS_SHEET})
    plan = ImportPlan(organisation=organisation)
    errors = plan.errors
    unit_rows = _read_sheet(workbook, UNITS_SHEET, UNIT_COLUMNS, errors)
    user_rows = _read_sheet(workbook, USERS_SHEET, USER_COLUMNS, errors)
    workbook.close()

    # One query each for the agency's units and the users the sheet names, whatever the number of rows.
    units = {u.code.casefold(): u for u in Unit.objects.of(organisation)}
    # Logins compare without case, so "NguyenVanA" in the sheet finds the existing "nguyenvana".
    names = [cells[USER_COLUMNS[0]].lower() for _n, cells in user_rows]
    named = User.objects.annotate(login=Lower("username")).filter(login__in=names)
    users = {u.username.lower(): u for u in named.prefetch_related("groups").select_related("unit")}

    seen_codes: set[str] = set()
    for number, cells in unit_rows:
        code, name, order_text = (cells[c] for c in UNIT_COLUMNS)
        before = len(errors)
        if not code:
            errors.append(RowError(UNITS_SHEET, number, UNIT_COLUMNS[0], _("chưa nhập.")))
        elif code.casefold() in seen_codes:
            errors.append(RowError(UNITS_SHEET, number, UNIT_COLUMNS[0], _("mã “%(code)s” trùng với một dòng ở trên.") % {"code": code}))
        _limit(errors, UNITS_SHEET, number, UNIT_COLUMNS[0], code, Unit._meta.get_field("code").max_length or 20)
        if not name:
            errors.append(RowError(UNITS_SHEET, number, UNIT_COLUMNS[1], _("chưa nhập.")))
        _limit(errors, UNITS_SHEET, number, UNIT_COLUMNS[1], name, Unit._meta.get_field("name").max_length or 200)
        order = None
        if order_text:
            try:
                order = int(order_text)
                if not 0 <= order <= 32767:
                    raise ValueError
            except ValueError:
                errors.append(RowError(UNITS_SHEET, number, UNIT_COLUMNS[2], _("phải là một số nguyên từ 0 đến 32767.")))
        seen_codes.add(code.casefold())
        if len(errors) > before:
            continue
        existing = units.get(code.casefold())
        row = UnitRow(number, code, name, order, existing=existing)
        if existing is None:
            row.action = CREATE
        elif existing.name != name or (order is not None and existing.order != order):
            row.action = UPDATE
        plan.units.append(row)

    known_codes = set(units) | seen_codes
    seen_names: set[str] = set()
    validate_username = UnicodeUsernameValidator()
    for number, cells in user_rows:
        username, full_name, email, unit_code, job_title, roles_text = (cells[c] for c in USER_COLUMNS)
        before = len(errors)
        existing_user = users.get(username.lower())

        def error(column: int, message: str, _number: int = number) -> None:
            errors.append(RowError(USERS_SHEET, _number, USER_COLUMNS[column], message))

        if not username:
            error(0, _("chưa nhập."))
        else:
            try:
                validate_username(username)
            except ValidationError:
                error(0, _("chỉ gồm chữ, số và các ký tự @ . + - _ (không có dấu cách)."))
            if username.lower() in seen_names:
                error(0, _("tên “%(name)s” trùng với một dòng ở trên.") % {"name": username})
            if existing_user is not None and existing_user.organisation_id != organisation.pk:
                error(0, _("tên này đã được dùng cho người của cơ quan khác."))
        _limit(errors, USERS_SHEET, number, USER_COLUMNS[0], username, 150)
        seen_names.add(username.lower())
        if not full_name:
            error(1, _("chưa nhập."))
        _limit(errors, USERS_SHEET, number, USER_COLUMNS[1], full_name, 150)
        if not email:
            error(2, _("chưa nhập: người dùng mới nhận thư để tự đặt mật khẩu."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                error(2, _("“%(email)s” không phải là địa chỉ e-mail hợp lệ.") % {"email": email})
        _limit(errors, USERS_SHEET, number, USER_COLUMNS[2], email, 254)
        if unit_code and unit_code.casefold() not in known_codes:
            error(3, _("không có đơn vị mã “%(code)s” trong cơ quan hay ở trang “%(sheet)s”.") % {"code": unit_code, "sheet": UNITS_SHEET})
        _limit(errors, USERS_SHEET, number, USER_COLUMNS[4], job_title, 150)
        roles: list[Role] = []
        for part in roles_text.split(ROLE_SEPARATOR):
            name = " ".join(part.split())
            if not name:
                continue
            role = IMPORTABLE_ROLES.get(name.casefold())
            if role is None:
                error(
                    5,
                    _("không có vai trò “%(role)s”. Các vai trò: %(roles)s.")
                    % {"role": name, "roles": "; ".join(r.value for r in IMPORTABLE_ROLES.values())},
                )
            elif role not in roles:
                roles.append(role)
        if len(errors) > before:
            continue
        user_row = UserRow(number, username, full_name, email, unit_code, job_title, roles, existing=existing_user)
        user_row.action = CREATE if existing_user is None else (UPDATE if _user_changes(user_row, existing_user) else SAME)
        plan.users.append(user_row)
    return plan


def _role_names(user: User) -> set[str]:
    return {g.name for g in user.groups.all() if g.name.casefold() in IMPORTABLE_ROLES}


def _user_changes(row: UserRow, user: User) -> bool:
    unit_code = user.unit.code if user.unit else ""
    return (user.full_name, user.email, user.job_title, unit_code.casefold()) != (
        row.full_name,
        row.email,
        row.job_title,
        row.unit_code.casefold(),
    ) or _role_names(user) != {r.value for r in row.roles}


@transaction.atomic
def import_apply(*, plan: ImportPlan, actor: User) -> dict[str, int]:
    """Write a checked plan: units first (users name them by code), then users with their unit and roles,
    each add and change audited. New users get an unusable password and an e-mail to choose one."""
    if not plan.ok:
        raise ValueError("import_apply needs a plan without errors")
    organisation = plan.organisation
    for unit_row in plan.units:
        if unit_row.action == CREATE:
            unit = Unit.objects.create(organisation=organisation, code=unit_row.code, name=unit_row.name, order=unit_row.order or 0)
            audit_record(target=unit, actor=actor, action=N_("Nhập từ Excel: thêm mới"))
        elif unit_row.action == UPDATE and unit_row.existing is not None:
            unit = unit_row.existing
            unit.name = unit_row.name
            if unit_row.order is not None:
                unit.order = unit_row.order
            unit.save(update_fields=["name", "order"])
            audit_record(target=unit, actor=actor, action=N_("Nhập từ Excel: cập nhật"))
    units = {u.code.casefold(): u for u in Unit.objects.of(organisation)}
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in IMPORTABLE_ROLES.values()])}
    for role in IMPORTABLE_ROLES.values():  # a group a fresh database has not made yet
        if role.value not in groups:
            groups[role.value] = Group.objects.create(name=role.value)
    for row in plan.users:
        if row.action == SAME:
            continue
        user = row.existing or User(username=row.username, organisation=organisation)
        user.full_name, user.email, user.job_title = row.full_name, row.email, row.job_title
        user.unit = units[row.unit_code.casefold()] if row.unit_code else None
        if row.existing is None:
            user.set_unusable_password()  # never imported: the person chooses it from the e-mailed link
        user.save()
        kept = [g for g in user.groups.all() if g.name.casefold() not in IMPORTABLE_ROLES] if row.existing else []
        user.groups.set([*kept, *(groups[r.value] for r in row.roles)])
        audit_record(
            target=user, actor=actor, action=N_("Nhập từ Excel: thêm mới") if row.existing is None else N_("Nhập từ Excel: cập nhật")
        )
        if row.existing is None:
            _welcome_mail(user)
    return plan.counts()


def _welcome_mail(user: User) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL.rstrip("/") + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )
    body = (
        f"Kính gửi {user.display_name},\n\n"
        f"Tài khoản của Anh/Chị trên Hệ thống quản lý chất lượng ISO 9001 đã được tạo. Tên đăng nhập: {user.username}\n"
        f"Hãy mở đường dẫn sau để tự đặt mật khẩu (đường dẫn dùng được một lần, trong "
        f"{settings.PASSWORD_RESET_TIMEOUT // 86400} ngày):\n{link}\n\n"
        "Nếu đường dẫn đã hết hạn, hãy chọn “Quên mật khẩu” ở trang đăng nhập."
    )
    outbox_enqueue(key=f"user-import-welcome:{user.pk}", to=user.email, subject="Tài khoản Hệ thống quản lý chất lượng ISO 9001", body=body)


def export_workbook(*, organisation: Organisation) -> bytes:
    """The agency's units and users in the same two sheets the import reads (no passwords, ever)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    units_sheet = workbook.active
    units_sheet.title = UNITS_SHEET
    units_sheet.append(UNIT_COLUMNS)
    for unit in Unit.objects.of(organisation).order_by("order", "name"):
        units_sheet.append(safe_row([unit.code, unit.name, unit.order]))
    users_sheet = workbook.create_sheet(USERS_SHEET)
    users_sheet.append(USER_COLUMNS)
    people = User.objects.filter(organisation=organisation, is_active=True).select_related("unit").prefetch_related("groups")
    for user in people.order_by("unit__order", "full_name", "username"):
        roles = ROLE_SEPARATOR.join(sorted(_role_names(user)))
        users_sheet.append(
            safe_row([user.username, user.full_name, user.email, user.unit.code if user.unit else "", user.job_title, roles])
        )
    for sheet, widths in ((units_sheet, [14, 50, 8]), (users_sheet, [20, 30, 32, 14, 30, 50])):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for letter, width in zip("ABCDEF", widths, strict=False):
            sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
