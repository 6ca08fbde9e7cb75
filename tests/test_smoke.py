from tests.conftest import login_as


def test_county_pages_render(app, users):
    c = login_as(app, users["county"])
    for url in ["/", "/stations/", "/allocations/", "/progress/", "/places/", "/users/", "/audit/"]:
        assert c.get(url).status_code == 200, url
