"""Every URL pattern of the site, from the resolver (config/urls.py), with its full name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern text, for messages
    kwargs: tuple[str, ...]  # argument names
    converters: tuple[tuple[str, str], ...]  # (argument, converter class name)

    def reverse(self, kwargs: dict[str, object]) -> str:
        return reverse(self.name, kwargs={k: kwargs[k] for k in self.kwargs})


def _walk(patterns, namespace: str, prefix: str, converters: dict):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry.url_patterns,
                ns,
                prefix + str(entry.pattern),
                {**converters, **entry.pattern.converters},
            )
        elif isinstance(entry, URLPattern) and entry.name:
            full = prefix + str(entry.pattern)
            names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", full)
            kwargs = tuple(a or b for a, b in names)
            conv = {**converters, **entry.pattern.converters}
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(
                name, full, kwargs, tuple((k, type(conv[k]).__name__) for k in kwargs if k in conv)
            )


def every_route(include_admin: bool = False) -> list[Route]:
    """Named routes, one per name (the first), admin's only when asked."""
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", "", {}):
        if route.name.startswith("admin:") and not include_admin:
            continue
        seen.setdefault(route.name, route)
    return list(seen.values())


def sample_kwargs(route: Route, **given: object) -> dict[str, object]:
    """Values that reverse the route (ids need not exist)."""
    values: dict[str, object] = {}
    converters = dict(route.converters)
    for key in route.kwargs:
        if key in given:
            values[key] = given[key]
        elif converters.get(key) in ("IntConverter", "IdConverter"):
            values[key] = 1
        elif key == "which":
            values[key] = "original"
        elif key == "code":
            values[key] = "410100"
        elif key == "name":
            values[key] = "submit"
        else:
            values[key] = "x"
    return values


def can_reverse(route: Route, kwargs: dict[str, object]) -> bool:
    try:
        route.reverse(kwargs)
    except NoReverseMatch:
        return False
    return True
