"""What goes out by e-mail after commit, run by the Celery tasks: notice BM.HT.06.01 with its calendar
invitation, and the signed minutes to every attendee. Each recipient is served once however often a run
is repeated, so a task retried after an SMTP failure sends only what is missing."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.messages import N_
from qms.models import OutboxMessage, User
from qms.outbox import outbox_send
from qms.services import notification_send, outbox_enqueue, reminder_claim

from .ics import invitation_attachment, review_invitation_ics
from .models import Delivery, Minutes, Review
from .pdf import minutes_pdf, notice_pdf
from .selectors import review_url


def review_notice_send(*, review_id: int) -> int:
    """E-mails notice BM.HT.06.01 (its PDF attached) with an .ics invitation to each attendee once, however
    often it runs."""
    review = Review.objects.select_related("organisation").filter(pk=review_id, notice_number__isnull=False).first()
    if review is None:
        return 0
    org = review.organisation
    attendees = list(review.attendees.filter(organisation=org).exclude(email="").order_by("pk"))
    context = {
        "review": review,
        "org": org,
        "attendees": attendees,
        "units": list(review.units.all()),
        "site_url": settings.SITE_URL,
        "url": review_url(review),
    }
    # Notice BM.HT.06.01 is an official form: its e-mail is Vietnamese for every recipient, whatever
    # their language or the language of the person who issued it (official forms stay Vietnamese).
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Thông báo số %(number)02d/%(symbol)s: %(title)s") % {
            "number": review.notice_number,
            "symbol": org.notice_symbol,
            "title": review.title,
        }
        body = render_to_string("emails/review_notice.txt", context)
    ics = review_invitation_ics(review=review, attendees=attendees, organiser_name=org.committee_name)
    keys = [f"review:{review.pk}:notice-mail:{user.pk}" for user in attendees]
    for key, user in zip(keys, attendees, strict=True):
        # The claim and the outbox row commit together; the outbox sends the row once.
        with transaction.atomic():
            if reminder_claim(key):
                outbox_enqueue(
                    key=key,
                    to=user.email,
                    subject=subject,
                    body=body,
                    attachments=[
                        {
                            "filename": f"thong-bao-{review.notice_number:02d}-{review.notice_year}.pdf",
                            "mimetype": "application/pdf",
                            "builder": NOTICE_PDF,
                            "params": {"review_id": review.pk},
                        },
                        invitation_attachment(ics),
                    ],
                    send_after_commit=False,
                )
    # This run sends what is still unsent of this notice (a retry sends what failed before), and fails
    # while a message could not be sent, so that the task tries again.
    run = outbox_send(keys=keys, due_only=False)
    if run.failed:
        raise OSError(f"{run.failed} notice e-mail(s) could not be sent")
    return run.sent


def minutes_recipients(minutes: Minutes) -> list[User]:
    """The attendees, the chair and the secretary: active users of the review's agency, each once, in that order."""
    ids = [a.user_id for a in minutes.attendance.all()] + [minutes.chair_id, minutes.secretary_id]
    people = User.objects.filter(pk__in=[i for i in ids if i], is_active=True, organisation=minutes.organisation_id)
    seen: dict[int, User] = {u.pk: u for u in people}
    return [seen[i] for i in dict.fromkeys(ids) if i in seen]


def minutes_distribute(*, minutes_id: int) -> int:
    """Send the signed minutes (PDF attached) to every attendee and into their inbox, once each.
    Returns how many e-mails went out in this run; a second run sends nothing already sent."""
    minutes = Minutes.objects.select_related("review", "organisation").filter(pk=minutes_id).first()
    if minutes is None or minutes.is_draft:
        return 0
    org = minutes.organisation
    url = reverse("reviews:minutes_detail", args=[minutes.pk])
    # The covering message in each recipient's language; the attached minutes (an official form) are Vietnamese.
    subject = N_("Biên bản họp xem xét của lãnh đạo: %(title)s") % {"title": minutes.review.title}
    body = N_("Biên bản số %(number)s đã được %(signer)s ký ngày %(date)s. Biên bản được gửi kèm thư này.") % {
        "number": f"{minutes.number:02d}/{org.minutes_symbol}" if minutes.number else "—",
        "signer": minutes.signed_by.display_name if minutes.signed_by else "",
        "date": format_date(timezone.localtime(minutes.signed_at)) if minutes.signed_at else "",
    }
    keys: dict[str, int] = {}  # outbox key -> delivery
    for user in minutes_recipients(minutes):
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(minutes=minutes, recipient=user, defaults={"email": user.email})
            delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
            if created:
                notification_send(recipients=[user], subject=subject, body=body, url=url, email=False)
            if delivery.sent_at is not None:
                continue
            if not user.email:
                Delivery.objects.filter(pk=delivery.pk).update(error=_("Không có địa chỉ e-mail; đã gửi vào hộp thư."))
                continue
            # The e-mail in the outbox, in the same transaction; its PDF is rendered when it is sent.
            key = f"minutes:{minutes.pk}:delivery:{delivery.pk}"
            keys[key] = delivery.pk
            outbox_enqueue(
                key=key,
                to=user.email,
                subject=subject.render(user.language),
                body=f"{body.render(user.language)}\n\n{settings.SITE_URL}{url}",
                attachments=[
                    {
                        "filename": f"bien-ban-{minutes.pk}-v{minutes.revision}.pdf",
                        "mimetype": "application/pdf",
                        "builder": MINUTES_PDF,
                        "params": {"minutes_id": minutes.pk},
                    }
                ],
                send_after_commit=False,
            )
    run = outbox_send(keys=list(keys), due_only=False)
    # Each delivery tells what its e-mail became: sent, or the error the next run retries.
    for row in OutboxMessage.objects.filter(key__in=list(keys)):
        if row.sent_at is not None:
            Delivery.objects.filter(pk=keys[row.key]).update(sent_at=row.sent_at, error="", email=row.recipient)
        elif row.last_error:
            error = row.last_error.split(": ", 1)[-1]
            Delivery.objects.filter(pk=keys[row.key]).update(error=error[:255])
    return run.sent


MINUTES_PDF = "reviews.minutes_pdf"


NOTICE_PDF = "reviews.notice_pdf"


def notice_pdf_attachment(params: dict) -> bytes:
    """Registered with the outbox (ReviewsConfig.ready): the notice BM.HT.06.01, rebuilt at send time."""
    return notice_pdf(Review.objects.get(pk=params["review_id"]))


def minutes_pdf_attachment(params: dict) -> bytes:
    """Registered with the outbox (ReviewsConfig.ready): the signed minutes' stored file as it is (minutes
    signed before signatures were digital have none: laid out at send time)."""
    minutes = Minutes.objects.get(pk=params["minutes_id"])
    if minutes.signed_file:
        with minutes.signed_file.open("rb") as handle:
            return handle.read()
    return minutes_pdf(minutes)


def minutes_delivery_failed(*, minutes_id: int) -> bool:
    """Whether an e-mail that could be sent failed (a recipient without an address is not retried)."""
    return Delivery.objects.filter(minutes_id=minutes_id, sent_at__isnull=True).exclude(email="").exclude(error="").exists()
