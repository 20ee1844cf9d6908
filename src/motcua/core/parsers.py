"""DRF requests hand views NFC text, whatever parsers a view lists (see `core.middleware` for forms).

The hook is the content negotiation, which every DRF request goes through to pick its parser: the
chosen parser is wrapped so that what it returns (JSON values, form fields, file names) is NFC.
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, DataAndFiles

from motcua.core.middleware import nfc_querydict
from motcua.core.text import nfc, nfc_deep


def nfc_data(data: Any) -> Any:
    return nfc_querydict(data) if isinstance(data, QueryDict) else nfc_deep(data)


class NFCParser(BaseParser):
    """Wraps the parser negotiation chose; parses with it, then normalises."""

    def __init__(self, inner: BaseParser) -> None:
        self.inner = inner
        self.media_type = inner.media_type

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = self.inner.parse(stream, media_type, parser_context)
        if isinstance(parsed, DataAndFiles):
            for _, uploads in parsed.files.lists():
                for upload in uploads:
                    if upload.name:
                        upload.name = nfc(upload.name)
            return DataAndFiles(nfc_data(parsed.data), parsed.files)
        return nfc_data(parsed)


class NFCContentNegotiation(DefaultContentNegotiation):
    def select_parser(self, request: Any, parsers: Any) -> Any:
        parser = super().select_parser(request, parsers)
        return NFCParser(parser) if parser is not None else None
