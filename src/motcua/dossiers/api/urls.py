from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from motcua.dossiers.api.views import DossierViewSet

router = SimpleRouter()
router.register("dossiers", DossierViewSet, basename="dossier")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
