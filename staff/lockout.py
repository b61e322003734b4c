from django.http import HttpRequest

from consultations.ratelimit import client_ip


def client_ip_address(request: HttpRequest) -> str | None:
    """The address django-axes counts failed sign-ins against: the one the call-back form's rate limit uses (the
    trusted proxy header when TRUSTED_PROXY_IP_HEADER is set, else the connection's address)."""
    address = client_ip(request)
    return str(address) if address else None
