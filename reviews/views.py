from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Review


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = Review.objects.visible_to(request.user)
    return render(request, "reviews/list.html", {"reviews": reviews})
