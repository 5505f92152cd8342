"""Template rendering is substitution only (no code runs), escapes values for HTML, keeps subjects one line;
and the retry backoff doubles up to its cap."""
from datetime import datetime, timedelta, timezone

from apps.notifications import domain, rendering


def test_placeholders_are_replaced_with_payload_values_including_nested_ones():
    out = rendering.render(subject="Order {{ orderNo }}", body="Hi **{{name}}**, total {{ totals.total }}.",
                           text_body=None, payload={"orderNo": "MKT-1", "name": "Ada", "totals": {"total": "9.99"}})
    assert out.subject == "Order MKT-1"
    assert out.text == "Hi **Ada**, total 9.99.\n"
    assert "<strong>Ada</strong>" in out.html and "9.99" in out.html


def test_template_code_is_never_executed():
    body = "{{ __class__.__mro__ }} {% for x in y %}{{ x }}{% endfor %} {{ 7*7 }} {{ name.upper }}"
    out = rendering.render(subject="s", body=body, text_body=None, payload={"name": "ada", "x": "X"})
    assert "49" not in out.text and "ADA" not in out.text and "class" not in out.text
    assert "{% for x in y %}" in out.text  # not a placeholder: left as written
    assert any(bad.startswith("{{ 7*7 }}") for bad in rendering.malformed(body))  # refused on save


def test_malformed_placeholders_are_reported():
    assert rendering.malformed("Hi {{ name }}") == []
    assert rendering.malformed("Hi {{ na me }} and {{ 7*7 }}") == ["{{ na me }} and {{ 7*7 }}", "{{ 7*7 }}"]


def test_values_cannot_inject_html_links_or_headers():
    payload = {"name": "<script>alert(1)</script>", "link": "[click](javascript:alert(1))", "orderNo": "A\r\nBcc: x"}
    out = rendering.render(subject="Order {{ orderNo }}", body="{{ name }} {{ link }}", text_body="{{ name }}",
                           payload=payload)
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html
    assert "<a " not in out.html and "href" not in out.html
    assert "\n" not in out.subject and "\r" not in out.subject
    assert out.text == "<script>alert(1)</script>\n"  # plain text keeps the value as it is


def test_raw_html_in_a_template_body_is_escaped_too():
    out = rendering.render(subject="s", body="<img src=x onerror=alert(1)> **ok**", text_body=None, payload={})
    assert "<img" not in out.html and "<strong>ok</strong>" in out.html


def test_missing_values_render_empty_and_are_listed():
    assert rendering.missing({"a": 1, "b": None}, "{{ a }} {{ b }}", "{{ c.d }}") == ["b", "c.d"]
    assert rendering.render(subject="{{ x }}!", body="b", text_body=None, payload={}).subject == "!"


def test_backoff_doubles_until_the_cap_then_the_message_fails():
    assert [domain.backoff_seconds(n, base=2, cap=20) for n in range(1, 6)] == [2, 4, 8, 16, 20]
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert domain.after_failure(attempts=1, max_attempts=3, permanent=False, now=now, base=2, cap=60) == \
        ("queued", now + timedelta(seconds=2))
    assert domain.after_failure(attempts=3, max_attempts=3, permanent=False, now=now, base=2, cap=60) == \
        ("failed", None)
    assert domain.after_failure(attempts=1, max_attempts=3, permanent=True, now=now, base=2, cap=60) == \
        ("failed", None)
