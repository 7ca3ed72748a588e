"""The collector pause around a workbook read: scoped, nested, thread-safe, never left off."""

from __future__ import annotations

import gc
import threading

import pytest

from indicators.xlsx.gcpause import collector_paused


@pytest.fixture(autouse=True)
def collector_restored():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_paused_inside_and_back_on_after_even_when_the_body_raises():
    gc.enable()
    with pytest.raises(ValueError):
        with collector_paused():
            assert not gc.isenabled()
            raise ValueError("bad workbook")
    assert gc.isenabled()


def test_nested_pauses_switch_it_back_on_only_at_the_outermost_end():
    gc.enable()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_reads_in_threads_leave_the_collector_on():
    gc.enable()
    inside = threading.Barrier(2)
    leave_first = threading.Event()

    def read(first: bool) -> None:
        with collector_paused():
            inside.wait(timeout=10)
            if first:
                leave_first.wait(timeout=10)

    first = threading.Thread(target=read, args=(True,))
    second = threading.Thread(target=read, args=(False,))
    first.start(), second.start()
    second.join(timeout=10)
    assert not gc.isenabled()  # the first read is still going
    leave_first.set()
    first.join(timeout=10)
    assert gc.isenabled()
