"""What the user sees when the IdP, the network, TLS, the clock or the client registration is wrong."""

from __future__ import annotations

import datetime
import socket
import ssl

import pytest

from support.http import Reply, Routes
from support.oidc_peer import session_files


@pytest.fixture
def fake_server(serve):
    """`fake_server(routes, tls_context=None) -> base URL`: answers from `routes` ({path: Reply or JSON body}, a
    Routes the test may change), 404 elsewhere."""

    def start(routes, tls_context=None):
        return serve(routes if isinstance(routes, Routes) else Routes(routes), token=None, tls=tls_context).url

    return start


def self_signed(tmp_path):
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Corporate Proxy Test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


def write_profile(tmp_path, issuer, client_id="aistack-cli"):
    path = tmp_path / "org.toml"
    path.write_text(f'schema = 1\n[org]\nname = "Test Org"\n[auth]\nissuer = "{issuer}"\nclient_id = "{client_id}"\n')
    return str(path)


def test_idp_unreachable(cli, memory_keyring, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = cli("login", write_profile(tmp_path, f"http://127.0.0.1:{port}"), "--device")
    assert code == 1 and out == ""
    assert f"cannot reach the identity provider at http://127.0.0.1:{port} (OpenID discovery): connection refused" in err
    assert "network, VPN or proxy" in err


def test_tls_failure_names_the_trust_store_and_ssl_cert_file_fixes_it(cli, memory_keyring, tmp_path, fake_server,
                                                                      monkeypatch):
    """A self-signed certificate stands in for a corporate proxy that re-signs TLS."""
    cert_file, context = self_signed(tmp_path)
    base = fake_server({}, tls_context=context)
    code, _, err = cli("login", write_profile(tmp_path, base), "--device")
    assert code == 1
    assert f"TLS certificate verification failed for {base} (OpenID discovery)" in err
    assert "trust store" in err and "SSL_CERT_FILE" in err
    # Trusting the proxy's certificate (as installing it in the trust store would) gets past TLS.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    code, _, err = cli("login", write_profile(tmp_path, base), "--device")
    assert code == 1 and "TLS" not in err and "answered HTTP 404" in err


def test_wrong_discovery_documents(cli, memory_keyring, tmp_path, fake_server, provider):
    code, _, err = cli("login", write_profile(tmp_path, provider.issuer + "/nothing-here"), "--device")
    assert code == 1
    assert f"{provider.issuer}/nothing-here/.well-known/openid-configuration answered HTTP 404" in err
    assert "auth.issuer" in err
    html = fake_server({"/.well-known/openid-configuration": Reply(200, "<html>Sign in</html>",
                                                                     {"Content-Type": "text/html"})})
    code, _, err = cli("login", write_profile(tmp_path, html), "--device")
    assert code == 1 and "is not an OpenID discovery document (it is text/html" in err
    routes = Routes()
    base = fake_server(routes)

    def discovery(doc):
        routes["/.well-known/openid-configuration"] = doc
        return cli("login", write_profile(tmp_path, base), "--device")

    code, _, err = discovery({"issuer": base, "jwks_uri": base + "/jwks"})
    assert code == 1 and "has no `token_endpoint`" in err
    code, _, err = discovery({"issuer": base, "jwks_uri": base + "/jwks", "token_endpoint": "http://idp.example.com/t"})
    assert code == 1 and "`token_endpoint` 'http://idp.example.com/t'; it must be an https:// URL" in err


def test_issuer_mismatch(cli, memory_keyring, tmp_path, provider):
    other = provider.issuer.replace("127.0.0.1", "localhost")
    code, _, err = cli("login", write_profile(tmp_path, other), "--device")
    assert code == 1
    assert f"issuer mismatch: the discovery document at {other}/.well-known/openid-configuration names issuer " \
           f"'{provider.issuer}', but the org profile says '{other}'" in err


def test_unregistered_client(cli, memory_keyring, tmp_path, provider):
    code, _, err = cli("login", write_profile(tmp_path, provider.issuer, client_id="not-registered"), "--device")
    assert code == 1
    assert "does not accept the client id `not-registered`" in err and "invalid_client" in err
    assert "register aistack as a public client" in err


@pytest.mark.parametrize("shift, words", [(7200, "expired at"), (-3600, "in the future")])
def test_clock_skew(cli, memory_keyring, tmp_path, provider, user, monkeypatch, shift, words):
    """This computer's clock an hour off (a wrong clock cannot be produced for real without root)."""
    import time as real_time

    from aistack.auth import idtoken

    monkeypatch.setattr(idtoken, "_now", lambda: real_time.time() + shift)
    code, _, err = cli("login", write_profile(tmp_path, provider.issuer), "--device")
    assert code == 1
    assert "the ID token from" in err and words in err and "clock is probably wrong" in err
    assert "enable NTP" in err
    assert session_files() == []
