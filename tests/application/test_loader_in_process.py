"""The loader used in process (as scenarios do), not only through the command line."""

from __future__ import annotations

from pathlib import Path

from coloring.application import ColoringApplication
from coloring.pilot.loader import load_folder

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "akmola-small"


def test_loading_the_same_folder_twice_in_one_process_records_nothing_the_second_time() -> None:
    app = ColoringApplication("sqlite:///:memory:")
    first = load_folder(app, EXAMPLE)
    events = app.store.recorder.max_notification_id()
    second = load_folder(app, EXAMPLE)
    assert first.applied > 0 and first.skipped == 0
    assert second.applied == 0 and second.skipped > 0
    assert app.store.recorder.max_notification_id() == events
