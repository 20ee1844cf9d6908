"""Admin: templates are edited here; outbox rows and simulated deliveries are read-only evidence."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.notifications.models import MessageTemplate, OutboxMessage, SimulatedDelivery, StaffAlert


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    list_display = ["code", "channel", "subject", "active", "updated_at"]
    list_filter = ["channel", "active"]
    search_fields = ["code", "subject", "body"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["key", "channel", "recipient", "template", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["key", "recipient"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SimulatedDelivery)
class SimulatedDeliveryAdmin(admin.ModelAdmin[SimulatedDelivery]):
    list_display = ["channel", "recipient", "subject", "requests", "delivered_at"]
    list_filter = ["channel"]
    search_fields = ["recipient", "idempotency_key", "body"]


@admin.register(StaffAlert)
class StaffAlertAdmin(admin.ModelAdmin[StaffAlert]):
    """Deadline alerts to officials: evidence of who was told what and when (read-only)."""

    list_display = ["recipient", "dossier", "level", "topic", "due_at", "created_at", "read_at"]
    list_filter = ["level", "topic"]
    search_fields = ["key", "recipient__username", "dossier__code"]
    readonly_fields = [f.name for f in StaffAlert._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
