"""Vietnamese first: the interface is Vietnamese unless the person chose another language.

Django's `LocaleMiddleware` follows the browser's Accept-Language, so a clerk on an English-language
Windows or Chromium got a half-English back office (the screens' own texts) with Vietnamese forms
and papers. Here only an explicit choice counts: the language cookie set by `/i18n/setlang/`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
