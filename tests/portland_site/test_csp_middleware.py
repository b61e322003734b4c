"""The site's CSP middleware builds the policy once, and writes the very header django-csp would."""

from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_update
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse

from portland_site.middleware import CSPMiddleware

POLICY = {"DIRECTIVES": {"default-src": ["'none'"], "img-src": [SELF]}}


def _headers(middleware_class, rf, view=lambda request: HttpResponse("page"), path="/"):
    middleware = middleware_class(view)
    response = middleware(rf.get(path))
    return response.get(HEADER), response.get(HEADER_REPORT_ONLY)


def test_the_header_is_django_csps_for_every_page(rf, client):
    ours, theirs = _headers(CSPMiddleware, rf), _headers(DjangoCSPMiddleware, rf)
    assert ours == theirs and ours[0]
    assert client.get("/")[HEADER] == ours[0]


def test_a_changed_policy_is_built_again(rf, settings):
    middleware = CSPMiddleware(lambda request: HttpResponse("page"))
    before = middleware(rf.get("/"))[HEADER]
    settings.CONTENT_SECURITY_POLICY = POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF]}}
    response = middleware(rf.get("/"))
    assert response[HEADER] != before
    assert (response[HEADER], response[HEADER_REPORT_ONLY]) == _headers(DjangoCSPMiddleware, rf)


def test_a_view_with_its_own_policy_gets_it(rf):
    view = csp_update({"img-src": "https://images.example.org"})(lambda request: HttpResponse("page"))
    ours = _headers(CSPMiddleware, rf, view)
    assert ours == _headers(DjangoCSPMiddleware, rf, view)
    assert "https://images.example.org" in ours[0]


def test_excluded_prefixes_and_a_header_already_set_are_respected(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {**POLICY, "EXCLUDE_URL_PREFIXES": ["/outside/"]}
    assert _headers(CSPMiddleware, rf, path="/outside/page") == (None, None)

    def own_header(request):
        response = HttpResponse("page")
        response[HEADER] = "default-src 'self'"
        return response

    assert _headers(CSPMiddleware, rf, own_header)[0] == "default-src 'self'"
