"""Mail without a configured host fails loudly instead of vanishing."""

import pytest
from django.core.mail import EmailMessage

from anze.core.mail import MailNotConfiguredError, UnconfiguredEmailBackend


def test_unconfigured_backend_refuses_to_send_and_says_which_setting_is_missing():
    backend = UnconfiguredEmailBackend()
    message = EmailMessage("subject", "body", "from@example.gov.cn", ["to@example.gov.cn"])
    with pytest.raises(MailNotConfiguredError, match="ANZE_EMAIL_HOST"):
        backend.send_messages([message])
    assert backend.send_messages([]) == 0


def test_the_backend_keeps_fail_silently_without_the_deprecated_base_attribute():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet = UnconfiguredEmailBackend(fail_silently=True)
        message = EmailMessage("subject", "body", "from@example.gov.cn", ["to@example.gov.cn"])
        assert quiet.send_messages([message]) == 0
        assert quiet.fail_silently is True
        assert UnconfiguredEmailBackend().fail_silently is False
