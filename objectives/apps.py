from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qms.dashboard import register_panel
from qms.pdf import register_form


class ObjectivesConfig(AppConfig):
    name = "objectives"
    verbose_name = _("Mục tiêu chất lượng")

    def ready(self) -> None:
        # Imported here, not at the top: these modules load models, which Django allows only once every
        # app's config is loaded.
        from qms.dashboards import register_dashboard_figures
        from qms.feeds import register_feed_source
        from qms.overview import register_figures

        from .dashboard import objectives_late_panel, objectives_panels
        from .dashboard_figures import objectives_charts
        from .feeds import objective_events
        from .overview import FIGURES, objectives_figures
        from .pdf import plan_html, render_plan, render_report, report_html

        register_form("PL3.KH", "Kế hoạch thực hiện MTCL (Phụ lục 3 STCL)", render_plan, html=plan_html)
        register_form("PL3.BC", "Báo cáo thực hiện MTCL (Phụ lục 3 STCL)", render_report, html=report_html)
        register_panel(objectives_panels)
        register_feed_source(objective_events)  # the person's calendar feed (qms.feeds)
        register_panel(objectives_late_panel)
        register_figures(FIGURES, objectives_figures)
        register_dashboard_figures(objectives_charts)
        settings.CELERY_BEAT_SCHEDULE["objectives-reminders"] = {
            "task": "objectives.tasks.send_reminders",
            "schedule": crontab(hour=7, minute=10),
        }
