"""Personal keys: Ed25519 key pairs whose private half is kept encrypted (AES-GCM) under a key that
scrypt derives from the person's password, so a copy of the key file is useless without the
password."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from generator.checks.review.records import ReviewRefused

SCRYPT_N = 2 ** 15  # real keys: about 32 MB and a tenth of a second per try
# test rosters only: cheap, and as safe as the throwaway passwords they protect
TEST_SCRYPT_N = 2 ** 4
_R, _P = 8, 1
MIN_PASSWORD = 6


def b64(data: bytes) -> str:
    """Bytes as base64 text."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    """Base64 text back to bytes (ValueError when it is not base64)."""
    return base64.b64decode(str(text).encode("ascii"), validate=True)


def new_key(name: str, password: str, *, n: int = SCRYPT_N) -> tuple[dict, str]:
    """A new key file (as a dict) for `name` and its public key; the private key is sealed with
    `password`."""
    if len(password) < MIN_PASSWORD:
        raise ReviewRefused(f"密码太短：至少要 {MIN_PASSWORD} 个字符")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(password, salt, n, _R, _P)).encrypt(nonce, raw, name.encode("utf-8"))
    public = b64(
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    )
    keyfile = {
        "name": name,
        "public": public,
        "kdf": {"name": "scrypt", "n": n, "r": _R, "p": _P, "salt": b64(salt)},
        "cipher": "AES-256-GCM",
        "nonce": b64(nonce),
        "sealed": b64(sealed),
    }
    return keyfile, public


def unlock(keyfile: dict, password: str) -> Ed25519PrivateKey:
    """The private key of a key file; ReviewRefused when the password is wrong or the file is
    damaged."""
    name = str(keyfile.get("name", ""))
    try:
        kdf = keyfile["kdf"]
        key = _derive(password, unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        raw = AESGCM(key).decrypt(
            unb64(keyfile["nonce"]), unb64(keyfile["sealed"]), name.encode("utf-8")
        )
    except InvalidTag:
        raise ReviewRefused(f"{name} 的密码不对") from None
    except (KeyError, TypeError, ValueError):
        raise ReviewRefused(f"{name} 的密钥文件已损坏，请管理员重新为其生成密钥") from None
    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(private: Ed25519PrivateKey, message: bytes) -> str:
    """The base64 Ed25519 signature of `message`."""
    return b64(private.sign(message))


def verify(public_key: str, message: bytes, signature: str) -> bool:
    """True when `signature` is `public_key`'s signature of `message` (False for anything malformed)
    ."""
    try:
        Ed25519PublicKey.from_public_bytes(unb64(public_key)).verify(unb64(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_of(private: Ed25519PrivateKey) -> str:
    """The base64 public key of a private key."""
    return b64(
        private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    )


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if n < TEST_SCRYPT_N or n > 2 ** 22 or r < 1 or p < 1:
        raise ValueError("kdf parameters out of range")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))
