"""How the import reports progress: a tqdm-like callable, or nothing.

The contract: `progress(iterable, desc=…, unit=…)` returns an iterable over the
same items, and `progress(total=…, desc=…, unit=…)` a context manager whose
`update(n)` counts n more items done. tqdm satisfies it (the management command
passes it); `no_progress` is the silent default.
"""


def no_progress(iterable=None, **kwargs):
    return _NullBar(iterable)


class _NullBar:
    def __init__(self, iterable=None):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass
