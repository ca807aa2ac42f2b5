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
