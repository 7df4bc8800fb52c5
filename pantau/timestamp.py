"""RFC 3161 trusted timestamps: proof from an outside Time-Stamping Authority (TSA) that some bytes existed by a time.

pantau anchors what it must be able to prove later, the audit chain's head and each referral package's manifest,
with a TSA token: the TSA signs the SHA-512 of the message and its own clock reading. Anyone holding the token and the
TSA's root certificate can check it without pantau; an edited and re-hashed audit chain no longer matches a token
taken before the edit.

Configuration comes from the environment only:

* `PANTAU_TSA_URL`: the TSA's HTTP endpoint (e.g. FreeTSA's `https://freetsa.org/tsr`, or a team's own
  `openssl ts` server). Unset: nothing is timestamped and the tools say so.
* `PANTAU_TSA_CA`: a PEM file with the TSA's root certificate(s) (and intermediates, if any). Unset: tokens are
  checked against the message and their own certificate, and the check says the signature chain was not verified.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)
from rfc3161_client.tsp import PKIStatus

URL_ENV = "PANTAU_TSA_URL"
CA_ENV = "PANTAU_TSA_CA"
TIMEOUT = 30.0  # seconds for one TSA request
MAX_RESPONSE = 64 * 1024  # a token is a few KB; anything larger is not a timestamp response
CONTENT_TYPE = "application/timestamp-query"
_DIGESTS = {"2.16.840.1.101.3.4.2.1": hashlib.sha256, "2.16.840.1.101.3.4.2.2": hashlib.sha384,
            "2.16.840.1.101.3.4.2.3": hashlib.sha512}


class TimestampError(RuntimeError):
    """The TSA could not be reached, refused, or its token does not prove what it should."""


@dataclass(frozen=True)
class Stamp:
    token: bytes  # the DER TimeStampResp exactly as the TSA sent it
    gen_time: datetime  # the TSA's clock (UTC)
    tsa_url: str


@dataclass(frozen=True)
class Checked:
    gen_time: datetime
    chain_verified: bool  # False: no root certificate was given, only message and self-consistency were checked


def tsa_url() -> str | None:
    return os.environ.get(URL_ENV) or None


def roots_from_env() -> list[x509.Certificate]:
    path = os.environ.get(CA_ENV)
    return load_certificates(Path(path)) if path else []


def load_certificates(path: Path) -> list[x509.Certificate]:
    try:
        certs = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise TimestampError(f"{path}: cannot read the TSA certificates ({exc})") from exc
    if not certs:
        raise TimestampError(f"{path}: no PEM certificate in it")
    return certs


def stamp(message: bytes, url: str | None = None, *, timeout: float = TIMEOUT) -> Stamp:
    """Ask the TSA at `url` (default `PANTAU_TSA_URL`) to timestamp `message`; the answer is checked before use."""
    url = url or tsa_url()
    if not url:
        raise TimestampError(f"no TSA configured: set {URL_ENV}")
    request = TimestampRequestBuilder().data(message).hash_algorithm(HashAlgorithm.SHA512).nonce(nonce=True).build()
    try:
        answer = httpx.post(url, content=request.as_bytes(), headers={"Content-Type": CONTENT_TYPE},
                            timeout=timeout)
    except httpx.HTTPError as exc:
        raise TimestampError(f"TSA {url} not reachable: {exc}") from exc
    if answer.status_code != 200:
        raise TimestampError(f"TSA {url} answered HTTP {answer.status_code}")
    if len(answer.content) > MAX_RESPONSE:
        raise TimestampError(f"TSA {url} sent {len(answer.content)} bytes, not a timestamp response")
    token = answer.content
    checked = check(token, message, roots_from_env())
    if decode_timestamp_response(token).tst_info.nonce != request.nonce:
        raise TimestampError(f"TSA {url} answered another request (nonce differs)")
    return Stamp(token=token, gen_time=checked.gen_time, tsa_url=url)


def check(token: bytes, message: bytes, roots: list[x509.Certificate] | None = None) -> Checked:
    """Prove that `token` timestamps exactly `message`; with `roots`, also that a TSA chaining to them signed it.

    Without roots only the message imprint is checked (catches a token for other bytes, not a forged TSA)."""
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise TimestampError(f"not a timestamp response ({exc})") from exc
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        raise TimestampError(f"the TSA refused (status {response.status})")
    if not roots:  # without the TSA's root nothing proves who signed: check that the token covers these bytes
        imprint = response.tst_info.message_imprint
        digest = _DIGESTS.get(imprint.hash_algorithm.dotted_string)
        if digest is None or digest(message).digest() != imprint.message:
            raise TimestampError("the timestamp does not prove these bytes: its message imprint differs")
        return Checked(gen_time=response.tst_info.gen_time, chain_verified=False)
    builder = VerifierBuilder()
    for cert in roots:
        builder = builder.add_root_certificate(cert)
    try:
        builder.build().verify_message(response, message)
    except VerificationError as exc:
        raise TimestampError(f"the timestamp does not prove these bytes: {exc}") from exc
    return Checked(gen_time=response.tst_info.gen_time, chain_verified=True)
