import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

log = logging.getLogger("motcua.health")


def landing(request: HttpRequest) -> HttpResponse:
    """Entry page: links to the citizen portal, the back office, the admin and the API docs."""
    return render(request, "core/landing.html")


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and systemd probes: 200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        log.error("healthz: the database does not answer: %s", exc)
        return JsonResponse({"status": "error", "database": connection.vendor}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
