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
