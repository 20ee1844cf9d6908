from django.urls import path

from motcua.portal.api.views import PublicLookupView

urlpatterns = [path("public/lookup", PublicLookupView.as_view(), name="public-lookup")]
