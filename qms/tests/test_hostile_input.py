"""Issue 13, `make security`: a hostile-input sweep over every form of the app. On a fresh demo, each demo user
walks the pages open to them (links only, GET); every form found (POST and GET, keyed by its URL's name) is
then sent hostile values — scripts, 1 MB of text, NUL, NFD, right-to-left and zero-width characters,
spreadsheet formulas, huge and negative numbers, impossible dates — as the first user who was shown it.
No answer may be a 5xx, and no answer (nor the page a POST redirects to) may echo a script unescaped.

Forms that the demo's record states never show (the consolidated report's edit, finalise and rebuild, the minutes'
creation, a unit report attachment's deletion) are added from demo records, and the sweep must reach every URL
name of the apps whose view accepts POST (read from the URLconf). Django's admin has its own smaller sweep over
the add and change forms of the QMS models, as a superuser. Downloads and the logout are not followed."""

from __future__ import annotations

import inspect
import io
import itertools
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from qms.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.security]

SCRIPT = "<script>qms_xss()</script>"
IMG = "<img src=x onerror=qms_xss()>"
ATTR = '" onmouseover="qms_xss()" x="'
# What must never appear as is in an answer: each is the unescaped form of a payload above.
UNESCAPED = ("<script>qms_xss", "<img src=x onerror=qms_xss", '" onmouseover="qms_xss()"')

_BASE_TEXT = [
    SCRIPT,
    IMG,
    ATTR,
    "'><svg onload=qms_xss()>",
    "javascript:qms_xss()",
    "</textarea>" + SCRIPT,
    "</title>" + SCRIPT,
    "{{ 7*7 }}{% debug %}",
    "%(n)s %s %d {0} {}",
    "\x00",
    "abc\x00def",
    "\x00" * 64,
    "a" * 1024 * 1024,  # 1 MB
    "Ư" * 300_000,  # about 600 kB in UTF-8
    unicodedata.normalize("NFD", "Nguyễn Thị Tuyết – Đặng Hữu Ước"),
    unicodedata.normalize("NFD", "Kết luận: hồ sơ chưa đạt yêu cầu"),
    "\u202eexe.txt",
    "\u202bمرحبا\u202c",
    "שלום עולם",
    "\u200b\u200c\u200d\u2060\ufeff",
    "a\u200bb\u200cc",
    "\ufeff" + SCRIPT,
    '=HYPERLINK("http://evil.example","bấm vào")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r\n\r\n",
    " ",
    "",
    "\\",
    "'; DROP TABLE qms_user; --",
    "' OR '1'='1",
    "%",
    "_",
    "%%__%%",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "http://evil.example/",
    "//evil.example",
    "-1",
    "0",
    "00000000000000000000000000001",
    "9" * 400,
    "-" + "9" * 400,
    "1e308",
    "-1e308",
    "NaN",
    "Infinity",
    "-0",
    "3,5",
    "1.000.000,5",
    "0x41",
    "99999999999999999999",
    "-99999999999999999999",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "31/02/2026",
    "30/02/2027",
    "29/02/2027",
    "00/00/0000",
    "32/13/2026",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "31/12/9999 25:61",
    "2026-06-31T24:00",
    "-2026-01-01",
    "10000-01-01",
    "😀🇻🇳👨‍👩‍👧",
    "\ud7ff\ue000\uffff",
    "Ǆ ǅ ǆ ﬁ ß ẞ",
    "ＡＢＣ１２３",
    "\u0301\u0303\u0323",
    "<b>đậm</b>",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "<!--",
    "]]>",
    "${7*7}",
    "#{7*7}",
    "*",
    "?",
    "true",
    "null",
    "None",
    "[]",
    "{}",
    '{"a": 1}',
    "\x1b[31mred",
    "\x07\x08\x0b\x0c",
    "line1\nline2\rline3",
    "x" * 255,
    "x" * 256,
    "y" * 10_001,
    "Thư ký ISO " * 50,
]
HOSTILE: list[str] = _BASE_TEXT
NUMBERS = [v for v in HOSTILE if re.fullmatch(r"[-+0-9.,eExNaIfinty]+", v)]
DATES = [v for v in HOSTILE if re.search(r"\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2}", v)]
ROUNDS = 3  # per form: each field gets a value of its kind, then any value, then a script
PAGES_PER_NAME = 4  # pages of one URL name visited per user
MAX_PAGES_PER_USER = 80

SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/i18n/", "/accounts/logout")
DOWNLOAD = re.compile(r"\.(pdf|xlsx|ics|docx|zip|csv|txt|png|jpe?g)$|/(download|file|files|pdf|export)\b", re.IGNORECASE)


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, kind, value)
    selects: dict[str, list[str]] = field(default_factory=dict)
    submitters: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, formaction)
    multipart: bool = False


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):  # a part of the page loaded by htmx (the status board)
            self.links.append(a["hx-get"])
        elif tag == "form":
            self._form = Form(
                action=a.get("action", ""),
                method=(a.get("method") or "get").lower(),
                multipart="multipart" in a.get("enctype", ""),
            )
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image"):
                self._form.submitters.append((a["name"], a.get("value", ""), a.get("formaction", "")))
            elif kind in ("checkbox", "radio"):
                self._form.fields.append((a["name"], kind, a.get("value", "on")))
            else:
                self._form.fields.append((a["name"], kind, a.get("value", "")))
        elif tag == "button" and a.get("formaction"):
            self._form.submitters.append((a.get("name", ""), a.get("value", ""), a["formaction"]))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.fields.append((a["name"], "textarea", ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form.selects[a["name"]] = []
            self._form.fields.append((a["name"], "select", ""))
        elif tag == "option" and self._select is not None:
            self._form.selects[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _local(url: str, base: str) -> str | None:
    absolute = urljoin(f"http://testserver{base}", url)
    parts = urlsplit(absolute)
    if parts.netloc != "testserver" or parts.scheme != "http":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIPPED_PREFIXES) or DOWNLOAD.search(parts.path):
        return None
    return path


def _url_name(path: str) -> str | None:
    """The URL's name, with its non-numeric arguments (a ticket's action slug names a different form)."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    extra = [f"{k}={v}" for k, v in sorted(match.kwargs.items()) if not str(v).isdigit()]
    return match.view_name + (f"[{','.join(extra)}]" if extra else "")


def _seeds(user) -> list[str]:
    """The secretary's pages of every review of the agency, whatever their state (the consolidated report and
    the unit reports sit deep below the lists)."""
    from django.urls import reverse  # noqa: PLC0415

    from reviews.models import Review, UnitReport  # noqa: PLC0415

    if user is None:
        return []
    # The reviews by report (QT.CTCL 5.8.2), whose pages hold each role's forms: the review list leads to them
    # through a redirect the crawl does not follow.
    by_report = Review.objects.filter(organisation_id=user.organisation_id, kind=Review.Kind.BY_REPORT).order_by("pk")
    seeds = [reverse(name, args=[r.pk]) for r in by_report for name in ("reviews:by_report", "reviews:result_notice")]
    if not user.has_perm("reviews.manage_review"):
        return seeds
    reviews = Review.objects.filter(organisation_id=user.organisation_id).order_by("pk")
    pages = [reverse("reviews:detail", args=[r.pk]) for r in reviews]
    pages += [reverse("reviews:consolidated_detail", args=[r.pk]) for r in reviews]
    pages += [reverse("reviews:report_detail", args=[r.pk]) for r in UnitReport.objects.filter(review__in=reviews)[:6]]
    return pages + seeds


def _crawl(client, user, start: str = "/") -> list[tuple[str, Form]]:
    """(page, form) for every form shown on the pages this user reaches by links from `start`. Pages of a
    URL name not seen yet come first, then up to PAGES_PER_NAME of each (records in other states)."""
    if user is not None:
        client.force_login(user)
    else:
        client.logout()
    seeds = _seeds(user)
    queue, seen, per_name, found = [start, *seeds], set(), {}, []
    while queue and len(seen) < MAX_PAGES_PER_USER + len(seeds):
        queue.sort(key=lambda p: (p not in seeds, per_name.get(_url_name(p), 0)))
        path = queue.pop(0)
        name = _url_name(path)
        if path in seen or name is None or (per_name.get(name, 0) >= PAGES_PER_NAME and path not in seeds):
            continue
        seen.add(path)
        per_name[name] = per_name.get(name, 0) + 1
        response = client.get(path)
        who = user.username if user is not None else "anonymous"
        assert response.status_code < 500, f"{who} GET {path}: {response.status_code}"
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        parser = _PageParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            found.append((path, form))
        for href in parser.links:
            target = _local(href, path)
            if target and target not in seen and target not in queue:
                queue.append(target)
    return found


SWEPT_NAMESPACES = ("reviews", "corrective_actions", "objectives", "risks")  # and the root patterns of qms/urls.py


def _accepts_post(callback) -> bool:
    """Whether a view answers POST: a class view with `post`, or a function view whose source (its decorators
    included) names POST and that is not `require_GET`."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return "post" in view_class.http_method_names and hasattr(view_class, "post")
    source = inspect.getsource(inspect.unwrap(callback))
    if "require_GET" in source:
        return False
    return "require_POST" in source or '"POST"' in source or "request.POST" in source


# The pages that only answer GET (lists, details, downloads). Every other URL name of the swept apps is a form
# the sweep must reach: a new view is taken as a form until it is listed here, and the list is checked against
# the views' sources (test_the_get_only_list_names_views_that_do_not_accept_post).
GET_ONLY = frozenset(
    {
        "home",
        "healthz",
        "inbox",
        "overview",
        "overview_export",
        "calendar_feed",
        "calendar_feed_ics",
        "dashboard",
        "dashboard_unit",
        "reviews:list",
        "reviews:detail",
        "reviews:board",
        "reviews:report_detail",
        "reviews:attachment_download",
        "reviews:consolidated_detail",
        "reviews:minutes_detail",
        "reviews:action_list",
        "reviews:action_detail",
        "reviews:action_evidence",
        "reviews:followup",
        "reviews:followup_pdf",
        "reviews:followup_review",
        "reviews:followup_review_pdf",
        "reviews:notice_pdf",
        "reviews:unit_report_pdf",
        "reviews:consolidated_pdf",
        "reviews:minutes_pdf",
        "reviews:notice_docx",
        "reviews:minutes_docx",
        "reviews:by_report",
        "reviews:by_report_pdf",
        "reviews:result_notice",
        "reviews:result_notice_pdf",
        "corrective_actions:list",
        "corrective_actions:export",
        "corrective_actions:my_work",
        "corrective_actions:detail",
        "corrective_actions:pdf",
        "corrective_actions:docx",
        "corrective_actions:attachment_download",
        "objectives:list",
        "objectives:plan_detail",
        "objectives:plan_pdf",
        "objectives:plan_excel",
        "objectives:measurement_evidence",
        "risks:list",
        "risks:detail",
        "risks:excel",
        "risks:pdf",
    }
)


def _swept_patterns() -> dict[str, URLPattern]:
    """Every named pattern of reviews, corrective_actions, objectives and the root patterns of qms/urls.py."""
    patterns: dict[str, URLPattern] = {}
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and top.namespace in SWEPT_NAMESPACES:
            patterns.update({f"{top.namespace}:{p.name}": p for p in top.url_patterns if isinstance(p, URLPattern) and p.name})
        elif isinstance(top, URLPattern) and top.name:
            patterns[top.name] = top
    return patterns


def _post_url_names() -> set[str]:
    return set(_swept_patterns()) - GET_ONLY


def _form_on(client, user, page: str, action: str) -> Form | None:
    """The form of `page` that posts to `action` (or to itself), as `user` sees it."""
    client.force_login(user)
    response = client.get(page)
    if response.status_code != 200:
        return None
    parser = _PageParser()
    parser.feed(response.content.decode())
    for form in parser.forms:
        if form.method == "post" and (_local(form.action, page) if form.action else page) == action:
            return form
    return None


def _fields_of(form_class, **values: str) -> list[tuple[str, str, str]]:
    """A Django form class's fields as the page would show them: choices as selects, the rest as text areas."""
    from django import forms  # noqa: PLC0415

    fields = []
    for name, bound in form_class().fields.items():
        kind = "select" if isinstance(bound, forms.ChoiceField) else "hidden" if bound.widget.is_hidden else "textarea"
        fields.append((name, kind, values.get(name, "")))
    return fields


def _agency_user(organisation_id: int, perm: str) -> User:
    users = User.objects.filter(organisation_id=organisation_id, is_active=True, is_superuser=False).order_by("username")
    return next(u for u in users if u.has_perm(perm))


def _unshown_forms(client) -> dict[str, tuple[User, str, Form]]:
    """The forms that no demo state shows, built from demo records: the consolidated report's edit, finalise
    and rebuild (a review with a consolidated report), the minutes' creation (a review without minutes), and
    the deletion of a unit report's attachment (one is added to a report, posted by its unit's editor)."""
    from reviews.models import ConsolidatedReport, ReportAttachment, Review, UnitReport  # noqa: PLC0415

    extra: dict[str, tuple[User, str, Form]] = {}
    report = ConsolidatedReport.objects.select_related("review").order_by("pk").first()
    assert report is not None, "the demo has no consolidated report"
    review = report.review
    secretary = next(
        u
        for u in User.objects.filter(organisation_id=review.organisation_id, is_active=True, is_superuser=False).order_by("username")
        if u.has_perm("reviews.manage_review")
    )
    edit = reverse("reviews:consolidated_edit", args=[review.pk])
    extra["post reviews:consolidated_edit "] = (secretary, edit, _form_on(client, secretary, edit, edit) or Form(edit, "post"))
    for name in ("consolidated_finalise", "consolidated_rebuild"):
        url = reverse(f"reviews:{name}", args=[review.pk])
        extra[f"post reviews:{name} "] = (secretary, url, Form(url, "post", fields=[("regenerate", "text", "1")]))
    fresh = Review.objects.filter(organisation_id=review.organisation_id, minutes__isnull=True).order_by("pk").first() or review
    url = reverse("reviews:minutes_create", args=[fresh.pk])
    extra["post reviews:minutes_create "] = (secretary, url, Form(url, "post", fields=[("form_code", "text", "")]))
    unit_report = UnitReport.objects.order_by("pk").first()
    assert unit_report is not None, "the demo has no unit report"
    editor = next(
        u
        for u in User.objects.filter(unit_id=unit_report.unit_id, is_active=True, is_superuser=False).order_by("username")
        if u.has_perm("reviews.change_unitreport")
    )
    attachment = ReportAttachment(report=unit_report, original_name="bien-ban.pdf", size=9, uploaded_by=editor)
    attachment.file.save("bien-ban.pdf", ContentFile(b"%PDF-1.4 "), save=False)
    attachment.save()
    url = reverse("reviews:attachment_delete", args=[attachment.pk])
    extra["post reviews:attachment_delete "] = (editor, url, Form(url, "post", fields=[("version", "hidden", "1")]))
    # A decided action reopened by the secretary, and a unit's resource request answered by the committee head.
    from reviews.forms import ActionDecisionForm, ResourceAnswerForm  # noqa: PLC0415
    from reviews.models import ResourceRequest, ReviewAction  # noqa: PLC0415

    action = ReviewAction.objects.filter(review__organisation_id=review.organisation_id).order_by("-status", "pk").first()
    assert action is not None, "the demo has no review action"
    url = reverse("reviews:action_reopen", args=[action.pk])
    extra["post reviews:action_reopen "] = (secretary, url, Form(url, "post", fields=_fields_of(ActionDecisionForm)))
    request = ResourceRequest.objects.create(action=action, unit=action.responsible_unit, description="Máy quét", requested_by=secretary)
    url = reverse("reviews:resource_request_answer", args=[request.pk])
    form = Form(url, "post", fields=_fields_of(ResourceAnswerForm, version="1"))
    choices = {name: getattr(bound, "choices", []) for name, bound in ResourceAnswerForm().fields.items()}
    form.selects = {name: [str(value) for value, _label in choices[name]] for name, kind, _v in form.fields if kind == "select"}
    extra["post reviews:resource_request_answer "] = (_agency_user(review.organisation_id, "reviews.answer_resource_request"), url, form)
    return extra


def _value_for(kind: str, name: str, original: str, round_: int, pick) -> str:
    if kind in ("checkbox", "radio"):
        return original
    if name == "csrfmiddlewaretoken":
        return original
    if kind == "hidden" and round_ == 0:
        return original  # the version, ids and formset counts as the page gave them: reach the deep checks
    if round_ == 2:
        return random.choice([SCRIPT, IMG, ATTR])
    if round_ == 0 and (kind == "number" or "progress" in name or "value" in name):
        return pick(NUMBERS)
    if round_ == 0 and (kind == "date" or "date" in name or "deadline" in name or "_on" in name or "_at" in name):
        return pick(DATES)
    return pick(HOSTILE)


def _assert_safe(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: HTTP {response.status_code}"
    if "text/html" in response.get("Content-Type", "") or "json" in response.get("Content-Type", ""):
        body = response.content.decode(errors="replace")
        for raw in UNESCAPED:
            assert raw not in body, f"{where}: echoed unescaped {raw!r}"


def test_every_form_survives_hostile_input_without_a_5xx_or_an_unescaped_echo(client):
    call_command("load_demo", stdout=io.StringIO())
    rnd = random.Random(13)
    random.seed(13)
    forms: dict[str, tuple[User | None, str, Form]] = {}
    started = time.monotonic()
    # One user per kind of account (agency, unit, groups, admin flag): users of the same kind see the same forms.
    users: dict[tuple, User] = {}
    for user in User.objects.filter(is_active=True, is_superuser=False).order_by("username").prefetch_related("groups"):
        kind = (user.organisation_id, user.unit_id, user.is_staff, tuple(sorted(g.name for g in user.groups.all())))
        users.setdefault(kind, user)
    assert len(users) >= 8
    for user in [None, *users.values()]:  # None: the pages before signing in (login, password reset)
        for page, form in _crawl(client, user, "/accounts/login/" if user is None else "/"):
            action = _local(form.action or page, page) if form.action else page
            if action is None:
                continue
            targets = [(action, "")] + [(_local(fa, page) or action, n) for n, _v, fa in form.submitters if fa]
            for target, submitter in targets:
                name = _url_name(target)
                key = f"{form.method} {name} {submitter}"
                if name and key not in forms and not name.startswith(("logout", "set_language")):
                    forms[key] = (user, target, form)
    assert len(forms) >= 25, sorted(forms)
    for key, entry in _unshown_forms(client).items():
        forms.setdefault(key, entry)
    reached = {(_url_name(target) or "").split("[")[0] for _user, target, _form in forms.values()}
    missed = _post_url_names() - reached
    assert not missed, f"forms the sweep does not reach (show them in a demo state or add them in _unshown_forms): {sorted(missed)}"
    print(f"sweep: {len(users)} users, {len(forms)} forms found in {time.monotonic() - started:.0f} s: {sorted(forms)}")

    cursor = itertools.cycle(HOSTILE)
    used: set[str] = set()

    def pick(pool: list[str]) -> str:
        # HOSTILE in turn, so that every value is sent at least once; the kind-specific pools at random.
        value = next(cursor) if pool is HOSTILE else rnd.choice(pool)
        used.add(value)
        return value

    for key, (user, target, form) in sorted(forms.items()):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for round_ in range(ROUNDS):
            data: dict[str, object] = {}
            for name, kind, original in form.fields:
                if kind == "select":
                    options = form.selects.get(name) or [""]
                    data[name] = pick(HOSTILE) if round_ == 1 else rnd.choice(options)
                elif kind == "file":
                    data[name] = SimpleUploadedFile(pick(HOSTILE)[:80] + ".pdf", b"%PDF-1.4 " + SCRIPT.encode())
                else:
                    data[name] = _value_for(kind, name, original, round_, pick)
            submitter = key.split(" ", 2)[2]
            if submitter:
                data[submitter] = ""
            where = f"{key} as {user.username if user else 'anonymous'} (round {round_})"
            if form.method == "post":
                response = client.post(target, data)
            else:
                response = client.get(target, {k: v for k, v in data.items() if isinstance(v, str)})
            _assert_safe(response, where)
            location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
            follow = _local(location, target) if location else None
            if follow:
                _assert_safe(client.get(follow), f"{where} → {follow}")
    print(f"sweep: {len(HOSTILE)} hostile values sent to {len(forms)} forms in {time.monotonic() - started:.0f} s")
    assert len(HOSTILE) >= 100
    assert set(HOSTILE) <= used, f"{len(set(HOSTILE) - used)} hostile values were never sent"


def test_the_get_only_list_names_views_that_do_not_accept_post():
    patterns = _swept_patterns()
    assert GET_ONLY <= set(patterns), f"not in the URLconf: {sorted(GET_ONLY - set(patterns))}"
    wrongly_listed = sorted(name for name in GET_ONLY if _accepts_post(patterns[name].callback))
    assert not wrongly_listed, f"these views accept POST: take them off GET_ONLY so the sweep must reach them: {wrongly_listed}"
    # The sweep's list of forms holds the ones the demo never shows and a view that delegates to a helper.
    assert {"reviews:consolidated_edit", "reviews:attachment_delete", "objectives:objective_edit", "password_reset"} <= _post_url_names()


ADMIN_APPS = ("qms", "reviews", "corrective_actions", "objectives", "risks")
ADMIN_VALUES_PER_FORM = 20


def test_the_admin_forms_of_the_qms_models_survive_hostile_input_without_a_5xx_or_an_unescaped_echo(client):
    """Django admin's add and change forms of every QMS model, as a provincial superuser on the demo: each form
    is sent ADMIN_VALUES_PER_FORM hostile values (a sample, scripts included) in its text fields."""
    from qms.tests.factories import UserFactory  # noqa: PLC0415

    call_command("load_demo", stdout=io.StringIO())
    rnd = random.Random(1313)
    client.force_login(UserFactory(username="tinh.quantri.sweep", is_staff=True, is_superuser=True, organisation=None, unit=None))
    models = sorted(
        ((m, ma) for m, ma in admin.site._registry.items() if m._meta.app_label in ADMIN_APPS),
        key=lambda pair: pair[0]._meta.label,
    )
    assert len(models) >= 15, [m._meta.label for m, _ in models]
    swept = []
    for model, _model_admin in models:
        opts = model._meta
        pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_add")]
        instance = model._default_manager.order_by("pk").first()
        if instance is not None:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]))
        for page in pages:
            response = client.get(page)
            _assert_safe(response, f"admin GET {page}")
            if response.status_code != 200:
                continue  # no add permission (an audit entry, an outbox message), or a record admin does not change
            parser = _PageParser()
            parser.feed(response.content.decode())
            form = next((f for f in parser.forms if f.method == "post" and f.fields), None)
            if form is None:
                continue  # a read-only change page
            values = [SCRIPT, IMG, ATTR, *rnd.sample([v for v in HOSTILE if v not in (SCRIPT, IMG, ATTR)], ADMIN_VALUES_PER_FORM - 3)]
            texts = [
                name
                for name, kind, _ in form.fields
                if kind in ("text", "textarea", "email", "url", "number", "date", "time", "password")
                and not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
            ]
            for value in values:
                data: dict[str, object] = {}
                for name, kind, original in form.fields:
                    if kind == "select":
                        options = [o for o in form.selects.get(name) or [""] if o]
                        data[name] = options[0] if options else ""
                    elif kind == "file":
                        continue
                    elif name in texts:
                        data[name] = value
                    else:
                        data[name] = original
                response = client.post(page, data)
                where = f"admin POST {page} with {value[:40]!r}"
                _assert_safe(response, where)
                location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
                if location and (follow := _local(location, page) or (location if location.startswith("/admin/") else None)):
                    _assert_safe(client.get(follow), f"{where} → {follow}")
            swept.append(page)
    assert len(swept) >= 15, swept
