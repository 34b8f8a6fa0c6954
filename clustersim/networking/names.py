"""Name and address checks of apimachinery's ``util/validation`` (validation.go), with its messages."""

from __future__ import annotations

import ipaddress
import re

__all__ = ["is_dns1035_label", "is_dns1123_label", "is_dns1123_subdomain", "is_ip", "is_valid_port_name",
           "is_valid_port_num", "is_wildcard_dns1123_subdomain"]

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_SUBDOMAIN_RE = re.compile(rf"^{_SUBDOMAIN}$")
_LABEL_RE = re.compile(rf"^{_LABEL}$")
_WILDCARD_RE = re.compile(rf"^\*\.{_SUBDOMAIN}$")
_DNS1035_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_PORT_NAME_RE = re.compile(r"^[-a-z0-9]+$")


def _regex_error(msg: str, fmt: str, example: str) -> str:
    return f"{msg} (e.g. '{example}', regex used for validation is '{fmt}')"


def is_dns1123_subdomain(value: str) -> list[str]:
    """``IsDNS1123Subdomain``: at most 253 characters of lowercase labels joined by dots."""
    errs = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not _SUBDOMAIN_RE.match(value):
        errs.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
                                 "and must start and end with an alphanumeric character", _SUBDOMAIN, "example.com"))
    return errs


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """``IsWildcardDNS1123Subdomain``: ``*.`` then a DNS-1123 subdomain."""
    errs = []
    if len(value) > 253:
        errs.append("must be no more than 253 characters")
    if not _WILDCARD_RE.match(value):
        errs.append(_regex_error("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                                 "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
                                 rf"\*\.{_SUBDOMAIN}", "*.example.com"))
    return errs


def is_dns1123_label(value: str) -> list[str]:
    """``IsDNS1123Label``: one lowercase label of at most 63 characters."""
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_RE.match(value):
        errs.append(_regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                                 "start and end with an alphanumeric character", _LABEL, "my-name"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """``IsDNS1035Label`` (Service names): starts with a letter, at most 63 characters."""
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _DNS1035_RE.match(value):
        errs.append(_regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                                 "alphabetic character, and end with an alphanumeric character", "[a-z]([-a-z0-9]*[a-z0-9])?", "my-name"))
    return errs


def is_ip(value: str) -> bool:
    """``netutils.ParseIPSloppy(value) != nil``: an IPv4 or IPv6 address."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_valid_port_num(port: int) -> list[str]:
    """``IsValidPortNum``: 1-65535."""
    return [] if 1 <= port <= 65535 else ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(name: str) -> list[str]:
    """``IsValidPortName`` (IANA_SVC_NAME): at most 15 characters, a letter, no leading, trailing or double hyphen."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_RE.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs
