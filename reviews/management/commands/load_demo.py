"""Loads the demo data of every app. It lives in `reviews`, the one app allowed to use all others.
Running it twice changes nothing."""

from importlib import import_module

from django.core.management.base import BaseCommand

from qms.demo import DEMO_PASSWORD, load_core, load_small_agency

# Each app's demo module exposes load(users: dict) (the first agency's full demo) and may expose
# load_small(users: dict) (the second, smaller agency's); they are loaded in dependency order.
APP_DEMOS = ["objectives.demo", "risks.demo", "corrective_actions.demo", "reviews.demo"]


def _demo_modules():
    for dotted in APP_DEMOS:
        try:
            yield import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise


class Command(BaseCommand):
    help = (
        "Load idempotent demo data: two agencies with their units and users of every role, the provincial "
        "overseer, and records in several states."
    )

    def handle(self, *args, **options):
        users = load_core()
        modules = list(_demo_modules())
        for module in modules:
            module.load(users)
        small = load_small_agency()
        for module in modules:
            load_small = getattr(module, "load_small", None)
            if load_small is not None:
                load_small(small)
        names = ", ".join(sorted(users)) + "; " + ", ".join(sorted(small))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Users: {names}; password {DEMO_PASSWORD}"))
