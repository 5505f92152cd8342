from kernel.logging import mask_text, mask_value


def test_emails_cards_phones_and_secrets_are_masked():
    assert mask_text("mail jane.doe@example.com now") == "mail j***@example.com now"
    assert "4242" in mask_text("card 4242 4242 4242 4242") and "4242 4242 4242 4242" not in mask_text(
        "card 4242 4242 4242 4242")
    assert mask_text("call +1 (555) 123-4567") .endswith("***67")
    masked = mask_value("body", {"password": "hunter2", "refreshToken": "abc", "nested": {"email": "a@b.io"}})
    assert masked == {"password": "***", "refreshToken": "***", "nested": {"email": "a***@b.io"}}


def test_plain_values_untouched():
    assert mask_value("status", 200) == 200
    assert mask_text("order 12345 shipped") == "order 12345 shipped"
