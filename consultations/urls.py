from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.request_call_back, name="request"),
    path("thanks/", views.thanks, name="thanks"),
]
