"""The bench's URLconf (`python -m qms.bench` only, never served): the project's URLs plus two reference views
that every page is measured against, interleaved with it (issue 15):

- FLOOR: a page extending base.html (the menu, the notification count, the user's permissions) with one
  indexed query of its own: what any page of the site costs at least;
- BARE: a plain HttpResponse through the same middleware: the request machinery alone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from qms.models import User


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    # One query on the primary key's index, shown in the base template.
    return render(request, "qms/bench_floor.html", {"person": User.objects.get(pk=request.user.pk)})


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/bare/", bare),
    path("", include("qms.urls")),
]
