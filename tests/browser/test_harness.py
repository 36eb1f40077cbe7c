"""The harness itself: offline pages really are offline, and CI never skips the browser tests."""

from __future__ import annotations

import importlib.util

import pytest

from .conftest import find_chromium

PAGE = """<!doctype html><meta charset="utf-8">
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/reveal.js/dist/reveal.css">
<img src="http://example.com/pixel.png">
<script>
  fetch("https://unpkg.com/anywidget").catch(() => {});
  window.localValue = 42;
</script>
<p id="text">local text</p>
"""


def test_offline_page_blocks_and_records_everything_remote(offline_page, tmp_path):
    html = tmp_path / "deck.html"
    html.write_text(PAGE)
    offline_page.goto(html.as_uri())
    offline_page.wait_for_timeout(300)
    assert offline_page.inner_text("#text") == "local text"
    assert offline_page.evaluate("() => window.localValue") == 42
    blocked = sorted(offline_page.blocked_requests)
    assert blocked == sorted(
        [
            "https://cdn.jsdelivr.net/npm/reveal.js/dist/reveal.css",
            "http://example.com/pixel.png",
            "https://unpkg.com/anywidget",
        ]
    )
    assert offline_page.dialogs == []


def test_missing_chromium_fails_in_ci_and_skips_locally(monkeypatch, tmp_path):
    monkeypatch.setenv("EW_CHROMIUM", str(tmp_path / "no-such-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but the browser tests cannot run"):
        find_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install -y chromium"):
        find_chromium()
    # Playwright missing counts the same.
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else 1
    )
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="playwright is not installed"):
        find_chromium()
