from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("request-a-call-back/", include("consultations.urls")),
    path("visit/", include("insights.urls")),
    path("", include("pages.urls")),
]

handler400 = "pages.views.bad_request"
handler500 = "pages.views.server_error"
