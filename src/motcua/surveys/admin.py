from django.contrib import admin

from motcua.surveys.models import Campaign, Questionnaire


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "version", "title")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "start", "end", "sample_size", "active")
    filter_horizontal = ("units",)
