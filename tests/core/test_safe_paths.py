"""Every form of a path that leaves its folder is refused, not only the obvious ``../`` (issue 29).

``safe_relative`` guards every resource path the loader, ``verify()`` and validation open, and every
file the history writes; a check that refused only a leading ``../`` would let the others through.
"""

from __future__ import annotations

import pytest

from china_russia_diplomacy.core.locate import safe_relative


@pytest.mark.parametrize("path", [
    "../evil.csv", "data/../../evil.csv", "data/..", "..", "data/sub/../../../evil",  # dot-dot anywhere
    "/etc/passwd", "//server/share/x.csv",  # absolute
    "..\\evil.csv", "data\\..\\..\\evil.csv", "data\\events.csv",  # Windows separators
    "C:/evil.csv", "C:evil.csv", "c:\\evil.csv",  # drives
    "./../evil.csv", "data/./../../evil.csv",  # dot-dot behind a dot
    "data/events.csv\x00.txt",  # a NUL byte (os calls raise ValueError on it: validate gave a traceback)
    "",  # nothing
])
def test_a_path_leaving_the_package_in_any_form_is_refused(path):
    assert safe_relative(path) is False


@pytest.mark.parametrize("path", ["data/events.csv", "datapackage.json", "sources/000_9cc173aaa0f3eb74.txt",
                                  "data/./events.csv", "a..b/c.csv", "data/events..csv"])
def test_an_ordinary_relative_path_inside_the_package_is_accepted(path):
    assert safe_relative(path) is True
