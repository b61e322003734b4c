import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client, override_settings

from tests.pages.conftest import EDITORIAL_PAGES

ADMIN_LOGIN = f"/{settings.ADMIN_URL}login/"
PUBLIC_PATHS = [page.url for page in EDITORIAL_PAGES] + ["/no-such-page/"]


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name.lower(): values for name, *values in directives}


@pytest.fixture
def https(client):
    """The client as a browser behind the TLS proxy sees the site."""

    def get(path, **extra):
        return client.get(path, secure=True, **extra)

    return get


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PATHS + [ADMIN_LOGIN])
def test_strict_content_security_policy(https, path):
    policy = parse_csp(https(path)["Content-Security-Policy"])
    assert policy["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src", "img-src", "font-src", "connect-src", "form-action"):
        assert policy[directive] == ["'self'"], directive
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in source for values in policy.values() for source in values)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_privacy_and_isolation_headers(https, path):
    response = https(path)
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_admin_cookies_are_secure_httponly_and_same_site(https):
    cookie = https(ADMIN_LOGIN).cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https():
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = Client().get("/privacy/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/privacy/"


def test_healthz_stays_reachable_over_plain_http_for_load_balancers(db):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert Client().get("/healthz").status_code == 200


def heading(response) -> str:
    return BeautifulSoup(response.content, "html.parser").find("h1").get_text(strip=True)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unexpected_methods_on_a_page_get_a_clear_4xx_page(client, method):
    response = getattr(client, method)("/privacy/")
    assert 400 <= response.status_code < 500
    assert heading(response)
    assert "tel:" in response.content.decode()


def test_trace_gets_a_405_page_that_says_what_is_allowed(client):
    response = client.generic("TRACE", "/privacy/")
    assert response.status_code == 405
    assert heading(response) == "That did not work"
    assert "GET" in response["Allow"]


def test_head_answers_with_headers_and_no_body(client):
    get = client.get("/privacy/")
    head = client.head("/privacy/")
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))


def test_oversized_body_gets_a_400_page(client, db):
    response = client.post(ADMIN_LOGIN, {"username": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400
    assert heading(response) == "We could not read that request"


def test_bad_host_gets_a_400_page_in_the_site_look(client):
    response = client.get("/privacy/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("h1").get_text(strip=True) == "We could not read that request"
    assert soup.select_one("header a[href^='tel:']")


@pytest.mark.parametrize("query", ["%", "a=%ff%fe", "&&==&", "q=" + "x" * 5000, "a[]=1&a[]=2"])
def test_malformed_query_strings_are_ignored(client, query):
    response = client.get(f"/benzodiazepines/?{query}")
    assert response.status_code == 200
