"""Demo organisation, units and one user per role. Idempotent: natural keys, get_or_create."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Organisation, Unit, User
from .roles import Role

DEMO_PASSWORD = "Demo@2026"

UNITS = [
    ("VP", "Văn phòng"),
    ("CSHTQT", "Phòng Chính sách và Hợp tác quốc tế"),
    ("DP", "Phòng Địa phương"),
    ("NV", "Phòng Nghiệp vụ"),
    ("TTBCXB", "Phòng Thông tin báo chí xuất bản"),
]

# username, full name, job title, unit code, roles, is_staff (Django admin)
USERS = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", "VP", [], True),
    ("thuky", "Đặng Thị Khánh Hòa", "Phó Chánh Văn phòng, Thư ký ISO", "VP", [Role.SECRETARY], False),
    ("truongban", "Phạm Anh Tuấn", "Cục trưởng, Trưởng ban chỉ đạo ISO", "VP", [Role.COMMITTEE_HEAD], False),
    ("thanhvien", "Đỗ Văn Khởi", "Phó Chánh Văn phòng phụ trách", "VP", [Role.COMMITTEE_MEMBER], False),
    ("vp.truong", "Lê Thị Hương", "Chánh Văn phòng", "VP", [Role.UNIT_HEAD], False),
    ("cshtqt.truong", "Trần Quốc Bảo", "Trưởng phòng", "CSHTQT", [Role.UNIT_HEAD], False),
    ("dp.truong", "Nguyễn Thị Mai", "Trưởng phòng", "DP", [Role.UNIT_HEAD], False),
    ("nv.truong", "Hoàng Văn Nam", "Trưởng phòng", "NV", [Role.UNIT_HEAD], False),
    ("ttbcxb.truong", "Bùi Thị Lan", "Trưởng phòng", "TTBCXB", [Role.UNIT_HEAD], False),
    ("nv.chuyenvien", "Vũ Minh Anh", "Chuyên viên", "NV", [Role.STAFF], False),
    ("vp.chuyenvien", "Phan Thu Trang", "Chuyên viên", "VP", [Role.STAFF], False),
]


@transaction.atomic
def load_core() -> dict[str, User]:
    if not Organisation.objects.exists():
        Organisation.objects.create()
    units = {}
    for order, (code, name) in enumerate(UNITS, start=1):
        units[code], _ = Unit.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    users = {}
    for username, full_name, title, unit_code, roles, is_admin in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "job_title": title,
                "unit": units[unit_code],
                "email": f"{username}@demo.gov.vn",
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
        users[username] = user
    return users
