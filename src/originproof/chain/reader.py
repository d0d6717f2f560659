"""A read-only view of a deployment over plain web3.py, failing over across several RPC URLs.

Verification must never call a certificate invalid because a node was down or throttled it: a
connection error, time-out, HTTP error (429, 5xx) or JSON-RPC error on one URL moves to the next, and
when every URL fails the answer is UnverifiableError naming each URL's failure. A revert or an answer
from the wrong chain is not a transport failure: it is reported as such (ChainError).
"""

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import requests
from web3 import HTTPProvider, Web3
from web3.exceptions import (
    BadResponseFormat,
    ProviderConnectionError,
    Web3RPCError,
)

from originproof.chain.endpoint import Endpoint, NoAnswerError
from originproof.chain.views import ChainViews
from originproof.deployments import Deployment
from originproof.errors import ChainError, UnverifiableError, ValidationError

T = TypeVar("T")

# What says "this URL did not answer": move on to the next one.
_TRANSPORT = (
    requests.RequestException,
    ProviderConnectionError,
    Web3RPCError,
    BadResponseFormat,
    json.JSONDecodeError,
)


class ChainReader(ChainViews):
    """The read calls of `ChainViews` over `urls`, tried in order, each with `timeout` seconds.

    Each URL's connection is kept warm (one HTTP session) and checked once (`Endpoint.check`: chain id,
    genesis hash, the contracts' code); the URL that last answered is tried first.
    """

    def __init__(self, urls: Sequence[str], deployment: Deployment, timeout: float = 5.0) -> None:
        if not urls:
            raise ValidationError("urls: name at least one RPC URL to read the chain from")
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ValidationError(f"urls: {url!r} is not an http:// or https:// RPC URL")
        if timeout <= 0:
            raise ValidationError(f"timeout: must be more than 0 seconds, got {timeout}")
        self.deployment = deployment
        self.urls = list(urls)
        self.timeout = timeout
        self._endpoints: dict[str, Endpoint] = {}
        self._preferred = self.urls[0]

    def _run(self, operation: Callable[[Endpoint], T]) -> T:
        failures = []
        for url in [self._preferred, *(url for url in self.urls if url != self._preferred)]:
            try:
                answer = operation(self._endpoint(url))
            except NoAnswerError as error:
                failures.append(str(error))
                continue
            except ChainError:
                raise
            except _TRANSPORT as error:
                failures.append(f"{url}: {describe(error)}")
                continue
            self._preferred = url
            return answer
        raise UnverifiableError(f"chain unreachable: {'; '.join(failures)}")

    def _endpoint(self, url: str) -> Endpoint:
        """The warm endpoint of `url`, created and checked against the deployment's chain on first use."""
        endpoint = self._endpoints.get(url)
        if endpoint is None:
            provider = HTTPProvider(
                url, request_kwargs={"timeout": self.timeout}, exception_retry_configuration=None
            )
            web3 = Web3(provider)
            # Its checks ask the node for the chain id twice per call; the chain is checked once, below.
            web3.middleware_onion.remove("validation")
            endpoint = Endpoint(url, web3, self.deployment)
            endpoint.check()
            self._endpoints[url] = endpoint
        return endpoint


def describe(error: Exception) -> str:
    """One line on why a URL failed: time-out, refused connection, HTTP status or the RPC's message."""
    if isinstance(error, requests.Timeout):
        return "timed out"
    if isinstance(error, requests.ConnectionError):
        return "connection failed"
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return f"HTTP {error.response.status_code} {error.response.reason}"
    if isinstance(error, json.JSONDecodeError):
        return "answered with something that is not JSON-RPC"
    if isinstance(error, Web3RPCError) and isinstance(error.rpc_response, dict):
        failure: dict[str, Any] = dict(error.rpc_response.get("error") or {})
        return f"RPC error {failure.get('code')}: {failure.get('message')}"
    return f"{type(error).__name__}: {error}"
