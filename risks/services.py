"""Every write of the risk table. A change copies the row as it was into RiskHistory, then updates it with
a conditional UPDATE on its version (a save from a stale page writes nothing); the level always follows
from frequency and impact by the agency's matrix."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.errors import NotAllowed, ServiceError, StaleEditError
from qms.messages import N_
from qms.models import Unit, User
from qms.services import audit_record
from qms.transitions import check_transition

from . import rules
from .models import (
    CONTENT_FIELDS,
    RISK_TRANSITIONS,
    Effectiveness,
    Frequency,
    Impact,
    Kind,
    Risk,
    RiskHistory,
    RiskSettings,
    RiskStatus,
)

# What a caller may set; `level` is always computed, `status` moves through RISK_TRANSITIONS.
EDITABLE_FIELDS = [f for f in CONTENT_FIELDS if f != "level"]


def risk_level(*, organisation_id: int, frequency: str, impact: str) -> str:
    if frequency not in Frequency.values:
        raise ServiceError(_("Tần suất xuất hiện không hợp lệ."), field="frequency")
    if impact not in Impact.values:
        raise ServiceError(_("Mức độ ảnh hưởng không hợp lệ."), field="impact")
    return RiskSettings.of(organisation_id).level_of(frequency, impact)


def _label(name: str) -> str:
    field = Risk._meta.get_field(name)
    return str(getattr(field, "verbose_name", name))


def _check_values(values: dict[str, Any]) -> None:
    if values.get("kind", Kind.RISK) not in Kind.values:
        raise ServiceError(_("Loại không hợp lệ."), field="kind")
    for name in ("process", "description", "response"):
        if not str(values.get(name) or "").strip():
            raise ServiceError(_("Hãy ghi “%(f)s”.") % {"f": _label(name)}, field=name)
    if values.get("effectiveness") and values["effectiveness"] not in Effectiveness.values:
        raise ServiceError(_("Kết quả xem xét hiệu lực không hợp lệ."), field="effectiveness")
    if values.get("effectiveness") and not values.get("effectiveness_reviewed_on"):
        raise ServiceError(_("Hãy ghi ngày xem xét hiệu lực."), field="effectiveness_reviewed_on")


@transaction.atomic
def risk_create(
    *,
    actor: User,
    organisation_id: int,
    unit: Unit | None,
    values: dict[str, Any],
    origin_label: str = "",
    origin_url: str = "",
) -> Risk:
    """A new row of the agency's table (`unit` None) or a unit's, numbered after the table's last row."""
    if unit is not None and unit.organisation_id != organisation_id:
        raise ServiceError(_("Đơn vị này không thuộc cơ quan của bạn."))
    if not rules.can_maintain(actor, organisation_id=organisation_id, unit=unit):
        raise NotAllowed(_("Bạn không cập nhật được bảng phân tích rủi ro này."))
    data = {f: values[f] for f in EDITABLE_FIELDS if f in values}
    data["status"] = RiskStatus.OPEN
    _check_values(data)
    data["level"] = risk_level(organisation_id=organisation_id, frequency=data.get("frequency", ""), impact=data.get("impact", ""))
    table = Risk.objects.filter(organisation_id=organisation_id, unit=unit)
    # Rows of one table are numbered under a lock on the unit (or the agency's settings row) so two adds do not collide.
    if unit is not None:
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
    else:
        RiskSettings.of(organisation_id)
        RiskSettings.objects.select_for_update().filter(organisation_id=organisation_id).first()
    number = (table.aggregate(n=Max("number"))["n"] or 0) + 1
    now = timezone.now()
    risk = Risk.objects.create(
        organisation_id=organisation_id,
        unit=unit,
        number=number,
        origin_label=origin_label[:255],
        origin_url=origin_url[:255],
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
        **data,
    )
    audit_record(target=risk, actor=actor, action=N_("Thêm dòng bảng phân tích rủi ro"), to_state=risk.status, note=origin_label)
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, actor: User, version: int, values: dict[str, Any], note: str = "") -> Risk:
    """Change a row: the row as it was goes to its history first; a stale `version` is refused."""
    if not rules.can_edit(actor, risk):
        raise NotAllowed(_("Bạn không cập nhật được bảng phân tích rủi ro này."))
    current = Risk.objects.select_for_update().get(pk=risk.pk)
    if current.version != version:
        raise StaleEditError(
            _(
                "Dòng này đã được người khác sửa sau khi bạn mở trang (bạn đọc phiên bản %(read)s, hiện là %(now)s). "
                "Nội dung của bạn chưa được lưu: hãy tải lại trang rồi sửa tiếp."
            )
            % {"read": version, "now": current.version}
        )
    data = {f: getattr(current, f) for f in EDITABLE_FIELDS}
    data.update({f: values[f] for f in EDITABLE_FIELDS if f in values})
    _check_values(data)
    if data["status"] != current.status:
        check_transition(RISK_TRANSITIONS, current.status, data["status"], actor=actor, may_act=rules.may_move(current))
    data["level"] = risk_level(organisation_id=current.organisation_id, frequency=data["frequency"], impact=data["impact"])
    changed = [f for f in CONTENT_FIELDS if data[f] != getattr(current, f)]
    if not changed:
        return current
    RiskHistory.objects.create(
        risk=current,
        version=current.version,
        changed_by=actor,
        note=note[:500],
        **{f: getattr(current, f) for f in CONTENT_FIELDS},
    )
    updated = Risk.objects.filter(pk=current.pk, version=version).update(
        **data, updated_by=actor, updated_at=timezone.now(), version=models.F("version") + 1
    )
    if updated != 1:  # the lock above makes this unreachable where locks exist; SQLite serialises writes anyway
        raise StaleEditError(_("Dòng này vừa được người khác sửa. Hãy tải lại trang."))
    current.refresh_from_db()
    labels = ", ".join(_label(f) for f in changed)
    audit_record(
        target=current,
        actor=actor,
        action=N_("Sửa dòng bảng phân tích rủi ro"),
        from_state=risk.status if risk.status != current.status else "",
        to_state=current.status if risk.status != current.status else "",
        note=f"{labels}" + (f" — {note}" if note else ""),
    )
    return current


def risk_values_from(risk: Risk) -> dict[str, Any]:
    """The row's editable values (a form's initial data)."""
    return {f: getattr(risk, f) for f in EDITABLE_FIELDS}
