from django.urls import path

from motcua.feedback.api.views import InboundView

urlpatterns = [path("feedback/inbound", InboundView.as_view(), name="feedback-inbound")]
