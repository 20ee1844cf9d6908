from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from motcua.catalog.api.views import FieldViewSet, LinkedGroupViewSet, ProcedureViewSet

router = SimpleRouter()
router.register("fields", FieldViewSet, basename="field")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("linked-groups", LinkedGroupViewSet, basename="linked-group")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
