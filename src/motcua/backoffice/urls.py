from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.backoffice import alerts, intake_linked, reads, views, worklist

app_name = "backoffice"
urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("home/", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="backoffice:login"), name="logout"),
    path("procedures/", views.procedure_search, name="procedure_search"),
    path("applicant/", views.applicant_lookup, name="applicant_lookup"),
    path("book.pdf", views.tracking_book, name="tracking_book"),
    path("d/<str:code>/", views.dossier_detail, name="dossier"),
    path("d/<str:code>/forms/<slug:kind>.pdf", views.form_pdf, name="form_pdf"),
    path("d/<str:code>/documents/<int:pk>/", views.document_file, name="document"),
]
urlpatterns += [
    path("intake/", views.intake, name="intake"),
    path("intake/checklist/", views.intake_checklist, name="intake_checklist"),
    path("intake/linked/", intake_linked.intake_linked, name="intake_linked"),
    path("d/<str:code>/act/<slug:action>/", views.act, name="act"),
]
urlpatterns += [
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/read/", alerts.mark_read, name="alerts_read"),
    path("reads/", reads.read_trail, name="reads"),  # the personal-data read trail (inspectors)
]
