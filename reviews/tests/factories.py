"""Factories of the reviews app. They set states directly, to arrange a test; the behaviour under test
always goes through the services."""

import datetime as dt

import factory
from django.utils import timezone

from conftest import SIGNING_SECRET
from qms.tests.factories import UnitFactory, UserFactory
from reviews.models import ReportAttachment, Review, ReviewStatus, UnitReport, UnitReportStatus
from reviews.yearly import next_free_sequence

# --- Plan, approval, notice, unit reports, reminders ---


def local_datetime(day: dt.date, hour: int = 8, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _meeting_start(_review) -> dt.datetime:
    return local_datetime(timezone.localdate() + dt.timedelta(days=28))


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review
        skip_postgeneration_save = True

    kind = Review.Kind.PERIODIC
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.Sequence(lambda n: f"Họp xem xét của lãnh đạo về HTQLCL số {n}")
    meeting_start = factory.LazyAttribute(_meeting_start)
    meeting_end = factory.LazyAttribute(lambda r: r.meeting_start + dt.timedelta(hours=3))
    location = "Phòng họp tầng 3, trụ sở Cục"
    report_deadline = factory.LazyAttribute(lambda r: timezone.localtime(r.meeting_start).date() - dt.timedelta(days=7))
    created_by = factory.SubFactory(UserFactory)
    # The agency of its author (the default agency unless the test says otherwise).
    organisation = factory.LazyAttribute(lambda r: r.created_by.organisation)
    # "Lần trong năm" is unique per agency, year and kind: the next free one unless the test says.
    sequence = factory.LazyAttribute(lambda r: next_free_sequence(organisation=r.organisation, year=r.year, kind=r.kind))
    status = ReviewStatus.DRAFT

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create:
            self.units.set(extracted if extracted is not None else [UnitFactory()])

    @factory.post_generation
    def attendees(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendees.set(extracted)


class UnitReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitReport

    review = factory.SubFactory(ReviewFactory, status=ReviewStatus.COLLECTING)
    unit = factory.SubFactory(UnitFactory)
    status = UnitReportStatus.NOT_STARTED


def collecting_review(*, units, attendees=(), number: int | None = None, **kwargs) -> Review:
    """A review whose notice went out: status collecting and one not-started report per unit."""
    review = ReviewFactory.create(status=ReviewStatus.COLLECTING, units=list(units), attendees=list(attendees), **kwargs)
    review.notice_number, review.notice_year = number, timezone.localdate().year if number else None
    review.notice_issued_at = timezone.now()
    review.save()
    for unit in units:
        UnitReport.objects.create(review=review, unit=unit)
    return review


def filled_sections(prefix: str = "Nội dung") -> dict[str, str]:
    from reviews.models import SECTION_FIELDS

    return {name: f"{prefix} mục {i}" for i, name in enumerate(SECTION_FIELDS, start=1)}


class ReportAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportAttachment

    report = factory.SubFactory(UnitReportFactory)
    file = factory.django.FileField(filename="minh-chung.pdf", data=b"%PDF-1.7 test")
    original_name = "minh-chung.pdf"
    size = 13
    uploaded_by = factory.SubFactory(UserFactory)


# --- Consolidated report, minutes, signature, distribution, follow-up ---


def preparing_review(*, units, attendees=(), sections: dict[int, dict] | None = None, **kwargs) -> Review:
    """A review whose report collection is closed: status preparing, every unit's report submitted
    (with `sections[unit.pk]` or filled_sections(unit name)). The meeting was held yesterday, so its
    minutes can be signed."""
    kwargs.setdefault("meeting_start", local_datetime(timezone.localdate() - dt.timedelta(days=1)))
    review = collecting_review(units=units, attendees=attendees, **kwargs)
    for report in review.unit_reports.select_related("unit"):
        values = (sections or {}).get(report.unit_id) or filled_sections(report.unit.name)
        for name, value in values.items():
            setattr(report, name, value)
        report.status, report.submitted_at = UnitReportStatus.SUBMITTED, timezone.now()
        report.first_submitted_at = report.submitted_at
        report.save()
    review.status = ReviewStatus.PREPARING
    review.collection_closed_at = timezone.now()
    review.save()
    return review


def minutes_rows(minutes) -> tuple[list[dict], list[dict]]:
    """The attendance and action rows of `minutes` as minutes_save takes them."""
    attendance = [
        {"id": a.pk, "user": a.user, "name": a.name, "title": a.title, "presence": a.presence, "replaced_by": a.replaced_by}
        for a in minutes.attendance.all()
    ]
    actions = [
        {"id": a.pk, "description": a.description, "responsible_unit": a.responsible_unit, "deadline": a.deadline}
        for a in minutes.actions.all()
    ]
    return attendance, actions


def minutes_content(minutes, **overrides) -> dict:
    from reviews.models import BRIEFING_NUMBER_FIELDS, MINUTES_CONTENT_FIELDS

    data = {f: getattr(minutes, f) for f in [*MINUTES_CONTENT_FIELDS, *BRIEFING_NUMBER_FIELDS]}
    data.update(
        started_at=minutes.started_at,
        ended_at=minutes.ended_at,
        chair=minutes.chair,
        secretary=minutes.secretary,
        conclusions=minutes.conclusions or "Thống nhất các kết luận.",
        # QT.CTCL 5.8.1.2: each output heading addressed (a test of a missing heading blanks one).
        outputs_improvement=minutes.outputs_improvement or "Không có.",
        outputs_changes=minutes.outputs_changes or "Không có.",
        outputs_resources=minutes.outputs_resources or "Không có.",
    )
    data.update(overrides)
    return data


def ready_minutes(*, review, secretary, chair, actions=(), **overrides):
    """Draft minutes opened and filled through the services, ready for signing. `actions` is a list of
    (description, unit, deadline)."""
    from reviews import services
    from reviews.models import ConsolidatedReport

    if not ConsolidatedReport.objects.filter(review=review).exists():
        report = services.consolidated_report_generate(review=review, actor=secretary)
        services.consolidated_report_finalise(report=report, actor=secretary)
    minutes = services.minutes_create(review=review, actor=secretary)
    attendance, _rows = minutes_rows(minutes)
    rows = [{"description": d, "responsible_unit": u, "deadline": dl} for d, u, dl in actions]
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=minutes.version,
        data=minutes_content(minutes, chair=chair, location="Phòng họp tầng 3", **overrides),
        attendance=attendance,
        actions=rows,
    )
    minutes.refresh_from_db()
    return minutes


def signed_review(*, units, secretary, committee_head, attendees=(), actions=(), **kwargs):
    """A review whose minutes the committee head signed (through the services); returns (review, minutes)."""
    from reviews import services

    review = preparing_review(units=units, attendees=attendees or [secretary, committee_head], **kwargs)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head, actions=actions)
    services.minutes_sign(minutes=minutes, actor=committee_head, password="Mật-khẩu-thử-2026", secret=SIGNING_SECRET)
    review.refresh_from_db()
    minutes.refresh_from_db()
    return review, minutes
