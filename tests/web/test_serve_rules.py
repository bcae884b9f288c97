"""What `coloring serve` guarantees around its pages: the token, the banner of a lagging read
model, and the command line."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient
from typer.testing import CliRunner

from coloring.application import ColoringApplication
from coloring.cli import app
from coloring.pilot.loader import load_folder
from coloring.projections.runner import ProjectionRunner
from coloring.web.app import create_app

from .conftest import Ledger, generated


def test_with_a_token_every_page_asks_for_it(web_ledger: Ledger) -> None:
    with TestClient(create_app(web_ledger.url, "en", token="s3cret")) as c:
        asked = c.get("/findings")
        assert asked.status_code == 401
        assert 'name="token"' in asked.text
        assert c.get("/findings?token=wrong").status_code == 401
        assert c.get("/static/style.css").status_code == 200


def test_the_token_in_the_address_is_kept_in_a_cookie_and_dropped_from_the_address(
    web_ledger: Ledger,
) -> None:
    with TestClient(create_app(web_ledger.url, "en", token="s3cret")) as c:
        first = c.get("/findings?rule=OVERPAYMENT&token=s3cret", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/findings?rule=OVERPAYMENT"
        assert c.get("/findings?rule=OVERPAYMENT").status_code == 200
        assert c.get("/risk").status_code == 200


def test_read_models_behind_the_log_show_a_banner_and_the_pages_stay_read_only(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    application = ColoringApplication(url)
    runner = ProjectionRunner(application.store)
    load_folder(application, generated(tmp_path / "pilot"))
    runner.run(max_pages=0)
    behind = runner.pending()
    assert behind > 0
    with TestClient(create_app(url, "en")) as c:
        page = c.get("/")
        assert page.status_code == 200
        assert f"behind the event log by {behind:,} events" in page.text
    assert runner.pending() == behind
    runner.run()
    with TestClient(create_app(url, "ru")) as c:
        assert "отстают" not in c.get("/").text
    application.close()


def test_serve_refuses_a_sqlite_file_that_is_not_there(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{missing}"])
    assert result.exit_code == 2
    assert "no ledger there" in result.output
    assert not missing.exists()


def test_serve_refuses_an_unknown_language(web_ledger: Ledger) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", web_ledger.url, "--lang", "de"])
    assert result.exit_code == 2
    assert "'de' is not one of" in result.output
