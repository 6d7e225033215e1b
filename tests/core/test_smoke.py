from tests.conftest import login


def test_login_and_dashboard(app, demo):
    client = app.test_client()
    assert client.get("/admin/").status_code == 302
    r = login(client, "admin", "Admin-pass-123")
    assert r.status_code == 302
    page = client.get("/admin/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "工作台" in html
    assert "公告" in html
