"""The web app's common ground, in a real browser: sign-in with cookies (no token in the page), role-based landing,
login redirect for anonymous visitors, a role refused a page, and CSRF protection of forms."""
from __future__ import annotations

import httpx

from tests.browser.conftest import PASSWORD, register_shopper, sign_in


def test_anonymous_visitor_is_sent_to_sign_in_and_back(new_page, admin_email, shots):
    page = new_page()
    page.goto("/admin")
    assert page.url.split("?")[0].endswith("/login")
    shots(page, "login")
    page.get_by_label("Email").fill(admin_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin")
    assert page.locator("main").get_attribute("data-role") == "super_admin"
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["mkt_access"]["httpOnly"] and cookies["mkt_refresh"]["httpOnly"]
    assert cookies["mkt_access"]["value"] not in page.content()  # the token never reaches the page
    shots(page, "admin landing")


def test_wrong_password_shows_the_api_problem_detail(new_page, api):
    email = register_shopper(api)
    page = new_page()
    sign_in(page, email, "not-the-password")
    alert = page.get_by_role("alert")
    assert "password" in alert.inner_text().lower() or "invalid" in alert.inner_text().lower()
    assert "Traceback" not in page.content()


def test_shopper_is_refused_the_back_office(new_page, api):
    page = new_page(phone=True)
    sign_in(page, register_shopper(api))
    response = page.goto("/admin")
    assert response.status == 403
    assert "may not open" in page.get_by_role("alert").inner_text()


def test_form_post_without_csrf_token_is_refused(web_base_url, api):
    email = register_shopper(api)
    with httpx.Client(base_url=web_base_url) as browserless:
        browserless.get("/login")  # gets the csrftoken cookie
        resp = browserless.post("/login", data={"email": email, "password": PASSWORD})
        assert resp.status_code == 403
        token = browserless.cookies["csrftoken"]
        resp = browserless.post("/login", data={"email": email, "password": PASSWORD, "csrftoken": token})
        assert resp.status_code == 303


def test_garbage_in_a_page_address_is_a_4xx_page_never_a_500(web_base_url):
    with httpx.Client(base_url=web_base_url) as browserless:
        for path in ("/p/%ff%00", "/p/%1B%C2%82", "/search?q=%ff%00", "/no-such-page"):
            resp = browserless.get(path)
            assert 400 <= resp.status_code < 500, (path, resp.status_code)
            assert "Traceback" not in resp.text
