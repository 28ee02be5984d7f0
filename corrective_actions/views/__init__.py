"""The pages of the app (pages.py) and the buttons of the ticket page (steps.py)."""
