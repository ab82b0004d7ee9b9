"""The unpack task on a real Celery worker."""

import pytest

from scorm.models import PackageStatus, ScormPackage
from scorm.services import scorm_package_create
from scorm.storage import content_dir
from tests.conftest import wait_until
from tests.scorm.factories import sample_path


@pytest.mark.django_db(transaction=True)
def test_uploaded_package_is_unpacked_by_the_worker(scorm_root, celery_worker):
    # given a worker and an uploaded sample package
    package = scorm_package_create(upload=sample_path("scorm2004"))

    # when the worker runs the task queued after the commit
    ready = wait_until(
        lambda: ScormPackage.objects.filter(
            pk=package.pk, status=PackageStatus.READY
        ).first(),
        timeout=60,
        message="The worker did not unpack the package.",
    )

    # then its files are in its private folder
    assert (content_dir(ready.key) / "shared" / "launchpage.html").is_file()
