from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from motcua.organizations.api.views import OfficialViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("officials", OfficialViewSet, basename="official")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
