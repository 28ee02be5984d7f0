"""`load_demo` (run by `make run`) fills every screen and changes nothing when run again."""

import datetime as dt
import io
import subprocess
import unicodedata

import pytest
from django.apps import apps
from django.core.management import call_command

from corrective_actions.models import Ticket
from objectives.models import Plan, PlanStatus
from qms.models import MinutesForm, Organisation, Unit, User
from qms.pdf import REGISTRY
from qms.roles import Role
from reviews.models import (
    ConsolidatedReport,
    Minutes,
    MinutesStatus,
    ResultNotice,
    Review,
    ReviewByReport,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("qms", "reviews", "corrective_actions", "objectives", "risks")
        for model in apps.get_app_config(app).get_models()
    }


def test_the_demo_has_every_role_five_units_and_reviews_in_several_states_and_loads_idempotently():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    assert Unit.objects.count() >= 5
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    statuses = set(Review.objects.values_list("status", flat=True))
    assert {
        ReviewStatus.DRAFT,
        ReviewStatus.PENDING_APPROVAL,
        ReviewStatus.COLLECTING,
        ReviewStatus.PREPARING,
        ReviewStatus.SIGNED,
        ReviewStatus.CLOSED,
    } <= statuses
    assert Minutes.objects.filter(status=MinutesStatus.SIGNED).exists()
    assert Minutes.objects.filter(status=MinutesStatus.DRAFT).exists()


def _pdf_text(path) -> str:
    return unicodedata.normalize("NFC", subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout)


def test_every_official_form_renders_from_a_record_of_a_fresh_demo(tmp_path):
    call_command("load_demo", stdout=io.StringIO())
    records = {
        "BM.HT.06.01": Review.objects.filter(notice_number__isnull=False).first(),
        "BM.HT.06.02": UnitReport.objects.filter(status=UnitReportStatus.SUBMITTED).first(),
        "BM.HT.06.03": ConsolidatedReport.objects.first(),
        "BM.HT.06.04": Minutes.objects.filter(form_code=MinutesForm.HT_06_04).first(),
        "BM.CTCL.02": Minutes.objects.filter(form_code=MinutesForm.CTCL_02).first(),
        "BM.CTCL.01": Ticket.objects.first(),
        "PL3.KH": Plan.objects.first(),
        "PL3.BC": Plan.objects.filter(status=PlanStatus.EVALUATED).first(),
        "BC.THEO-DOI": Review.objects.filter(status=ReviewStatus.SIGNED).first(),  # the follow-up report of a review
        "BC.THEO-DOI.CQ": Organisation.objects.get(code="cuc-ttdn"),  # … and of every review of the agency
        "RR.BANG": Unit.objects.filter(risks__isnull=False).first(),  # a unit's risk table (pk: the unit)
        "RR.BANG.CQ": Organisation.objects.get(code="cuc-ttdn"),  # the agency's risk table (pk: the organisation)
        "CTCL.5.8.2.BC": ReviewByReport.objects.first(),  # the review by report (QT.CTCL 5.8.2)
        "CTCL.5.8.2.TB": ResultNotice.objects.first(),
    }
    assert set(records) == set(REGISTRY)  # a newly registered form needs a demo record here too
    assert Organisation.objects.get(code="cuc-ttdn").minutes_form == MinutesForm.HT_06_04  # BM.CTCL.02 is one meeting's choice
    for code, record in records.items():
        assert record is not None, f"the demo has no record for {code}"
        out = tmp_path / f"{code}.pdf"
        call_command("render_form", code, record.pk, "-o", str(out), stdout=io.StringIO())
        text = _pdf_text(out)
        assert code in text, code  # every form prints its code in the top right corner


def test_the_demo_loads_on_the_29th_of_february(travel):
    today = travel(dt.date(2028, 2, 29))
    call_command("load_demo", stdout=io.StringIO())
    assert Review.objects.filter(status=ReviewStatus.CLOSED, year=today.year - 1).exists()
    assert Minutes.objects.filter(status=MinutesStatus.SIGNED).exists()


def test_the_demo_holds_two_agencies_with_their_own_reviews_and_the_overseer_reads_the_second_ones_signed_minutes(client):
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first
    cuc, sct = Organisation.objects.get(code="cuc-ttdn"), Organisation.objects.get(code="so-cong-thuong")
    assert User.objects.filter(username="thuky", organisation=cuc).exists()  # the first agency's usernames are unchanged
    assert Review.objects.filter(organisation=cuc).count() > Review.objects.filter(organisation=sct).count() >= 1
    minutes = Minutes.objects.get(review__organisation=sct, status=MinutesStatus.SIGNED)
    assert minutes.form_code == MinutesForm.CTCL_02 == sct.minutes_form and minutes.number == 1
    assert minutes.review.status == ReviewStatus.SIGNED and minutes.organisation == sct
    assert not Review.objects.filter(organisation=sct).exclude(units__organisation=sct).exists()
    overseer = User.objects.get(username="tinh.theodoi")
    assert overseer.has_role(Role.OVERSEER) and overseer.organisation.code == "so-khcn"
    client.force_login(overseer)
    assert client.get(f"/reviews/minutes/{minutes.pk}/").status_code == 200
    draft = Review.objects.filter(organisation=cuc, status=ReviewStatus.DRAFT).first()
    assert draft is not None and client.get(f"/reviews/{draft.pk}/").status_code == 404


def _audit_day(target, to_state: str):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from qms.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(target)), object_id=target.pk, to_state=to_state)
        .order_by("pk")
        .last()
    )
    assert entry is not None, (target, to_state)
    return timezone.localtime(entry.at).date()


def test_the_demos_audit_trail_carries_the_dates_of_the_events_it_tells(today):
    from django.utils import timezone

    from qms.models import AuditEntry

    call_command("load_demo", stdout=io.StringIO())
    assert not AuditEntry.objects.filter(at__gt=timezone.now()).exists()
    noticed = Review.objects.filter(notice_issued_at__isnull=False).exclude(notice_issued_at__date=today)
    assert noticed.exists()
    for review in noticed:
        assert _audit_day(review, ReviewStatus.COLLECTING) == timezone.localtime(review.notice_issued_at).date(), review.title
    signed = Minutes.objects.filter(status__in=[MinutesStatus.SIGNED, MinutesStatus.SUPERSEDED]).exclude(signed_at=None)
    assert signed.exists()
    for minutes in signed:
        assert _audit_day(minutes, MinutesStatus.SIGNED) == timezone.localtime(minutes.signed_at).date()
    for report in UnitReport.objects.filter(status=UnitReportStatus.SUBMITTED).exclude(submitted_at__date=today):
        assert _audit_day(report, UnitReportStatus.SUBMITTED) == timezone.localtime(report.submitted_at).date()
    for plan in Plan.objects.exclude(approved_at=None):
        assert _audit_day(plan, PlanStatus.APPROVED) == timezone.localtime(plan.approved_at).date()
    overdue = Ticket.objects.filter(approved_at__date__lt=today).first()
    assert overdue is not None
    assert _audit_day(overdue, "in_progress") == timezone.localtime(overdue.approved_at).date()
