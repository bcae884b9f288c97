"""`coloring serve`: the auditor's workbench, a read-only web app over the read models.

Starlette routes, Jinja2 templates rendered on the server, one stylesheet, no script. Every page
reads through `coloring.projections` (queries, browse, the report's series and charts) and
never writes: no catch-up, no schema change; when the read models are behind the event log, a
banner says so. Every page takes `as_of` (time travel, as the CLI's `--as-of`) and `lang`.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from eventsourcing.persistence import PersistenceError
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from coloring import __version__
from coloring.application import ColoringApplication
from coloring.domain.errors import ColoringError, DatabaseUnavailableError
from coloring.domain.time import InvalidTimeError, format_instant, parse_instant
from coloring.i18n import LANGUAGES, Text, resolve
from coloring.persistence import database_url
from coloring.projections import browse, queries
from coloring.projections.db import Database
from coloring.rule_text import explanation, title

HERE = Path(__file__).parent
TOKEN_COOKIE = "coloring_token"
LANG_COOKIE = "coloring_lang"
# Overviews (the report's charts) kept per instant and language: a few dozen at most.
MEMO_SIZE = 32
T = TypeVar("T")


class Ledger:
    """The ledger the server reads: the event store (for the log's end) and its read models."""

    def __init__(self, db_url: str | None) -> None:
        # No CREATE TABLE either: a database without a ledger is refused, not initialised.
        try:
            self.application = ColoringApplication(db_url, env={"CREATE_TABLE": "false"})
        except PersistenceError:
            raise DatabaseUnavailableError(
                f"{database_url(db_url)}: no ledger there; load a pilot folder first "
                "(coloring load FOLDER)"
            ) from None
        store = self.application.store
        self.db = Database(
            store.recorder.datastore,  # type: ignore[attr-defined]
            "postgres" in store.db_url,
        )
        self._memo: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()

    def lag(self) -> browse.Lag:
        return browse.lag(self.db, self.application.store.recorder.max_notification_id())

    def remembered(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """A value made from the read models, kept while they stay at the same position (the
        server never moves them; a load or a catch-up does, and the value is made again)."""
        full = (self.lag().position, *key)
        with self._lock:
            if full in self._memo:
                self._memo.move_to_end(full)
                return cast(T, self._memo[full])
        value = make()
        with self._lock:
            self._memo[full] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    def close(self) -> None:
        self.application.close()


class PageError(Exception):
    """A page that cannot be shown: `status` and a message for the reader."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class View:
    """What every page knows about its request: language, instant, the ledger."""

    request: Request
    ledger: Ledger
    text: Text
    as_of: str | None
    as_of_us: int | None

    @property
    def db(self) -> Database:
        return self.ledger.db

    @property
    def t(self) -> int | None:
        return queries.evaluation_instant(self.db, self.as_of_us)

    def findings(self, filters: queries.Filters | None = None) -> list[queries.Finding]:
        """`queries.findings` at the page's instant: the whole list is read once per instant and
        position of the read models (a tenth of a second at a million payments), then narrowed."""
        t = self.t
        if t is None:
            return []
        known = self.ledger.remembered(("findings", t), lambda: queries.findings(self.db, t))
        return queries.narrowed(self.db, known, filters or queries.Filters())

    def url(self, path: str, **params: Any) -> str:
        """A link that keeps the page's instant; None and "" parameters are left out."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        if self.as_of and "as_of" not in params:
            query["as_of"] = self.as_of
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    def here(self, **changes: Any) -> str:
        """This page's own link with some parameters changed (sorting, paging, language)."""
        params: dict[str, Any] = {}
        for key in self.request.query_params:
            values = self.request.query_params.getlist(key)
            params[key] = values if len(values) > 1 else values[0]
        params.pop("token", None)
        params.update(changes)
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        return self.request.url.path + ("?" + urlencode(query, doseq=True) if query else "")


class Site:
    def __init__(self, ledger: Ledger, lang: str, token: str | None) -> None:
        self.ledger = ledger
        self.lang = lang
        self.token = token
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def view(self, request: Request) -> View:
        chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        lang = chosen if chosen in LANGUAGES else self.lang
        as_of = request.query_params.get("as_of") or None
        as_of_us = None
        if as_of is not None:
            try:
                as_of_us = parse_instant(as_of).us
            except InvalidTimeError as e:
                raise PageError(400, f"as_of: {e}") from None
        return View(request, self.ledger, Text(lang), as_of, as_of_us)

    def render(self, v: View, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        text = v.text
        lag = v.ledger.lag()
        t = v.t
        html = self.env.get_template(template).render(
            v=v,
            _=text.gettext,
            ngettext=text.ngettext,
            money=text.money,
            num=text.number,
            when=text.instant,
            rule_title=lambda rule: title(rule, text),
            rule_explanation=lambda rule: explanation(rule, text),
            languages=LANGUAGES,
            lang=text.lang,
            lag=lag,
            t=t,
            t_iso=format_instant(t, 300) if t is not None else "",
            version=__version__,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        if v.request.query_params.get("lang") in LANGUAGES:
            response.set_cookie(LANG_COOKIE, text.lang, samesite="strict", httponly=True)
        return response

    def unviewable(self, request: Request, e: PageError) -> HTMLResponse:
        """The error page for a request `view` refuses (a bad `as_of`): in the site's language,
        at the latest instant."""
        plain = View(request, self.ledger, Text(self.lang), None, None)
        return self.render(plain, "error.html", e.status, message=str(e))

    def page(self, handler: Callable[[View], tuple[str, dict[str, Any]]]) -> Callable[..., Any]:
        def endpoint(request: Request) -> Response:
            try:
                v = self.view(request)
            except PageError as e:
                return self.unviewable(request, e)
            try:
                template, context = handler(v)
            except PageError as e:
                return self.render(v, "error.html", e.status, message=str(e))
            except queries.NotFoundError as e:  # first: an unknown unit is not found, not malformed
                return self.render(v, "error.html", 404, message=str(e))
            except queries.BadQueryError as e:
                return self.render(v, "error.html", 400, message=str(e))
            except ColoringError as e:
                return self.render(v, "error.html", 500, message=str(e))
            return self.render(v, template, **context)

        return endpoint


class TokenGate(BaseHTTPMiddleware):
    """With `--token`: every request shows the token, as `?token=` (kept in a cookie and
    dropped from the address) or in the cookie; without it, a page that asks for it."""

    def __init__(self, app: Any, site: Site) -> None:
        super().__init__(app)
        self.site = site

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        token = self.site.token
        if token is None or request.url.path.startswith("/static/"):
            return await call_next(request)
        given = request.query_params.get("token")
        if given is not None and hmac.compare_digest(given.encode(), token.encode()):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + ("?" + urlencode(rest) if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
            return response
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        if hmac.compare_digest(cookie.encode(), token.encode()):
            return await call_next(request)
        v = View(request, self.site.ledger, Text(self.site.lang), None, None)
        return self.site.render(v, "token.html", 401, wrong=given is not None)


SECURITY_HEADERS = {
    # Nothing from elsewhere, no script at all: the pages work offline and cannot leak.
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


class Headers(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("read only", status_code=405, headers={"allow": "GET, HEAD"})
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(
    db_url: str | None = None, lang: str | None = None, token: str | None = None
) -> Starlette:
    """The web app over the ledger at `db_url`, in `lang` unless a page asks for another."""
    from coloring.web import pages

    ledger = Ledger(db_url)
    site = Site(ledger, resolve(lang), token or None)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            ledger.close()

    routes = [
        *(Route(path, site.page(handler), methods=["GET"]) for path, handler in pages.PAGES),
        Route("/export.xlsx", pages.exporter(site), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Headers), Middleware(TokenGate, site=site)],
        lifespan=lifespan,
    )
    app.state.site = site
    return app
