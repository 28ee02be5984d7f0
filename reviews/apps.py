from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Xem xét của lãnh đạo")

    def ready(self) -> None:
        # Imported here: the models these modules use are loaded only once the registry is ready.
        from celery.schedules import crontab
        from django.conf import settings

        from qms.context import register_drafting_source
        from qms.dashboard import register_panel
        from qms.dashboards import register_dashboard_figures
        from qms.feeds import register_feed_source
        from qms.outbox import register_attachment_builder
        from qms.overview import register_figures
        from qms.signing.records import register_record_lookup

        from . import dashboard_figures, delivery, docx, drafting, followup_report, pdf, pdf_by_report, signatures
        from .dashboard import followup_panels, register_panels, review_panels
        from .feeds import review_events
        from .overview import FIGURES, review_figures

        register_panel(review_panels)
        register_panel(followup_panels)
        register_panel(register_panels)
        register_figures(FIGURES, review_figures)
        register_dashboard_figures(dashboard_figures.review_charts)
        register_drafting_source(drafting.review_conclusions)  # QT.CTCL 5.9, on the objectives drafting page
        register_feed_source(review_events)  # the person's calendar feed (qms.feeds)
        pdf.register()  # the review's official forms, for render_form
        docx.register()  # the notice and minutes also as Word (qms.docx)
        register_record_lookup(signatures.minutes_lookup)  # the verification page recognises signed minutes
        register_attachment_builder(delivery.MINUTES_PDF, delivery.minutes_pdf_attachment)
        register_attachment_builder(delivery.NOTICE_PDF, delivery.notice_pdf_attachment)
        followup_report.register()  # the follow-up report to the head, for render_form
        pdf_by_report.register()  # the review by report's two documents (QT.CTCL 5.8.2), for render_form
        settings.CELERY_BEAT_SCHEDULE["reviews-reminders"] = {
            "task": "reviews.tasks.review_reminders_sweep",
            "schedule": crontab(hour=7, minute=0),
        }
        settings.CELERY_BEAT_SCHEDULE["reviews-actions"] = {
            "task": "reviews.tasks.action_reminders_sweep",
            "schedule": crontab(hour=7, minute=10),
        }
        settings.CELERY_BEAT_SCHEDULE["reviews-by-report-comments"] = {
            "task": "reviews.tasks.by_report_comment_reminders_sweep",
            "schedule": crontab(hour=7, minute=15),
        }
        settings.CELERY_BEAT_SCHEDULE["reviews-followup-digest"] = {
            "task": "reviews.tasks.followup_digest_sweep",
            "schedule": crontab(day_of_month=1, hour=7, minute=20),
        }
        settings.CELERY_BEAT_SCHEDULE["reviews-yearly-watch"] = {
            "task": "reviews.tasks.yearly_review_watch",
            "schedule": crontab(hour=7, minute=30),
        }
