from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qms.dashboard import register_panel
from qms.pdf import register_form


class CorrectiveActionsConfig(AppConfig):
    name = "corrective_actions"
    verbose_name = _("Hành động khắc phục / cải tiến")

    def ready(self) -> None:
        # These import the app's models, which are not loaded yet when this module is.
        from qms.dashboards import register_dashboard_figures
        from qms.feeds import register_feed_source
        from qms.overview import register_figures

        from . import docx
        from .dashboard import my_work_panel
        from .dashboard_figures import ticket_charts
        from .feeds import ticket_events
        from .overview import FIGURES, ticket_counts
        from .pdf import ticket_pdf_bytes, ticket_pdf_html

        settings.CELERY_BEAT_SCHEDULE["corrective-actions-reminders"] = {
            "task": "corrective_actions.tasks.send_ticket_reminders",
            "schedule": crontab(hour=7, minute=15),
        }
        register_form("BM.CTCL.01", "Phiếu yêu cầu hành động khắc phục/cải tiến", ticket_pdf_bytes, html=ticket_pdf_html)
        register_panel(my_work_panel)
        docx.register()  # BM.CTCL.01 also as Word (qms.docx)
        register_feed_source(ticket_events)  # the person's calendar feed (qms.feeds)
        register_figures(FIGURES, ticket_counts)
        register_dashboard_figures(ticket_charts)
