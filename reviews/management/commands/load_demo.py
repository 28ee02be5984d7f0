"""Loads the demo data of every app. It lives in `reviews`, the one app allowed to use all others.
Running it twice changes nothing."""

from importlib import import_module

from django.core.management.base import BaseCommand

from qms.demo import DEMO_PASSWORD, load_core

# Each app's demo module exposes load(users: dict) and is loaded in dependency order.
APP_DEMOS = ["objectives.demo", "corrective_actions.demo", "reviews.demo"]


class Command(BaseCommand):
    help = "Load idempotent demo data: organisation, units, users of every role, and records in several states."

    def handle(self, *args, **options):
        users = load_core()
        for dotted in APP_DEMOS:
            try:
                module = import_module(dotted)
            except ModuleNotFoundError as exc:
                if exc.name != dotted:
                    raise
                continue
            module.load(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Users: {', '.join(sorted(users))}; password {DEMO_PASSWORD}"))
