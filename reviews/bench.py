"""Scenarios of `make bench` for the management review: list pages as rows grow, and PDF renders."""

from __future__ import annotations

from typing import Any

from django.test import Client

from qms.demo import load_core
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory
from reviews import pdf
from reviews.demo import load
from reviews.models import Minutes, Review, ReviewStatus, UnitReport
from reviews.tests.factories import ReviewFactory


def _secretary() -> Any:
    return UserFactory(username="bench-secretary", roles=[Role.SECRETARY])


def review_list_growth(bench: Any) -> None:
    client = Client()
    client.force_login(_secretary())
    units = [UnitFactory() for _ in range(5)]
    made = 0
    for target in (10, 100, 1000):
        for _ in range(target - made):
            ReviewFactory(status=ReviewStatus.COLLECTING, units=units)
        made = target
        bench.page(client, "/reviews/", f"GET /reviews/ (list, page 1) with {target} reviews")


def review_pdfs(bench: Any) -> None:
    users = load_core()
    load(users)
    review = Review.objects.exclude(notice_number=None).first()
    assert review is not None  # the demo issues notices
    bench.measure("notice_pdf (BM.HT.06.01)", lambda: pdf.notice_pdf(review), repeat=5)
    report = UnitReport.objects.exclude(submitted_at=None).first()
    assert report is not None
    bench.measure("unit_report_pdf (BM.HT.06.02)", lambda: pdf.unit_report_pdf(report), repeat=5)
    minutes = Minutes.objects.exclude(signed_at=None).first()
    assert minutes is not None
    bench.measure(f"minutes_pdf ({minutes.form_code}, signed)", lambda: pdf.minutes_pdf(minutes), repeat=5)


SCENARIOS = [review_pdfs, review_list_growth]  # the demo first: it uses every unit that exists


def fill_province(organisations: list[Any], years: range, units: dict[int, Any], users: dict[int, Any]) -> int:
    """For `make bench`'s province: each agency holds a periodic review (closed) and an extraordinary one
    (signed) a year, each with a submitted report and two decided actions (one still open)."""
    import datetime as dt

    from django.utils import timezone

    from reviews.models import ActionStatus, ReviewAction, UnitReportStatus

    reviews = []
    for org in organisations:
        for year in years:
            for sequence, kind, status in (
                (1, Review.Kind.PERIODIC, ReviewStatus.CLOSED),
                (2, Review.Kind.EXTRAORDINARY, ReviewStatus.SIGNED),
            ):
                start = timezone.make_aware(dt.datetime(year, 6 * sequence - 1, 10, 8))
                reviews.append(
                    Review(
                        organisation=org,
                        kind=kind,
                        year=year,
                        sequence=sequence,
                        status=status,
                        title=f"Họp xem xét {sequence}/{year}",
                        meeting_start=start,
                        meeting_end=start + dt.timedelta(hours=3),
                        location="Phòng họp",
                        report_deadline=start.date() - dt.timedelta(days=7),
                        created_by=users[org.pk],
                        notice_number=sequence,
                        notice_year=year,
                    )
                )
    Review.objects.bulk_create(reviews, batch_size=2000)
    UnitReport.objects.bulk_create(
        [
            UnitReport(review=r, unit=units[r.organisation_id], status=UnitReportStatus.SUBMITTED, submitted_at=r.meeting_start)
            for r in reviews
        ],
        batch_size=2000,
    )
    ReviewAction.objects.bulk_create(
        [
            ReviewAction(
                review=r,
                description=f"Hành động {n}",
                responsible_unit=units[r.organisation_id],
                deadline=r.meeting_start.date() + dt.timedelta(days=60),
                status=ActionStatus.DONE if n else ActionStatus.OPEN,
            )
            for r in reviews
            for n in range(2)
        ],
        batch_size=2000,
    )
    return len(reviews)


def action_sweep_at_scale(bench: Any) -> None:
    """Issue 15: one review with 100,000 open actions (deadlines over two years, some past), the daily
    sweep's first run and its run with everything already claimed."""
    import datetime as dt
    import os

    from django.utils import timezone

    from qms.models import Organisation, Unit, User
    from qms.tests.factories import default_organisation
    from reviews.models import Minutes, MinutesForm, MinutesStatus, ReviewAction
    from reviews.reminders import action_reminders_sweep

    total = int(os.environ.get("QMS_BENCH_ACTIONS", "100000"))
    today = timezone.localdate()
    org = default_organisation()
    units = Unit.objects.bulk_create(Unit(organisation=org, code=f"SW{i}", name=f"Phòng nhắc việc {i}") for i in range(50))
    for unit in units:
        UserFactory.create(unit=unit, roles=[Role.UNIT_HEAD])
    UserFactory.create(unit=units[0], roles=[Role.SECRETARY])
    review = ReviewFactory.create(status=ReviewStatus.SIGNED, organisation=org)
    minutes = Minutes.objects.create(review=review, organisation=org, form_code=MinutesForm.choices[0][0], status=MinutesStatus.SIGNED)
    start = dt.datetime.now()
    ReviewAction.objects.bulk_create(
        (
            ReviewAction(
                review=review,
                minutes=minutes,
                description=f"Hành động khắc phục số {i}",
                responsible_unit=units[i % 50],
                deadline=today + dt.timedelta(days=i % 730 - 30),
            )
            for i in range(total)
        ),
        batch_size=5000,
    )
    print(
        f"  {total:,} actions written in {(dt.datetime.now() - start).total_seconds():.1f} s ({Organisation.objects.count()} org, {User.objects.count()} users)"
    )
    sent = bench.once(f"review-action sweep, {total:,} open actions: first run", lambda: action_reminders_sweep(today=today))
    bench.results[-1] = (*bench.results[-1][:3], f"{sent:,} reminders sent")
    bench.once(f"review-action sweep, {total:,} open actions: all claimed", lambda: action_reminders_sweep(today=today))


SCALE_SCENARIOS = [action_sweep_at_scale]
