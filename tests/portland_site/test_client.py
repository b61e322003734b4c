"""The client's address, which the sign-in lockout and the form's rate limit count against."""

from django.test import RequestFactory

from portland_site.client import client_ip


def address_of(**meta) -> str:
    return str(client_ip(RequestFactory().get("/", **meta)))


def test_without_a_trusted_header_the_connection_address_is_used_and_headers_are_ignored():
    assert address_of(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7") == "203.0.113.5"


def test_behind_our_proxy_the_right_most_entry_of_the_trusted_header_is_used(settings):
    settings.TRUSTED_PROXY_IP_HEADER = "X-Forwarded-For"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert address_of(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.7") == "198.51.100.7"
    # Entries to the left came from the client, who could write anything there.
    assert address_of(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7") == "198.51.100.7"
    # Garbage or a missing header falls back to the connection.
    assert address_of(**proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-ip") == "10.0.0.2"
    assert address_of(**proxy) == "10.0.0.2"


def test_an_ipv4_address_written_the_ipv6_way_is_the_same_ipv4_client():
    assert address_of(REMOTE_ADDR="::ffff:203.0.113.5") == "203.0.113.5"
