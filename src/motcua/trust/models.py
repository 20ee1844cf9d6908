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
