"""What goes out by e-mail after commit, run by the Celery tasks: notice BM.HT.06.01 with its calendar
invitation, and the signed minutes to every attendee. Each recipient is served once however often a run
is repeated, so a task retried after an SMTP failure sends only what is missing."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.messages import N_
from qms.models import User
from qms.services import notification_send, reminder_claim

from .ics import invitation_mime_part, review_invitation_ics
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
    notice: bytes | None = None  # the notice BM.HT.06.01 itself, rendered once when someone is still to be sent it
    sent = 0
    for user in attendees:
        # The claim and the send commit together: a failed send frees the claim for the task's retry.
        with transaction.atomic():
            if not reminder_claim(f"review:{review.pk}:notice-mail:{user.pk}"):
                continue
            if notice is None:
                notice = notice_pdf(review)
            message = EmailMessage(subject, body, to=[user.email])
            message.attach(f"thong-bao-{review.notice_number:02d}-{review.notice_year}.pdf", notice, "application/pdf")
            message.attach(invitation_mime_part(ics))
            message.send()
        sent += 1
    return sent


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
    pdf: bytes | None = None
    sent = 0
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
            try:
                if pdf is None:
                    pdf = minutes_pdf(minutes)
                text = f"{body.render(user.language)}\n\n{settings.SITE_URL}{url}"
                message = EmailMessage(subject.render(user.language), text, to=[user.email])
                message.attach(f"bien-ban-{minutes.pk}-v{minutes.revision}.pdf", pdf, "application/pdf")
                message.send()
            except Exception as exc:  # noqa: BLE001 — recorded on the delivery; the next run retries it
                Delivery.objects.filter(pk=delivery.pk).update(error=str(exc)[:255] or exc.__class__.__name__)
                continue
            Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), error="", email=user.email)
            sent += 1
    return sent


def minutes_delivery_failed(*, minutes_id: int) -> bool:
    """Whether an e-mail that could be sent failed (a recipient without an address is not retried)."""
    return Delivery.objects.filter(minutes_id=minutes_id, sent_at__isnull=True).exclude(email="").exclude(error="").exists()
