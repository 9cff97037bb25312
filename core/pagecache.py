"""The whole-page cache for anonymous visitors, with versioned scopes, ETag and 304.

A public page is cached whole (body and final headers) in the shared cache, per address,
query and language, for visitors without a session: the commune page under load costs a
cache read instead of a dozen queries and a template. A page is never cached for a
signed-in user, nor when it shows a message or sets a cookie other than the CSRF one. The
CSRF tokens of its forms (the footer's language switch) are never shared: they are taken
out of the stored page, and each visitor gets their own token and cookie when it is served.

Invalidation is by *scopes*, strings naming what a page shows: "national" (territories,
frameworks, organisations: data that rarely change and appear everywhere), "commune:69123",
"department:69", "region:84", "campaign:<slug>", "campaigns" (the list), "framework:<slug>",
"framework-activity" (what communes committed to or posted on items, shown on item pages).
Each scope has a version in the cache (a random token); a stored page remembers the
versions it was rendered with and is served only while they are all current, so bumping a
scope (a new token) makes every page showing it render afresh on its next request.

Upper apps declare, in their AppConfig.ready() (core imports no app):

- `register_page("territories:commune", lambda kwargs: [...])`: a URL name whose anonymous
  GET answers may be cached, and the scopes it shows from the URL's arguments alone (the
  hit path reads no database);
- `register_model(Model, lambda instance: [...])`: a model whose saves and deletions (and
  many-to-many changes) bump the scopes of the pages showing it;
- and services writing with bulk_create()/update() call `bump(...)` themselves.

Bumps happen once the transaction commits (a page rendered before the commit cannot be
stored under the new versions). The middleware sits right after WhiteNoise and GZip, so a
hit skips sessions, CSRF, locale and the view; it reads the entry and the scopes' versions with one
`cache.get_many()`. Settings: PAGE_CACHE (on when the cache is shared), PAGE_CACHE_SECONDS.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language_from_request

from . import csrf

logger = logging.getLogger(__name__)

NATIONAL = "national"
# What communes committed to or posted on items: the item pages' panels, the home page's figures.
ACTIVITY = "framework-activity"
VERSION_PREFIX = "pagecache:v:"
PAGE_PREFIX = "pagecache:p:"
# Headers never stored with a page: the server and the outer middleware set them again.
UNSTORED_HEADERS = {"set-cookie", "date", "content-length"}
MAX_QUERY_LENGTH = 300
# A form's CSRF token, as {% csrf_token %} writes it, and the hole it leaves in a stored page.
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
CSRF_HOLE = b"[pagecache:csrf]"

Scopes = Iterable[str]
_pages: dict[str, Callable[[dict], Scopes]] = {}
_flush_listeners: list[Callable[[frozenset[str]], None]] = []
_local = threading.local()


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


# --- registries -----------------------------------------------------------------------------


def register_page(url_name: str, scopes: Callable[[dict], Scopes] = lambda kwargs: ()) -> None:
    """Cache the anonymous GET answers of `url_name` ("app:name"); `scopes(kwargs)` names
    what they show, from the URL's keyword arguments only. "national" is always added."""
    _pages[url_name] = scopes
    _match.cache_clear()


def on_flush(listener: Callable[[frozenset[str]], None]) -> None:
    """Call `listener(scopes)` each time bumped scopes are written (once their transaction
    committed): an upper app follows changes without signals of its own (campaigns' exports)."""
    if listener not in _flush_listeners:
        _flush_listeners.append(listener)


def registered_pages() -> list[str]:
    return sorted(_pages)


def register_model(model, scopes_of: Callable[[object], Scopes]) -> None:
    """Bump `scopes_of(instance)` when an instance is saved or deleted, and when one of the
    model's many-to-many relations changes. An instance whose related rows are gone (a
    cascade) bumps "national"."""
    label = model._meta.label_lower

    def changed(sender, instance, raw=False, **kwargs):
        if enabled() and not raw:
            bump(*_scopes_of(scopes_of, instance))

    def m2m(sender, instance, action, **kwargs):
        if enabled() and action.startswith("post_"):
            bump(*(_scopes_of(scopes_of, instance) if isinstance(instance, model) else [NATIONAL]))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache_save_{label}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"pagecache_delete_{label}")
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            m2m,
            sender=field.remote_field.through,
            weak=False,
            dispatch_uid=f"pagecache_m2m_{label}_{field.name}",
        )


def commune_scopes(commune) -> list[str]:
    """The commune page's scope (none for a missing commune)."""
    return [f"commune:{commune.code}"] if commune is not None else []


def area_scopes(commune) -> list[str]:
    """The commune's page and those of its department and region (their lists and aggregates)."""
    if commune is None:
        return []
    department = commune.department
    return [
        f"commune:{commune.code}",
        f"department:{department.code.upper()}",
        f"region:{department.region.code}",
    ]


def _scopes_of(scopes_of, instance) -> list[str]:
    try:
        return [scope for scope in scopes_of(instance) if scope]
    except ObjectDoesNotExist:
        return [NATIONAL]


# --- versions -------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(8)


def bump(*scopes: str) -> None:
    """Make every cached page showing one of these scopes stale, once the current
    transaction (if any) commits."""
    if not enabled() or not scopes:
        return
    pending = getattr(_local, "scopes", None)
    if pending is None:
        pending = _local.scopes = set()
    pending.update(str(scope) for scope in scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(flush, robust=True)
    else:
        flush()


def flush() -> None:
    """Write the pending bumps now; called when a transaction commits. A rolled-back
    transaction's bumps are written with the next ones: a needless re-render, never a stale
    page. (Tests call it where their own transaction stands for a commit.)"""
    pending = getattr(_local, "scopes", None)
    if not pending:
        return
    _local.scopes = set()
    try:
        cache.set_many({VERSION_PREFIX + scope: _new_token() for scope in pending}, timeout=None)
    except Exception:
        # The write stands; the pages stay stale until the cache answers again.
        logger.exception("Page cache: could not bump %s", sorted(pending))
    for listener in _flush_listeners:
        try:
            listener(frozenset(pending))
        except Exception:
            logger.exception("Page cache: a flush listener failed on %s", sorted(pending))


def _current_versions(keys: list[str], found: dict) -> list[str] | None:
    """The versions of `keys`, created for those missing (first use, or evicted: a new
    token never matches an old page)."""
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            token = _new_token()
            version = token if cache.add(key, token, timeout=None) else cache.get(key)
            if version is None:
                return None
        versions.append(version)
    return versions


# --- the entries this process keeps --------------------------------------------------------
# A hit reads the scopes' versions from the shared cache every time (a change shows at once on
# every server), but the page itself — tens of kilobytes to fetch, decode and unpickle — from
# this process's memory when it has it under the same versions: the shared cache then answers
# a few short strings. Bounded: the least recently served entries go first.

_memory: OrderedDict[str, dict] = OrderedDict()
_memory_lock = threading.Lock()


def _remember(key: str, entry: dict) -> None:
    with _memory_lock:
        _memory[key] = entry
        _memory.move_to_end(key)
        while len(_memory) > getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 256):
            _memory.popitem(last=False)


def forget_local() -> None:
    """Drop the entries this process keeps (tests; the shared cache stays)."""
    with _memory_lock:
        _memory.clear()


def _lookup(key: str, version_keys: list[str]) -> tuple[dict | None, dict]:
    """The entry to serve (None: render) and what the shared cache answered: one
    `get_many()` of the versions, with the entry itself unless this process holds it."""
    kept = _memory.get(key)
    found = cache.get_many(version_keys if kept is not None else [key, *version_keys])
    current = [found.get(version_key) for version_key in version_keys]
    if kept is not None and kept["versions"] == current:
        with _memory_lock:
            if key in _memory:
                _memory.move_to_end(key)
        return kept, found
    entry = found.get(key) if kept is None else cache.get(key)
    if entry is not None and entry["versions"] == current:
        _remember(key, entry)
        return entry, found
    return None, found


# --- the middleware -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _match(path: str) -> tuple[str, tuple] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name not in _pages:
        return None
    return match.view_name, tuple(sorted(match.kwargs.items()))


def page_scopes(path: str) -> list[str] | None:
    """The scopes of a cacheable page's path, None when the path is not cacheable."""
    match = _match(path)
    if match is None:
        return None
    view_name, kwargs = match
    return sorted({NATIONAL, *_pages[view_name](dict(kwargs))})


def _bypass(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
        or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH
    )


def page_key(request: HttpRequest) -> str:
    parts = [
        "https" if request.is_secure() else "http",
        request.META.get("HTTP_HOST", ""),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language_from_request(request),
    ]
    return PAGE_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class PageCacheMiddleware:
    """Serve and store anonymous pages (see the module's docstring). Placed right after
    WhiteNoise and GZip: a hit skips every middleware below it and the view."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled() or _bypass(request):
            return self.get_response(request)
        scopes = page_scopes(request.path_info)
        if scopes is None:
            return self.get_response(request)
        key = page_key(request)
        version_keys = [VERSION_PREFIX + scope for scope in scopes]
        entry, found = _lookup(key, version_keys)
        if entry is not None:
            return self.serve(request, entry)
        if request.method != "GET":
            return self.get_response(request)
        # The versions are read before the view runs: a change committed meanwhile makes
        # this entry stale at once.
        versions = _current_versions(version_keys, found)
        response = self.get_response(request)
        entry = _entry(request, response, versions) if versions is not None else None
        if entry is None:
            return response
        cache.set(key, entry, timeout=getattr(settings, "PAGE_CACHE_SECONDS", 86400))
        _remember(key, entry)
        return self.serve(request, entry)

    def serve(self, request: HttpRequest, entry: dict) -> HttpResponse:
        """The stored page, with this visitor's own CSRF token in its forms (and cookie),
        or a 304 when the visitor's copy is current."""
        response = HttpResponse()
        for name, value in entry["headers"]:
            response[name] = value
        if not entry["csrf"] or settings.CSRF_COOKIE_NAME in request.COOKIES:
            conditional = get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=parse_http_date_safe(response["Last-Modified"]),
                response=response,
            )
            if conditional is not None and conditional is not response:
                return conditional
        body = entry["body"]
        if entry["csrf"]:
            self.csrf.process_request(request)
            body = body.replace(CSRF_HOLE, csrf.visitor_token(request).encode())
            self.csrf.process_response(request, response)
        response["Content-Length"] = str(len(body))
        if request.method != "HEAD":
            response.content = body
        return response


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Only a plain 200 page for an anonymous visitor, without a message, and with no
    cookie to set but the CSRF one (its tokens are taken out of the page: _punch_csrf)."""
    if response.status_code != 200 or response.streaming or "private" in response.get("Cache-Control", ""):
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME} or settings.CSRF_USE_SESSIONS:
        return False
    if response.get("Content-Encoding"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and (messages.used or messages.added_new))


def _punch_csrf(request: HttpRequest, body: bytes) -> tuple[bytes, bool] | None:
    """The body with its CSRF tokens replaced by a hole, filled per visitor when served;
    None when a token (or the secret) is anywhere else in the page."""
    if "CSRF_COOKIE_NEEDS_UPDATE" not in request.META and "CSRF_COOKIE_USED" not in request.META:
        return body, False
    tokens = set(CSRF_INPUT.findall(body))
    punched = CSRF_INPUT.sub(rb'name="csrfmiddlewaretoken" value="' + CSRF_HOLE + b'"', body)
    secret = request.META.get("CSRF_COOKIE", "").encode()
    if (secret and secret in punched) or any(token in punched for token in tokens):
        return None
    return punched, bool(tokens)


def _entry(request: HttpRequest, response: HttpResponse, versions: list[str]) -> dict | None:
    if not storable(request, response):
        return None
    punched = _punch_csrf(request, response.content)
    if punched is None:
        return None
    body, csrf = punched
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    if not response.has_header("ETag"):
        response["ETag"] = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(time.time())
    # Browsers keep the page but ask again each time (a 304 when nothing changed).
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "no-cache"
    headers = [(name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS]
    return {"versions": versions, "body": body, "headers": headers, "csrf": csrf}
