from motcua.dossiers.tests.conftest import fresh_calendars, world

__all__ = ["fresh_calendars", "world"]
