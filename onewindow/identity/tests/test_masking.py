from onewindow.identity.masking import mask_identity_number, mask_phone


def test_identity_number_keeps_region_prefix_and_last_four():
    assert mask_identity_number("310101199003071234") == "310***********1234"


def test_empty_values_mask_to_empty():
    assert mask_identity_number(None) == ""
    assert mask_phone("") == ""


def test_short_values_are_fully_hidden():
    assert mask_identity_number("12345") == "*****"


def test_phone():
    assert mask_phone("13812345678") == "138****5678"
