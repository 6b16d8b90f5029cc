from __future__ import annotations

from collections.abc import Iterator

import pytest

from sop_runtime.store.prefetch import prefetched


def _source(n: int, closed: list[bool], fail_at: int | None = None) -> Iterator[int]:
    try:
        for i in range(n):
            if i == fail_at:
                raise RuntimeError("cursor broke")
            yield i
    finally:
        closed.append(True)


def test_items_in_order_and_source_closed() -> None:
    closed: list[bool] = []
    assert list(prefetched(_source(50, closed))) == list(range(50))
    assert closed == [True]


def test_early_stop_closes_the_source() -> None:
    closed: list[bool] = []
    taken = []
    for item in prefetched(_source(1000, closed), depth=1):
        taken.append(item)
        if item == 3:
            break
    assert taken == [0, 1, 2, 3]
    assert closed == [True]


def test_errors_reach_the_consumer() -> None:
    closed: list[bool] = []
    with pytest.raises(RuntimeError, match="cursor broke"):
        list(prefetched(_source(10, closed, fail_at=5)))
    assert closed == [True]
