"""`POST /dvcqg/inbound`: the national portal's messages to motcua (signed JSON, `protocol.py`)."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.nationalportal import inbound, protocol

MAX_BODY = 200 * 1024 * 1024


@csrf_exempt  # authenticated by the HMAC signature, not by a browser session
@require_POST
def inbound_view(request: HttpRequest) -> JsonResponse:
    body = request.body
    if not protocol.verify_headers(settings.NATIONAL_SECRET, body, request.headers):
        return JsonResponse({"detail": "bad or missing signature"}, status=401)
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "the body is not JSON"}, status=400)
    answer = inbound.handle(message)
    return JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})
