"""SMS through a provider: the ``SmsProvider`` protocol the sender uses, and ``TwilioSms`` for
Twilio's REST API and the providers that copy it.

One request per attempt: ``POST {base}/2010-04-01/Accounts/{sid}/Messages.json`` with the
form fields To, From (or MessagingServiceSid) and Body, signed in with the account sid and
auth token, and the message's own id (``msg_…``) as ``I-Twilio-Idempotency-Token`` on every
attempt, so a provider that honours it sends a message retried after a crash once. No
redirect is followed (a redirect would carry the credentials to another address); an attempt
that has had no answer in 15 seconds has failed.

What an answer means for the message: 2xx sent; 429 and 5xx tried again later; 401 and 403
tried again later too (the operator can fix the credentials, as with a refused SMTP sign-in);
any other 4xx refused for good (a number the provider cannot send to). The auth token is
never logged nor stored: a failure's reason quotes the provider's own message only.
"""

from __future__ import annotations

import html
from typing import Protocol

import httpx

from server.messages.model import DeliveryFailed, EmailContent, tls_context
from server.settings import SmsAccount

TIMEOUT_S = 15.0
USER_AGENT = "Keepcart-SMS/1"


class SmsProvider(Protocol):
    async def send(self, to: str, body: str, idempotency_id: str) -> str:
        """Hand the SMS to the provider: its id for the message, or ``DeliveryFailed``."""
        ...


class TwilioSms:
    """A Twilio-compatible REST API, as KEEPCART_SMS_URL and KEEPCART_SMS_FROM name it."""

    channel = "sms"

    def __init__(self, account: SmsAccount, timeout_s: float = TIMEOUT_S):
        self.account = account
        self.timeout_s = timeout_s

    @property
    def endpoint(self) -> str:
        account = self.account
        return f"{account.base_url}/2010-04-01/Accounts/{account.account_sid}/Messages.json"

    def form(self, to: str, body: str) -> dict[str, str]:
        sender = self.account.sender
        # A messaging service (MG…) picks the sending number itself.
        origin = {"MessagingServiceSid": sender} if sender.startswith("MG") else {"From": sender}
        return {"To": to, **origin, "Body": body}

    async def send(self, to: str, body: str, idempotency_id: str) -> str:
        account = self.account
        try:
            async with httpx.AsyncClient(
                timeout=self.timeout_s,
                follow_redirects=False,
                trust_env=False,
                verify=tls_context(),
            ) as client:
                response = await client.post(
                    self.endpoint,
                    data=self.form(to, body),
                    auth=(account.account_sid, account.auth_token),
                    headers={"I-Twilio-Idempotency-Token": idempotency_id,
                             "User-Agent": USER_AGENT},
                )  # fmt: skip
        except httpx.TimeoutException:
            raise DeliveryFailed(
                "The SMS provider did not answer in time.", code="timeout"
            ) from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(
                f"Could not reach the SMS provider ({type(exc).__name__}).", code=type(exc).__name__
            ) from None
        return provider_id_of(response)


def provider_id_of(response: httpx.Response) -> str:
    """The provider's id for the message (Twilio's ``sid``) from a 2xx answer; any other
    answer as the ``DeliveryFailed`` it means."""
    status = response.status_code
    said = _provider_message(response)
    if 200 <= status < 300:
        sid = said.get("sid")
        return sid if isinstance(sid, str) else ""
    reason = f"The SMS provider answered {status}"
    if isinstance(said.get("message"), str):
        reason += f": {said['message']}"
    if status in (401, 403):
        reason += " (check the account sid and auth token in KEEPCART_SMS_URL)"
    retried = status == 429 or status >= 500 or status in (401, 403) or status < 400
    raise DeliveryFailed(reason, code=f"HTTP {status}", permanent=not retried)


def _provider_message(response: httpx.Response) -> dict[str, object]:
    try:
        said = response.json()
    except ValueError:
        return {}
    return said if isinstance(said, dict) else {}


def sms_content(label: str, body: str) -> EmailContent:
    """An SMS as the outbox keeps what it renders: ``label`` as the subject (the admin's
    list shows it), ``body`` as the text sent, and the body in a page for the admin's
    preview."""
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(label)}</title></head>"
        '<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;">'
        f'<p style="white-space:pre-wrap;max-width:32em;">{html.escape(body)}</p></body></html>'
    )
    return EmailContent(label, body, page)
