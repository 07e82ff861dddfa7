def test_the_settings_page_links_to_the_import_wizard(alice_client):
    page = alice_client.get("/settings/").content.decode()
    assert "Import Watch History" in page
    assert 'href="/settings/import/"' in page
