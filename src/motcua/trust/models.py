"""The record of every lifting of the append-only guard (`appendonly.lifted`): itself append-only."""

from __future__ import annotations

from django.db import models


class Lift(models.Model):
    """One time a migration, a restore or an operator lifted the append-only triggers, and why."""

    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=255)
    database_user = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.reason}"


class VerifiedState(models.Model):
    """A dossier whose rows `audit verify` last checked in full, vouched for by a keyed MAC.

    `mac` is HMAC(seal key, checker version ‖ dossier id ‖ SHA-256 of every row the check reads:
    the dossier row, its events, step runs and documents). While the rows still hash to the same
    digest, the next verification need not re-derive them; a row edited without the key, or a new
    checker version, makes the MAC fail and the dossier is checked in full again. No foreign key:
    verification writes here, and a stale row only costs a full check.
    """

    dossier_id = models.BigIntegerField(primary_key=True)
    mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"dossier #{self.dossier_id} verified"
