"""The one garbage-collector trick of lianfang, written once (figures: docs/reading.md).

Reading a large workbook makes about a million objects that all live on, and the rules add tens
of thousands of findings that live on in the report. CPython's cyclic collector would walk all
of them on its first young collection only to find them alive, and again later: 0.1 s per
80,000 records, a third of a large load. Nothing lianfang builds there makes a reference cycle,
so the collector is paused while reading or checking and what was made goes straight to the
oldest generation afterwards (``gc.freeze()`` + ``gc.unfreeze()`` does that without a pass; it
is skipped when someone else uses the permanent generation).

The other speed tricks each live in one place too: ``Record.trusted_rows`` (model/workbook.py,
records from values a reader already checked), ``io.values.coerce_column`` (a cell's meaning
worked out once per distinct text, with a property test against ``coerce``) and
``findings.sort_key`` (one key function for sorting tens of thousands of findings).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic GC inside; afterwards what was made moves to the oldest generation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def exit_without_collection() -> None:
    """Let the interpreter exit without walking every object once more.

    At exit CPython runs the cyclic collector over all that is still alive (typer's, rich's and
    pydantic's objects alone are tens of thousands) only for the process to hand its memory back:
    25-30 ms of a 200 ms ``lianfang convert``, which git textconv pays per file. Frozen objects
    are left out of that pass. ``cli.app.main`` calls this once the command is done: every output
    is written and closed by then (io/atomic.py), and temporary folders have exit hooks of their
    own (atexit, which still runs).
    """
    gc.freeze()
