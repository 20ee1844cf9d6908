from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from motcua.core import views as core_views
from motcua.payments import urls as payments_urls
from motcua.portal import views as portal_views

api_patterns = [
    path("", include("motcua.organizations.api.urls")),
    path("", include("motcua.calendar.api.urls")),
    path("", include("motcua.catalog.api.urls")),
    path("", include("motcua.dossiers.api.urls")),
    path("", include("motcua.analytics.api.urls")),
    path("", include("motcua.portal.api.urls")),
    path("", include("motcua.feedback.api.urls")),
]

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/swagger_ui.html"),
        name="api-docs",
    ),
    path("portal/", include("motcua.portal.urls")),
    path("tra-cuu/", portal_views.lookup_page, name="lookup"),  # contracts §8.1: the receipt's QR link
    path("phan-anh/", include("motcua.feedback.public_urls")),  # feedback (PAKN): public form and answers
    path("backoffice/phan-anh/", include("motcua.feedback.urls")),
    path("khao-sat/", include("motcua.surveys.public_urls")),  # SIPAS: portal page, kiosk, paper form
    path("backoffice/khao-sat/", include("motcua.surveys.urls")),
    path("backoffice/kiem-tra/", include("motcua.inspections.urls")),  # reform inspections and remediation
    path("backoffice/nhiem-vu/", include("motcua.assignments.urls")),  # tasks assigned by the province
    path("backoffice/cai-cach/", include("motcua.reform.urls")),  # PAR-index (Chỉ số CCHC) scoring
    path("backoffice/", include("motcua.backoffice.urls")),
    path("analytics/", include("motcua.analytics.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Signed documents (public /xac-thuc/) and population data, each with its /sim/ simulator (issue 16).
    path("", include("motcua.signing.urls")),
    path("", include("motcua.population.urls")),
    # payments: IPN/return (contracts §8.2), payment pages, receipts; the gateway simulator (404 when off)
    path("payments/", include("motcua.payments.urls")),
    path("sim/vnpay/", include(payments_urls.sim_urlpatterns)),
    # The online channel: the national portal's inbound endpoint, the sync control room, the rating kiosk.
    path("dvcqg/", include("motcua.nationalportal.urls")),
    path("backoffice/dong-bo/", include("motcua.nationalportal.control_urls")),
    path("danh-gia/", include("motcua.ratings.urls")),
]

if settings.SIMULATORS:  # the local DVCQG + VNeID simulator (portalsim)
    urlpatterns.append(path("sim/dvcqg/", include("motcua.portalsim.urls")))

handler404 = "motcua.core.api.not_found"

admin.site.site_header = "motcua — Quản trị hệ thống Một cửa"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"
