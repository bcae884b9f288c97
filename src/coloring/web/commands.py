"""The `serve` command. `cli.py` imports this module when it runs (`cli.register(app, "serve")`
adds it to another typer app)."""

from __future__ import annotations

import ipaddress
import signal
from typing import Annotated

import typer

from coloring.cli_options import DbOption
from coloring.i18n import Lang, _


def serve(
    db: DbOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on; the default serves this machine only. Another address "
            "(0.0.0.0: every interface) shows the ledger to the network: add --token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="TCP port to listen on.")
    ] = 8321,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="COLORING_TOKEN",
            help="Ask every visitor for this token (once; kept in a cookie), e.g. when serving "
            "beyond this machine. Default $COLORING_TOKEN.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option(
            "--lang",
            help="Language of the pages (default $COLORING_LANG or en); each page can switch.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the auditor's workbench in the browser: overview, findings with filters, each
    finding with its evidence, participants, unit traces, the risk map; any instant (as of).
    Read only: it never writes to the ledger."""
    import uvicorn

    from coloring.cli import err, fail
    from coloring.domain.errors import ColoringError
    from coloring.i18n import current
    from coloring.persistence import database_url, sqlite_file, sqlite_holds_ledger
    from coloring.web.app import create_app

    # Without --lang here: `coloring --lang ...` or $COLORING_LANG, as the CLI resolved it.
    language = lang.value if lang else current().lang
    url = database_url(db)
    file = sqlite_file(url)
    if file is not None and not sqlite_holds_ledger(file):
        fail(
            _("{url}: no ledger there; load a pilot folder first (coloring load FOLDER)").format(
                url=url
            ),
            2,
        )
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not token:
        err.print(
            _(
                "warning: serving {host} without --token: anyone who reaches it reads the ledger"
            ).format(host=host),
            highlight=False,
            markup=False,
        )
    try:
        web = create_app(url, language, token)
    except ColoringError as e:
        fail(str(e), 2)
    shown = f"[{host}]" if ":" in host else host
    err.print(
        _("serving {url} read only at http://{host}:{port}/ (Ctrl-C stops)").format(
            url=url, host=shown, port=port
        ),
        highlight=False,
        markup=False,
    )
    # uvicorn stops on SIGTERM itself, then raises it again to end the process by it (exit
    # 143): with `cli.main`'s handler that would be a KeyboardInterrupt, which `uvicorn.run`
    # swallows (exit 0, as if nothing had stopped it).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)
