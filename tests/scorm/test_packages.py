"""Importing SCORM packages: the manifest is checked, malicious zips are refused."""

import io
import random
import zipfile

import pytest

from scorm.models import PackageStatus, ScormPackage
from scorm.packaging import package_extract
from scorm.services import ScormError, scorm_package_create, scorm_package_unpack
from scorm.storage import content_dir, upload_path
from tests.scorm.conftest import tree_snapshot
from tests.scorm.factories import sample_path, symlink_entry, zip_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("standard", "version", "launch"),
    [
        ("scorm12", "1.2", "shared/launchpage.html"),
        ("scorm2004", "2004 3rd Edition", "shared/launchpage.html"),
    ],
)
def test_sample_package_imports_with_its_version_and_launch_page(
    scorm_root, standard, version, launch
):
    # given a real sample package
    path = sample_path(standard)

    # when it is uploaded and the unpack task's service runs
    package = scorm_package_create(upload=path)
    package = scorm_package_unpack(package_id=package.pk)

    # then its version and launch page come from the manifest, and it is unpacked
    assert package.version == version
    assert package.status == PackageStatus.READY
    assert package.manifest["items"][0]["href"] == launch
    assert package.title == "Golf Explained - Run-time Basic Calls"
    assert (content_dir(package.key) / launch).is_file()
    assert not upload_path(package.key).exists()


def test_unpacking_twice_changes_nothing(scorm_root):
    # given an unpacked package
    package = scorm_package_create(upload=sample_path("scorm12"))
    scorm_package_unpack(package_id=package.pk)
    before = tree_snapshot(scorm_root)

    # when the task runs again (a redelivered message)
    again = scorm_package_unpack(package_id=package.pk)

    # then the package is still ready with the same files
    assert again.status == PackageStatus.READY
    assert tree_snapshot(scorm_root) == before


MALICIOUS = {
    "zip slip": (
        zip_bytes([("index.html", b"<p>hi</p>"), ("../../evil.sh", b"rm -rf /")]),
        "leaving its folder",
    ),
    "absolute path": (
        zip_bytes([("index.html", b"<p>hi</p>"), ("/etc/cron.d/evil", b"* * *")]),
        "absolute path",
    ),
    "windows absolute path": (
        zip_bytes([("index.html", b"<p>hi</p>"), ("C:/evil.bat", b"del")]),
        "absolute path",
    ),
    "symlink entry": (
        zip_bytes(
            [("index.html", b"<p>hi</p>"), symlink_entry("passwd", "/etc/passwd")]
        ),
        "symbolic link",
    ),
    "zip bomb": (
        zip_bytes([("index.html", b"<p>hi</p>"), ("bomb.txt", b"\0" * 50_000_000)]),
        "zip bomb",
    ),
    "missing manifest": (
        zip_bytes([("index.html", b"<p>hi</p>")], manifest_href=None),
        "imsmanifest.xml is missing",
    ),
    "missing launch file": (
        zip_bytes([("other.html", b"<p>hi</p>")], manifest_href="index.html"),
        "index.html is missing",
    ),
    "launch page outside the package": (
        zip_bytes([("index.html", b"<p>hi</p>")], manifest_href="../index.html"),
        "leaving its folder",
    ),
    "not a zip": (b"PK\x03\x04 this is not a zip", "not a valid zip"),
    "broken manifest": (
        zip_bytes([("index.html", b"x")], manifest_href='"><oops'),
        "not valid XML",
    ),
}


@pytest.mark.parametrize("case", list(MALICIOUS))
def test_malicious_or_broken_zip_is_refused_and_leaves_nothing(scorm_root, case):
    # given a dangerous or broken package
    data, reason = MALICIOUS[case]
    before = tree_snapshot(scorm_root)

    # when it is uploaded
    with pytest.raises(ScormError) as refused:
        scorm_package_create(upload=io.BytesIO(data), original_name=f"{case}.zip")

    # then it is refused with the reason, and nothing is kept on disk or in the db
    assert reason in str(refused.value)
    assert tree_snapshot(scorm_root) == before
    assert not ScormPackage.objects.exists()


def test_too_many_files_is_refused(scorm_root, settings):
    # given a limit of 5 files and a package of 10
    settings.SCORM_LIMITS = {"max_files": 5}
    data = zip_bytes([(f"page{n}.html", b"x") for n in range(9)])

    # when it is uploaded, then it is refused
    with pytest.raises(ScormError, match="at most 5"):
        scorm_package_create(upload=io.BytesIO(data))
    assert tree_snapshot(scorm_root) == []


def test_oversized_unpacked_content_is_refused(scorm_root, settings):
    # given a limit of 1 MB unpacked and a package of 2 MB of incompressible bytes
    settings.SCORM_LIMITS = {"max_total_bytes": 1024 * 1024}
    data = zip_bytes(
        [
            ("index.html", b"x"),
            ("video.bin", random.Random(7).randbytes(2 * 1024 * 1024)),
        ]
    )

    # when it is uploaded, then it is refused
    with pytest.raises(ScormError, match="too large once unpacked"):
        scorm_package_create(upload=io.BytesIO(data))
    assert tree_snapshot(scorm_root) == []


def lying_zip() -> bytes:
    """A zip whose headers declare 1 KB for an entry that inflates to 20 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", b"x")
        archive.writestr("big.bin", b"\0" * 20_000_000)
    data = bytearray(buffer.getvalue())
    real = (20_000_000).to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    # The uncompressed size sits in the local header and in the central directory.
    assert data.count(real) == 2
    return bytes(data.replace(real, fake))


def test_extraction_enforces_limits_on_the_real_bytes_when_headers_lie(tmp_path):
    # given a zip whose headers under-declare an entry's size
    path = tmp_path / "lying.zip"
    path.write_bytes(lying_zip())
    target = tmp_path / "out"
    target.mkdir()

    # when it is extracted, then the inflated bytes beyond the declared size stop it
    with pytest.raises(Exception, match="declared size|CRC|Bad"):
        package_extract(path, target)
    assert (
        not (target / "big.bin").exists() or (target / "big.bin").stat().st_size <= 1024
    )
