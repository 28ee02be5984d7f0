"""Reads of "ít nhất 1 năm 1 lần" (QT.HT.06 H1, §VI risk 1): the register of reviews per year, whether a
year has had its review held, and the next free "lần trong năm" of a kind. The once-a-year watch that
uses them is reviews.reminders.yearly_review_watch."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from qms.models import Organisation

from .models import FINISHED_STATES, Review, ReviewStatus

# A review is "held" once its minutes are signed (the meeting took place and was recorded), or, for a review by
# report (QT.CTCL 5.8.2), once its result notice is approved (the by-report path moves it to SIGNED then).
HELD_STATES = FINISHED_STATES


def next_free_sequence(*, organisation: Organisation | int, year: int, kind: str, exclude_pk: int | None = None) -> int:
    """The smallest "lần trong năm" not yet used by a review of `kind` in `year` of the agency."""
    used = set(Review.objects.of(organisation).filter(year=year, kind=kind).exclude(pk=exclude_pk).values_list("sequence", flat=True))
    number = 1
    while number in used:
        number += 1
    return number


def sequence_taken(*, organisation: Organisation | int, year: int, kind: str, sequence: int, exclude_pk: int | None = None) -> bool:
    return Review.objects.of(organisation).filter(year=year, kind=kind, sequence=sequence).exclude(pk=exclude_pk).exists()


def year_has_held_review(organisation: Organisation | int, year: int) -> bool:
    return Review.objects.of(organisation).filter(year=year, status__in=HELD_STATES).exists()


@dataclass
class RegisterYear:
    year: int
    reviews: list[Review] = field(default_factory=list)

    @property
    def periodic(self) -> list[Review]:
        return [r for r in self.reviews if r.kind == Review.Kind.PERIODIC]

    @property
    def extraordinary(self) -> list[Review]:
        return [r for r in self.reviews if r.kind == Review.Kind.EXTRAORDINARY]

    @property
    def by_report(self) -> list[Review]:
        """Reviews held through the report and the result notice (QT.CTCL 5.8.2): a held one counts as the year's."""
        return [r for r in self.reviews if r.kind == Review.Kind.BY_REPORT]

    @property
    def held(self) -> bool:
        return any(r.status in HELD_STATES for r in self.reviews)


def review_register(organisation: Organisation | int, *, years: int = 5, this_year: int) -> list[RegisterYear]:
    """The agency's reviews grouped by year, newest year first: the last `years` years, each listed even
    without a review (a gap is what the register must show)."""
    first = this_year - years + 1
    reviews = (
        Review.objects.of(organisation)
        .filter(Q(year__gte=first) & Q(year__lte=this_year))
        .exclude(status=ReviewStatus.DRAFT, year__lt=this_year)
        .order_by("year", "kind", "sequence")
    )
    by_year = {y: RegisterYear(year=y) for y in range(this_year, first - 1, -1)}
    for review in reviews:
        by_year[review.year].reviews.append(review)
    return list(by_year.values())
