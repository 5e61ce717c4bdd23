"""Where webhooks may go: public addresses only, unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is on.

A URL is checked when it is registered and again, by the addresses its host resolves to, at
every delivery; the request then goes to the very address that was checked, so a name that
starts resolving to an inside address later is still refused.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class RefusedAddress(Exception):
    """The URL cannot or may not be delivered to; the message says why, for its owner."""


def forbidden(address):
    address = getattr(address, "ipv4_mapped", None) or address
    return not address.is_global or address.is_multicast


def parse(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedAddress("Use an http:// or https:// address with a host name.")
    if parts.username or parts.password:
        raise RefusedAddress("Leave user names and passwords out of the address; every delivery is signed.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress("The port in this address is not a number from 1 to 65535.") from None
    return parts, port


def resolve(url):
    """The URL's parts, its port and one address it may be delivered to; RefusedAddress if none."""
    parts, port = parse(url)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise RefusedAddress(f"The host {parts.hostname} could not be found.") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES and any(forbidden(a) for a in addresses):
        raise RefusedAddress(
            f"{parts.hostname} is a private, loopback or link-local address; "
            "webhooks go to public addresses only."
        )
    return parts, port, str(addresses[0])
