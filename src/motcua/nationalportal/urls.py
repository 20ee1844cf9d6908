from django.urls import path

from motcua.nationalportal import views

app_name = "nationalportal"
urlpatterns = [path("inbound", views.inbound_view, name="inbound")]
