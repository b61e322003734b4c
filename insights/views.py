from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from insights import counters
from insights.beacon import counted_fields, is_countable


def _answer(request: HttpRequest) -> HttpResponse:
    """Always 204, counted or not: the page that sent it has nothing to do with the answer. The counts reach the
    database on the worker's clock, never in this request."""
    if is_countable(request):
        fields = counted_fields(request.POST)
        if fields:
            counters.count(timezone.localdate(), fields)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response


# No CSRF check: the beacon carries no cookie we read (but a staff session's, to leave staff out) and changes
# nothing but anonymous counters; a forged one is no different from a real one.
@csrf_exempt
@never_cache
@require_POST
def beacon(request: HttpRequest) -> HttpResponse:
    return _answer(request)


class BeaconMiddleware:
    """Answers a beacon without a session cookie (nobody signed in) early, as WhiteNoise answers a static file:
    sessions, CSRF, authentication and the rest have nothing to do for it, and beacons come with every page view.
    A beacon with a session cookie goes on to the view, which leaves signed-in staff out."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = reverse("insights:beacon")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path_info == self.path
            and request.method == "POST"
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        ):
            return _answer(request)
        return self.get_response(request)
