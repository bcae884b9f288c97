"""The load's progress bar: drawn on a terminal only, and built only where it is drawn."""

import threading

from coloring.cli_ledger import err, progress_bar


def test_a_progress_bar_into_a_file_or_a_pipe_starts_no_thread() -> None:
    assert not err.is_terminal  # pytest captures stderr
    bar = progress_bar()
    before = threading.active_count()
    bar.start()
    try:
        bar.add_task("recording", total=10)
        assert threading.active_count() == before
    finally:
        bar.stop()
