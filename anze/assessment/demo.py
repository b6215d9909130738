"""Demo: placeholder replaced below."""


def run(*, stdout, now) -> None:
    return None
