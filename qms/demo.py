"""Demo agencies of one province, their units and users per role, and the provincial overseer.
Idempotent: natural keys, get_or_create. The first agency (Cục Thông tin đối ngoại, QT.HT.06) carries
the full demo; the second (Sở Công Thương tỉnh Khánh Hòa, QT.CTCL) is smaller; its users' names start
with "sct."."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction

from .models import Organisation, OrganisationKind, SignerKind, SignerProfile, TrustAnchor, Unit, User
from .roles import Role

DEMO_PASSWORD = "Demo@2026"

# code, kind, settings
ORGANISATIONS: list[tuple[str, OrganisationKind, dict[str, Any]]] = [
    ("cuc-ttdn", OrganisationKind.AGENCY, {}),
    (
        "so-cong-thuong",
        OrganisationKind.AGENCY,
        {
            "name": "Sở Công Thương tỉnh Khánh Hòa",
            "short_name": "Sở Công Thương",
            "parent_name": "UBND tỉnh Khánh Hòa",
            "place_name": "Khánh Hòa",
            "committee_name": "Ban ISO",
            "notice_symbol": "TB-SCT",
            "minutes_symbol": "BB-SCT",
            "report_symbol": "BC-SCT",
            "minutes_form": "BM.CTCL.02",
            "ticket_record_retention_years": 3,
            # QT.CTCL: the top leader (Giám đốc Sở) chairs the review and approves the objectives.
            "review_chair_role": Role.TOP_LEADER.value,
            "objectives_approver_role": Role.TOP_LEADER.value,
        },
    ),
    (
        "so-khcn",
        OrganisationKind.OVERSIGHT,
        {"name": "Sở Khoa học và Công nghệ tỉnh Khánh Hòa", "short_name": "Sở KH&CN", "parent_name": "UBND tỉnh Khánh Hòa"},
    ),
]

SMALL_AGENCY_UNITS = [
    ("VP", "Văn phòng Sở"),
    ("QLTM", "Phòng Quản lý thương mại"),
]

UNITS = [
    ("VP", "Văn phòng"),
    ("CSHTQT", "Phòng Chính sách và Hợp tác quốc tế"),
    ("DP", "Phòng Địa phương"),
    ("NV", "Phòng Nghiệp vụ"),
    ("TTBCXB", "Phòng Thông tin báo chí xuất bản"),
]

# username, full name, job title, unit code, roles, is_superuser (the provincial admin)
USERS = [
    ("admin", "Quản trị hệ thống", "Quản trị viên", "VP", [], True),
    ("cuc.quantri", "Ngô Văn Quản", "Chuyên viên Văn phòng, quản trị hệ thống", "VP", [Role.AGENCY_ADMIN], False),
    ("lanhdao", "Nguyễn Hữu Quang", "Cục trưởng", "VP", [Role.TOP_LEADER], False),
    ("thuky", "Đặng Thị Khánh Hòa", "Phó Chánh Văn phòng, Thư ký ISO", "VP", [Role.SECRETARY], False),
    ("truongban", "Phạm Anh Tuấn", "Phó Cục trưởng, Trưởng ban chỉ đạo ISO", "VP", [Role.COMMITTEE_HEAD], False),
    ("thanhvien", "Đỗ Văn Khởi", "Phó Chánh Văn phòng phụ trách", "VP", [Role.COMMITTEE_MEMBER], False),
    ("thanhvien2", "Lương Thị Hạnh", "Phó Trưởng phòng Nghiệp vụ", "NV", [Role.COMMITTEE_MEMBER], False),
    ("vp.truong", "Lê Thị Hương", "Chánh Văn phòng", "VP", [Role.UNIT_HEAD], False),
    ("cshtqt.truong", "Trần Quốc Bảo", "Trưởng phòng", "CSHTQT", [Role.UNIT_HEAD], False),
    ("dp.truong", "Nguyễn Thị Mai", "Trưởng phòng", "DP", [Role.UNIT_HEAD], False),
    ("nv.truong", "Hoàng Văn Nam", "Trưởng phòng", "NV", [Role.UNIT_HEAD], False),
    ("ttbcxb.truong", "Bùi Thị Lan", "Trưởng phòng", "TTBCXB", [Role.UNIT_HEAD], False),
    ("nv.chuyenvien", "Vũ Minh Anh", "Chuyên viên", "NV", [Role.STAFF], False),
    ("vp.chuyenvien", "Phan Thu Trang", "Chuyên viên", "VP", [Role.STAFF], False),
    # An ISO focal point per unit (Đầu mối ISO); nv.daumoi is the one NV's head named to submit (UNIT_SUBMITTERS).
    ("vp.daumoi", "Đinh Thị Thảo", "Chuyên viên, Đầu mối ISO", "VP", [Role.FOCAL_POINT], False),
    ("cshtqt.daumoi", "Mai Văn Hùng", "Chuyên viên, Đầu mối ISO", "CSHTQT", [Role.FOCAL_POINT], False),
    ("dp.daumoi", "Tạ Thị Yến", "Chuyên viên, Đầu mối ISO", "DP", [Role.FOCAL_POINT], False),
    ("nv.daumoi", "Kiều Văn Long", "Chuyên viên chính, Đầu mối ISO", "NV", [Role.FOCAL_POINT], False),
    ("ttbcxb.daumoi", "Hà Thị Phương", "Chuyên viên, Đầu mối ISO", "TTBCXB", [Role.FOCAL_POINT], False),
]
# unit code -> the focal point the unit's head named to submit its report and declare its actions done.
UNIT_SUBMITTERS = {"NV": "nv.daumoi"}


SMALL_AGENCY_USERS = [
    ("sct.quantri", "Lê Văn Trị", "Chuyên viên Văn phòng Sở", "VP", [Role.AGENCY_ADMIN], False),
    ("sct.thuky", "Trần Thị Ngọc Hà", "Chuyên viên Văn phòng Sở, Thư ký ISO", "VP", [Role.SECRETARY], False),
    # The Giám đốc Sở is the top leader (chair under QT.CTCL) and heads the Ban ISO: one person, two roles.
    ("sct.truongban", "Nguyễn Văn Thành", "Giám đốc Sở, Trưởng Ban ISO", "VP", [Role.TOP_LEADER, Role.COMMITTEE_HEAD], False),
    ("sct.vp.truong", "Phạm Thị Thu", "Chánh Văn phòng Sở", "VP", [Role.UNIT_HEAD], False),
    ("sct.vp.daumoi", "Lê Thị Kim Chi", "Chuyên viên Văn phòng Sở, Đầu mối ISO", "VP", [Role.FOCAL_POINT], False),
    ("sct.qltm.truong", "Võ Minh Quang", "Trưởng phòng Quản lý thương mại", "QLTM", [Role.UNIT_HEAD], False),
    ("sct.qltm.daumoi", "Phan Văn Đức", "Chuyên viên, Đầu mối ISO", "QLTM", [Role.FOCAL_POINT], False),
    ("sct.qltm.chuyenvien", "Huỳnh Thị Lan", "Chuyên viên", "QLTM", [Role.STAFF], False),
]
OVERSEERS = [("tinh.theodoi", "Đoàn Minh Tâm", "Chuyên viên Chi cục Tiêu chuẩn Đo lường Chất lượng", [Role.OVERSEER])]


def _user(username: str, full_name: str, title: str, organisation: Organisation | None, unit: Unit | None, roles, superuser: bool) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "organisation": organisation,
            "full_name": full_name,
            "job_title": title,
            "unit": unit,
            "email": f"{username}@demo.gov.vn",
            "is_staff": superuser or Role.AGENCY_ADMIN in roles,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
    return user


def _agency_users(organisation: Organisation, unit_rows, user_rows) -> dict[str, User]:
    units = {}
    for order, (code, name) in enumerate(unit_rows, start=1):
        units[code], _ = Unit.objects.get_or_create(organisation=organisation, code=code, defaults={"name": name, "order": order})
    return {
        username: _user(
            username, full_name, title, None if superuser else organisation, None if superuser else units[unit_code], roles, superuser
        )
        for username, full_name, title, unit_code, roles, superuser in user_rows
    }


@transaction.atomic
def load_organisations() -> dict[str, Organisation]:
    organisations = {}
    for code, kind, settings in ORGANISATIONS:
        organisations[code], _ = Organisation.objects.get_or_create(code=code, defaults={"kind": kind, **settings})
    return organisations


@transaction.atomic
def load_core() -> dict[str, User]:
    """The first agency's users (the full demo runs in it), keyed by username."""
    organisations = load_organisations()
    users = _agency_users(organisations["cuc-ttdn"], UNITS, USERS)
    for code, username in UNIT_SUBMITTERS.items():
        Unit.objects.filter(organisation=organisations["cuc-ttdn"], code=code, report_submitter__isnull=True).update(
            report_submitter=users[username]
        )
    # QT.CTCL 5.6: the Cục trưởng verifies tickets and has delegated it to the deputy who heads the ISO
    # committee; both are named in the agency's settings.
    organisations["cuc-ttdn"].ticket_verifiers.add(users["lanhdao"], users["truongban"])
    load_signers(organisations["cuc-ttdn"], users)
    return users


@transaction.atomic
def load_small_agency() -> dict[str, User]:
    """The second agency's users and the provincial overseer, keyed by username."""
    organisations = load_organisations()
    users = _agency_users(organisations["so-cong-thuong"], SMALL_AGENCY_UNITS, SMALL_AGENCY_USERS)
    load_signers(organisations["so-cong-thuong"], users)
    for username, full_name, title, roles in OVERSEERS:
        users[username] = _user(username, full_name, title, organisations["so-khcn"], None, roles, False)
    return users


DEMO_TRUST_ANCHOR = "QMS demo root (chỉ dùng cho dữ liệu mẫu)"


def load_signers(organisation: Organisation, users: dict[str, User]) -> None:
    """The demo's test CA (under the var dir, made once): a .p12 and a signature image per user of the
    agency, one .p12 and the seal for the agency, and the demo root among the trust anchors. Every demo
    .p12's passphrase is DEMO_PASSWORD."""
    from .signing.ca import demo_ca
    from .signing.demo_images import seal_png, signature_png

    ca = demo_ca(django_settings.VAR_DIR / "signing" / "demo-ca")
    TrustAnchor.objects.update_or_create(name=DEMO_TRUST_ANCHOR, defaults={"certificate": ca.root_pem})
    if not organisation.seal_image:
        organisation.seal_image.save(f"{organisation.code}-seal.png", ContentFile(seal_png(organisation.name)), save=True)
    signers: list[tuple[User | None, str, str]] = [(None, organisation.name, f"{organisation.code}-agency")]
    signers += [(u, u.display_name, f"{organisation.code}-{u.username}") for u in users.values() if u.organisation_id == organisation.pk]
    for user, name, slug in signers:
        profile = SignerProfile.objects.filter(organisation=organisation, user=user).first()
        current = Path(str(profile.config.get("path", ""))) if profile is not None else None
        if current is not None and current.is_file() and current.parent == ca.directory:
            continue  # loaded before: the same .p12 (a profile pointing elsewhere is replaced by the demo's)
        path = ca.issue(name=name, slug=slug, passphrase=DEMO_PASSWORD, organisation=organisation.name, email=user.email if user else "")
        profile, _created = SignerProfile.objects.update_or_create(
            organisation=organisation, user=user, defaults={"kind": SignerKind.PKCS12, "config": {"path": str(path)}}
        )
        if user is not None and not profile.signature_image:
            profile.signature_image.save(f"{slug}.png", ContentFile(signature_png(name)), save=True)
