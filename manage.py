#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:
        # A development checkout: production always sets the secret key (docs/deploy.md), and there
        # DEBUG stays off unless DJANGO_DEBUG says otherwise.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
