"""A minimal in-tree PEP 517 build backend (standard library only).

PyPI may be unreachable where this client is installed, so `pip install clients/python` must not need
setuptools or wheel: this backend zips the pure-Python package into a wheel itself.
"""
import base64
import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

NAME, DIST, VERSION = "dashboard-client", "dashboard_client", "0.1.0"
ROOT = Path(__file__).resolve().parent.parent
METADATA = f"""Metadata-Version: 2.1
Name: {NAME}
Version: {VERSION}
Summary: Stream afterimage GenerationMonitor metrics (or GenerationMonitor-style calls) to the Dashboard; standard library only.
Requires-Python: >=3.9
"""
WHEEL = "Wheel-Version: 1.0\nGenerator: dashboard-client-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _files():
    for path in sorted((ROOT / DIST).rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), path.read_bytes()


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = f"{DIST}-{VERSION}.dist-info"
    filename = f"{DIST}-{VERSION}-py3-none-any.whl"
    entries = list(_files()) + [(f"{info}/METADATA", METADATA.encode()), (f"{info}/WHEEL", WHEEL.encode())]
    record = [_record_line(n, d) for n, d in entries] + [f"{info}/RECORD,,"]
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as whl:
        for name, data in entries:
            whl.writestr(name, data)
        whl.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return filename


def build_sdist(sdist_directory, config_settings=None):
    base = f"{DIST}-{VERSION}"
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for rel in ["pyproject.toml", "_build/backend.py"] + [n for n, _ in _files()]:
            tar.add(str(ROOT / rel), arcname=f"{base}/{rel}")
        data = (METADATA).encode()
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return filename
