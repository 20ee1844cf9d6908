from django.urls import path

from motcua.population import simulator, views

app_name = "population"
urlpatterns = [
    path("backoffice/dan-cu/tra-cuu/", views.prefill, name="prefill"),
    path("backoffice/dan-cu/chua-xac-thuc/", views.unverified, name="unverified"),
    path("backoffice/dan-cu/xac-thuc-lai/<str:code>/", views.reverify, name="reverify"),
    path("sim/csdlqg-dancu/v1/cong-dan/<str:id_number>", simulator.citizen),
    path("sim/csdlqg-dancu/<slug:mode>/v1/cong-dan/<str:id_number>", simulator.citizen),
]
