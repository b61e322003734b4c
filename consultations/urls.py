from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.request_call_back, name="request"),
    path("thanks/", views.thanks, name="thanks"),
    path("thanks/phone-call.ics", views.calendar_file, name="calendar_file"),
    path("your-call/", views.your_call, name="your_call"),
    path("your-call/phone-call.ics", views.your_call_calendar_file, name="your_call_calendar_file"),
    path("your-call/<str:token>/", views.private_link, name="private_link"),
    path("your-call-is-cancelled/", views.call_cancelled, name="call_cancelled"),
]
