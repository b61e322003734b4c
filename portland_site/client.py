"""Who is asking: the client's address, as the staff sign-in lockout and the call-back form's rate limit see it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(address: str) -> IPAddress | None:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def client_ip(request: HttpRequest) -> IPAddress | None:
    """The client's address: the right-most entry of the trusted proxy header when one is configured (the entry
    our own proxy added; anything to its left was sent by the client and could be made up), else the
    connection's address."""
    if settings.TRUSTED_PROXY_IP_HEADER:
        meta_name = "HTTP_" + settings.TRUSTED_PROXY_IP_HEADER.upper().replace("-", "_")
        forwarded = _parse(request.META.get(meta_name, "").rsplit(",", 1)[-1])
        if forwarded is not None:
            return forwarded
    return _parse(request.META.get("REMOTE_ADDR", ""))


def client_network(request: HttpRequest, *, ipv4_prefix: int = 32, ipv6_prefix: int = 64) -> str | None:
    """The client as limits count it: by default its IPv4 address, or for IPv6 the first address of its /64
    network (one subscriber usually holds a whole /64 and could take a new address for every request); a wider
    network with shorter prefixes. Its first address; None without an address."""
    ip = client_ip(request)
    if ip is None:
        return None
    prefix = ipv6_prefix if ip.version == 6 else ipv4_prefix
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
