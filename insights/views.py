from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from insights import counters
from insights.beacon import counted_fields, is_countable
from insights.tasks import flush_soon


# No CSRF check: the beacon carries no cookie we read (but a staff session's, to leave staff out) and changes
# nothing but anonymous counters; a forged one is no different from a real one.
@csrf_exempt
@never_cache
@require_POST
def beacon(request: HttpRequest) -> HttpResponse:
    """Always 204, counted or not: the page that sent it has nothing to do with the answer."""
    if is_countable(request):
        fields = counted_fields(request.POST)
        if fields and counters.count(timezone.localdate(), fields):
            flush_soon()
    return HttpResponse(status=204)
