"""QT.CTCL 5.8.1.2: "… và cập nhật bảng phân tích rủi ro của đơn vị (nếu cần thiết)". A decision of the signed
minutes opens a row of a risk table, or updates one, in one step; the link goes both ways: the action points
at the row, the row's origin (a new row) or history note (an update) names the decision and links to it."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from qms.errors import NotAllowed, ServiceError
from qms.messages import N_
from qms.models import Unit, User
from qms.services import audit_record
from risks import rules as risk_rules
from risks import services as risk_services
from risks.models import Risk

from ..models import ReviewAction
from ..selectors import action_url
from .common import require_agency
from .followup import _check_in_force, _minutes_ref, _result_notice_ref


def _label(action: ReviewAction) -> str:
    if action.minutes is None:  # a decision of a review by report: its result notice (QT.CTCL 5.8.2.2) is in force
        assert action.result_notice is not None  # _check_in_force
        return (
            _("Kết luận xem xét “%(title)s”, thông báo số %(ref)s")
            % {"title": action.review.title, "ref": _result_notice_ref(action.result_notice)}
        )[:255]
    return (
        _("Kết luận họp xem xét “%(title)s”, biên bản số %(ref)s") % {"title": action.review.title, "ref": _minutes_ref(action.minutes)}
    )[:255]


@transaction.atomic
def review_action_risk_record(
    *,
    action: ReviewAction,
    actor: User,
    values: dict[str, Any],
    risk: Risk | None = None,
    unit: Unit | None = None,
    risk_version: int | None = None,
) -> Risk:
    """A new row of `unit`'s table (None: the agency's) when `risk` is None, else `risk` updated with the
    non-empty `values` (`risk_version`: the row's version the page showed). Whoever keeps the table acts:
    the unit's head for a unit's, the ISO secretary for the agency's (risks.rules)."""
    require_agency(actor, action.review)
    locked = (
        ReviewAction.objects.select_for_update(of=("self",))
        .select_related("review", "minutes__organisation", "responsible_unit")
        .get(pk=action.pk)
    )
    _check_in_force(locked)
    label = _label(locked)
    # The decision's own tables: the agency's and its responsible unit's (reviews.rules.action_risk_scopes).
    target_unit_id = risk.unit_id if risk is not None else (unit.pk if unit is not None else None)
    if target_unit_id is not None and target_unit_id != locked.responsible_unit_id:
        raise NotAllowed(
            _("Kết luận này giao cho %(unit)s: chỉ cập nhật bảng của cơ quan hoặc của đơn vị đó.") % {"unit": locked.responsible_unit}
        )
    if risk is None:
        if unit is not None and unit.organisation_id != locked.review.organisation_id:
            raise ServiceError(_("Đơn vị này không thuộc cơ quan của bạn."))
        row = risk_services.risk_create(
            actor=actor,
            organisation_id=locked.review.organisation_id,
            unit=unit,
            values=values,
            origin_label=label,
            origin_url=action_url(locked),
        )
        what = N_("Mở dòng %(n)s của bảng phân tích rủi ro (%(table)s)")
    else:
        if risk.organisation_id != locked.review.organisation_id:
            raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))
        if not risk_rules.can_edit(actor, risk):
            raise NotAllowed(_("Bạn không cập nhật được bảng phân tích rủi ro này."))
        changes = {k: v for k, v in values.items() if v not in (None, "")}
        row = risk_services.risk_update(
            risk=risk, actor=actor, version=risk_version if risk_version is not None else risk.version, values=changes, note=label
        )
        what = N_("Cập nhật dòng %(n)s của bảng phân tích rủi ro (%(table)s)")
    ReviewAction.objects.filter(pk=locked.pk).update(risk=row, version=models.F("version") + 1)
    audit_record(target=locked, actor=actor, action=what % {"n": row.number, "table": row.scope_name})
    action.risk, action.version = row, locked.version + 1
    return row
