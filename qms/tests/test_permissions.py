"""Permission matrix of the core's URLs, and the check that every app URL is in some matrix."""

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]

# (url name, method) -> expected status for anonymous, then for every signed-in role
MATRIX = {
    ("home", "get"): (302, 200),
    ("inbox", "get"): (302, 200),
    ("inbox_mark_read", "post"): (302, 302),
    ("inbox_mark_read", "get"): (302, 405),
    ("healthz", "get"): (200, 200),
    ("overview", "get"): (302, 403),  # the overseer's own rows are in test_overview.py
    ("overview_export", "get"): (302, 403),
    ("verify_pdf", "get"): (302, 200),  # any signed-in user checks any PDF
    ("verify_pdf", "post"): (302, 400),  # no file: the form says so
}
COVERED_URL_NAMES = {name for name, _method in MATRIX}

# Django's own pages (admin, sign-in, password reset, language switch) are not the product's to matrix.
EXEMPT_NAMESPACES = {"admin"}
EXEMPT_NAMES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_core_urls_answer_each_role_with_the_expected_status(client, role_users, role, name, method):
    if role != "anonymous":
        client.force_login(role_users[role])
    response = getattr(client, method)(reverse(name))
    anonymous, signed_in = MATRIX[(name, method)]
    assert response.status_code == (anonymous if role == "anonymous" else signed_in)


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in EXEMPT_NAMESPACES:
                continue
            names |= _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_of_the_product_is_covered_by_a_permission_matrix():
    covered = set(COVERED_URL_NAMES)
    for path in sorted(Path(settings.BASE_DIR).glob("*/tests/test_permissions*.py")):
        module = importlib.import_module(".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts))
        app = path.parts[-3]
        for name in getattr(module, "COVERED_URL_NAMES", ()):
            covered.add(name if ":" in name or app == "qms" else f"{app}:{name}")
    missing = _url_names(get_resolver()) - covered - EXEMPT_NAMES
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"
