"""A tenant's home page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import visible_spaces


def tenant_home(request: HttpRequest) -> HttpResponse:
    return render(request, "spaces/home.html", {"spaces": visible_spaces()})
