"""The signature check the README gives receivers works on what we send, and refuses what it should."""

import re
import time

from batches.webhooks import signing
from tests.conftest import PROJECT_DIR


def readme_verify():
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("### Checking the signature", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    namespace = {}
    exec(code, namespace)  # noqa: S102  (our own README's snippet)
    return namespace["verify"]


def test_the_documented_snippet_accepts_our_signature():
    verify = readme_verify()
    body = b'{"id":"1","type":"batch.finished"}'
    header = signing.signature_header("whsec_abc", body)

    assert verify("whsec_abc", body, header) is True
    assert signing.verify("whsec_abc", body, header) is True


def test_the_documented_snippet_refuses_a_changed_body_wrong_secret_or_old_timestamp():
    verify = readme_verify()
    body = b'{"id":"1","type":"batch.finished"}'
    header = signing.signature_header("whsec_abc", body)
    old = signing.signature_header("whsec_abc", body, timestamp=int(time.time()) - 3600)

    assert verify("whsec_abc", body + b" ", header) is False
    assert verify("whsec_other", body, header) is False
    assert verify("whsec_abc", body, old) is False
    assert verify("whsec_abc", body, "garbage") is False
