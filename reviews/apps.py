from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Xem xét của lãnh đạo")

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from qms.dashboard import register_panel

        from .dashboard import review_panels

        register_panel(review_panels)
        from .dashboard_part2 import part2_panels  # helper R2: minutes to sign, actions due

        register_panel(part2_panels)
        settings.CELERY_BEAT_SCHEDULE["reviews-actions"] = {
            "task": "reviews.tasks.review_actions_sweep",
            "schedule": crontab(hour=7, minute=10),
        }
        settings.CELERY_BEAT_SCHEDULE["reviews-reminders"] = {
            "task": "reviews.tasks.review_reminders_sweep",
            "schedule": crontab(hour=7, minute=0),
        }

        from . import pdf  # helper P: the review's official forms for render_form

        pdf.register()
