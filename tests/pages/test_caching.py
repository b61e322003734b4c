import gzip
from unittest import mock

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from pages.caching import editorial
from pages.medications import MEDICATIONS

PATHS = ["/", "/benzodiazepines/", MEDICATIONS[0].get_absolute_url()]


@pytest.mark.parametrize("path", PATHS)
def test_an_editorial_page_is_rendered_once_then_served_from_the_shared_cache(client, path):
    first = client.get(path)
    assert first.templates, "the first request renders the page"
    again = client.get(path)
    assert again.status_code == 200
    assert not again.templates, "the second one comes from the cache"
    assert again.content == first.content
    assert again["Cache-Control"] == first["Cache-Control"]


def test_another_process_takes_the_page_from_the_shared_cache(client):
    client.get("/")
    caches["pages"].clear()  # as in a fresh worker process
    assert not client.get("/").templates


def test_the_compressed_page_is_cached_too(client):
    plain = client.get("/").content
    client.get("/", headers={"accept-encoding": "gzip"})
    again = client.get("/", headers={"accept-encoding": "gzip"})
    assert not again.templates
    assert again["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.content) == plain


def test_the_host_header_does_not_add_cache_entries(client):
    client.get("/", headers={"host": "localhost"})
    assert not client.get("/", headers={"host": "localhost:1234"}).templates


def test_a_query_string_bypasses_the_shared_cache(client):
    client.get("/")
    response = client.get("/?utm_source=x")
    assert response.status_code == 200
    assert response.templates, "rendered, not looked up"
    assert "public" in response["Cache-Control"]
    assert client.get("/?utm_source=x").templates, "and not stored either"


def test_nothing_is_kept_on_the_server_while_developing(client, settings):
    settings.DEBUG = True
    client.get("/")
    assert client.get("/").templates


def test_unknown_medications_are_not_cached(client):
    for _ in range(2):
        response = client.get("/benzodiazepines/not-a-drug/")
        assert response.status_code == 404
        assert response.templates


@pytest.mark.parametrize(
    "personalise",
    [
        lambda response: response.set_cookie("seen", "1"),
        lambda response: patch_vary_headers(response, ["Cookie"]),
    ],
    ids=["sets-a-cookie", "varies-on-cookie"],
)
def test_a_response_that_could_differ_per_visitor_is_never_stored(rf, personalise):
    calls = []

    def view(request):
        calls.append(request)
        response = HttpResponse("hello " * 50)
        personalise(response)
        return response

    wrapped = editorial(view)
    wrapped(rf.get("/somewhere/"))
    wrapped(rf.get("/somewhere/"))
    assert len(calls) == 2


def test_pages_still_render_when_the_shared_cache_is_down(client, caplog):
    broken = mock.Mock(**{"get.side_effect": ConnectionError("down"), "set.side_effect": ConnectionError("down")})
    with mock.patch("pages.caching.cache", broken):
        response = client.get("/")
        assert response.status_code == 200
        assert broken.set.called
        assert "shared cache call failed" in caplog.text
        assert not client.get("/").templates, "kept in the process's memory all the same"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/admin/login/"])
def test_other_responses_are_neither_public_nor_given_an_etag(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "ETag" not in response
