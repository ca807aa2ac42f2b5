"""The closing lines of a test script in cmocka's words, which scripts/test counts (see count()
there): "[  PASSED  ] N test(s)." and, when something failed, the failed names."""


def report(passed, failed):
    """Prints the summary for `passed` (a count) and `failed` (names); returns the exit status."""
    print(f'[  PASSED  ] {passed} test(s).')
    if not failed:
        return 0
    print(f'[  FAILED  ] {len(failed)} test(s), listed below:')
    for name in failed:
        print(f'[  FAILED  ] {name}')
    return 1


class Results:
    """Named checks as they pass or fail, printed in cmocka's words as they come."""

    def __init__(self):
        self.passed, self.failed = [], []

    def record(self, name, ok, detail=""):
        (self.passed if ok else self.failed).append(name)
        print(f"[ {'     OK' if ok else ' FAILED'} ] {name}{detail}", flush=True)

    def report(self):
        """The summary lines; returns the exit status."""
        return report(len(self.passed), self.failed)
