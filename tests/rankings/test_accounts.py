import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_the_signup_page_has_the_contract_labels_and_button(client):
    page = client.get("/accounts/signup/").content.decode()
    for text in (">Username<", ">Password<", ">Password confirmation<", ">Sign up</button>"):
        assert text in page


def test_signing_up_creates_the_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol").exists()
    assert client.get("/").status_code == 200


def test_signup_with_mismatched_passwords_shows_the_error_and_creates_nobody(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": "a-long-pass-phrase", "password2": "something-else-1"},
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_the_login_page_has_the_contract_labels_and_button(client):
    page = client.get("/accounts/login/").content.decode()
    assert ">Username<" in page and ">Password<" in page and ">Log in</button>" in page


def test_logging_in_with_the_right_password_reaches_the_home_page(client, alice):
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert "Hello, alice" in client.get("/").content.decode()


def test_logout_is_post_only(alice_client):
    assert alice_client.get("/accounts/logout/").status_code == 405
    assert alice_client.post("/accounts/logout/").status_code == 302
    assert alice_client.get("/").status_code == 302


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/find/?q=casablanca",
        "/rankings/",
        "/rankings/export.csv",
        "/settings/",
        "/settings/import/",
        "/rankings/delete-all/",
    ],
)
def test_every_page_but_login_and_signup_requires_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
