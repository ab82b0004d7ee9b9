"""Check a SCORM zip before anything touches the disk, and unpack it within limits.

Python's zipfile refuses nothing by itself: it lists `../` names, absolute names and
symlink entries as they are, and a few kilobytes may inflate to gigabytes. So every
entry is checked from the central directory first (names, types, sizes, ratios), and
the same limits are enforced again on the bytes actually inflated while unpacking,
because a zip's headers can lie.
"""

import re
import stat
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from defusedxml import ElementTree
from django.conf import settings
from django.utils.translation import gettext as _

MANIFEST = "imsmanifest.xml"
CHUNK = 64 * 1024
DEFAULT_LIMITS = {
    "max_zip_bytes": 500 * 1024 * 1024,
    "max_total_bytes": 1024 * 1024 * 1024,
    "max_file_bytes": 300 * 1024 * 1024,
    "max_files": 10_000,
    # Ratios are judged only on entries big enough to matter: a small text file may
    # compress 1000:1 honestly, a zip bomb needs size to do harm.
    "max_file_ratio": 200,
    "ratio_min_bytes": 1024 * 1024,
    "max_total_ratio": 100,
    "max_manifest_bytes": 5 * 1024 * 1024,
}
VERSION_12 = "1.2"
VERSIONS_2004 = {
    "cam 1.3": "2004 2nd Edition",
    "2004 2nd edition": "2004 2nd Edition",
    "2004 3rd edition": "2004 3rd Edition",
    "2004 4th edition": "2004 4th Edition",
}
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageError(Exception):
    """A package was refused; the message says why, in words an author understands."""


def limits() -> dict:
    return {**DEFAULT_LIMITS, **getattr(settings, "SCORM_LIMITS", {})}


@dataclass
class ScoItem:
    """A launchable item of the default organization, with what sequencing needs.

    `parents` are the titles of the clusters around it (outermost first); `flow`,
    `forward_only` and `choice` come from the controlMode of its cluster (`choice`:
    of every cluster above it); SCORM 1.2 has no sequencing, so everything is
    allowed there.
    """

    identifier: str
    title: str
    href: str
    parameters: str = ""
    scorm_type: str = "sco"
    mastery_score: str = ""
    parents: list[str] = field(default_factory=list)
    visible: bool = True
    flow: bool = True
    forward_only: bool = False
    choice: bool = True
    completion_set_by_content: bool = True

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class Manifest:
    version: str  # "1.2" or "2004 3rd Edition"...
    identifier: str
    title: str
    items: list[ScoItem] = field(default_factory=list)

    @property
    def standard(self) -> str:
        return "scorm12" if self.version == VERSION_12 else "scorm2004"

    def as_dict(self) -> dict:
        return {
            "version": self.version,
            "identifier": self.identifier,
            "title": self.title,
            "items": [item.as_dict() for item in self.items],
        }


def _safe_name(name: str) -> str:
    """The entry's path inside the package, or PackageError for a dangerous name."""
    if "\x00" in name:
        raise PackageError(_("The package has a file name with a NUL byte."))
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise PackageError(
            _("The package has an absolute path (%(name)s); refused.") % {"name": name}
        )
    parts = name.replace("\\", "/").split("/")
    if any(part == ".." for part in parts):
        raise PackageError(
            _("The package has a path leaving its folder (%(name)s); refused.")
            % {"name": name}
        )
    return "/".join(part for part in parts if part not in ("", "."))


def _entries(archive: zipfile.ZipFile, zip_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """Check every central-directory entry; return the files by their safe name."""
    limit = limits()
    infos = archive.infolist()
    if len(infos) > limit["max_files"]:
        raise PackageError(
            _("The package has %(count)d files; at most %(max)d are accepted.")
            % {"count": len(infos), "max": limit["max_files"]}
        )
    files: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = _safe_name(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise PackageError(
                _("The package has a symbolic link (%(name)s); refused.")
                % {"name": info.filename}
            )
        if info.flag_bits & 0x1:
            raise PackageError(_("The package has encrypted files; refused."))
        if info.is_dir() or not name:
            continue
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError(
                _("The package uses an unsupported compression (%(name)s).")
                % {"name": info.filename}
            )
        if name.lower() in {existing.lower() for existing in files}:
            raise PackageError(
                _("The package has the file %(name)s twice.") % {"name": name}
            )
        if info.file_size > limit["max_file_bytes"]:
            raise PackageError(
                _("%(name)s is too large once unpacked (%(size)d bytes).")
                % {"name": name, "size": info.file_size}
            )
        if info.file_size >= limit["ratio_min_bytes"] and (
            info.file_size > limit["max_file_ratio"] * max(info.compress_size, 1)
        ):
            raise PackageError(
                _("%(name)s inflates suspiciously (a zip bomb?); refused.")
                % {"name": name}
            )
        total += info.file_size
        files[name] = info
    if total > limit["max_total_bytes"]:
        raise PackageError(
            _("The package is too large once unpacked (%(size)d bytes).")
            % {"size": total}
        )
    if total >= limit["ratio_min_bytes"] and total > limit["max_total_ratio"] * max(
        zip_bytes, 1
    ):
        raise PackageError(_("The package inflates suspiciously (a zip bomb?)."))
    return files


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    chunks, size = [], 0
    with archive.open(info) as source:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > cap:
                raise PackageError(_("The manifest is too large."))
            chunks.append(chunk)
    return b"".join(chunks)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    return [child for child in element if _local(child.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _attribute(element, name: str) -> str:
    for key, value in element.attrib.items():
        if _local(key) == name or key.rsplit("}", 1)[-1].lower() == name.lower():
            return value
    return ""


def _text(element) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _version(root) -> str:
    metadata = _child(root, "metadata")
    declared = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    lowered = declared.lower()
    if lowered == "1.2":
        return VERSION_12
    if lowered in VERSIONS_2004:
        return VERSIONS_2004[lowered]
    if declared:
        raise PackageError(
            _("Unsupported SCORM version %(version)s: 1.2 or 2004 (2nd-4th edition).")
            % {"version": declared}
        )
    namespace = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if namespace.endswith("imscp_rootv1p1p2"):
        return VERSION_12
    if namespace.endswith("imscp_v1p1"):
        return "2004 3rd Edition"
    raise PackageError(_("The manifest does not say which SCORM version it is."))


def _launch_path(base: str, href: str) -> tuple[str, str]:
    """(path inside the package, query) of a launch href, or PackageError."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        raise PackageError(
            _("The launch page %(href)s is outside the package.") % {"href": href}
        )
    path = unquote(base + parts.path)
    if path.startswith("/"):
        raise PackageError(_("The launch page has an absolute path."))
    return _safe_name(str(PurePosixPath(path))), parts.query


def _control_mode(element) -> dict:
    """The imsss:controlMode of an organization or cluster, with SCORM's defaults."""
    sequencing = _child(element, "sequencing")
    mode = _child(sequencing, "controlMode") if sequencing is not None else None
    if mode is None:
        return {"choice": True, "flow": False, "forward_only": False}
    return {
        "choice": _attribute(mode, "choice").lower() != "false",
        "flow": _attribute(mode, "flow").lower() == "true",
        "forward_only": _attribute(mode, "forwardOnly").lower() == "true",
    }


def _completion_set_by_content(item) -> bool:
    sequencing = _child(item, "sequencing")
    controls = (
        _child(sequencing, "deliveryControls") if sequencing is not None else None
    )
    if controls is None:
        return False
    return _attribute(controls, "completionSetByContent").lower() == "true"


def _items(organization, *, resources, base, files, sequencing) -> list[ScoItem]:
    """The organization's launchable items in tree order (the order of delivery)."""
    items: list[ScoItem] = []

    def walk(element, parents: list[str], choice: bool) -> None:
        mode = (
            _control_mode(element)
            if sequencing
            else {"choice": True, "flow": True, "forward_only": False}
        )
        for item in _children(element, "item"):
            reference = _attribute(item, "identifierref")
            if not reference:  # a cluster: its children are the launchable items
                title = _text(_child(item, "title"))
                walk(item, [*parents, title], choice and mode["choice"])
                continue
            launchable = _launchable(
                item, reference, resources=resources, base=base, files=files
            )
            items.append(
                replace(
                    launchable,
                    parents=parents,
                    visible=_attribute(item, "isvisible").lower() != "false",
                    flow=mode["flow"],
                    forward_only=mode["forward_only"],
                    choice=choice and mode["choice"],
                    completion_set_by_content=(
                        _completion_set_by_content(item) if sequencing else True
                    ),
                )
            )

    walk(organization, [], True)
    return items


def _launchable(item, reference: str, *, resources, base, files) -> ScoItem:
    resource = resources.get(reference)
    if resource is None:
        raise PackageError(
            _("Item %(item)s refers to a missing resource %(ref)s.")
            % {"item": _attribute(item, "identifier"), "ref": reference}
        )
    href = _attribute(resource, "href")
    if not href:
        raise PackageError(
            _("Resource %(ref)s has no launch page.") % {"ref": reference}
        )
    path, query = _launch_path(base + _attribute(resource, "base"), href)
    if path not in files:
        raise PackageError(
            _("The launch page %(path)s is missing from the package.") % {"path": path}
        )
    parameters = _attribute(item, "parameters")
    if query:
        parameters = f"?{query}" + ("&" + parameters.lstrip("?&") if parameters else "")
    return ScoItem(
        identifier=_attribute(item, "identifier"),
        title=_text(_child(item, "title")) or path,
        href=path,
        parameters=parameters,
        scorm_type=(
            _attribute(resource, "scormtype")
            or _attribute(resource, "scormType")
            or "sco"
        ).lower(),
        mastery_score=_text(_child(item, "masteryscore")),
    )


def parse_manifest(data: bytes, files: set[str]) -> Manifest:
    """The package's version, title and launchable items; PackageError if broken."""
    try:
        root = ElementTree.fromstring(data)
    except Exception as error:  # defusedxml's refusals and expat's syntax errors
        raise PackageError(
            _("imsmanifest.xml is not valid XML (%(error)s).") % {"error": error}
        ) from error
    if _local(root.tag) != "manifest":
        raise PackageError(_("imsmanifest.xml has no <manifest> root element."))
    version = _version(root)
    organizations = _child(root, "organizations")
    resources_element = _child(root, "resources")
    if organizations is None or resources_element is None:
        raise PackageError(_("The manifest needs <organizations> and <resources>."))
    all_organizations = _children(organizations, "organization")
    if not all_organizations:
        raise PackageError(_("The manifest has no organization (nothing to launch)."))
    default = _attribute(organizations, "default")
    organization = next(
        (o for o in all_organizations if _attribute(o, "identifier") == default),
        all_organizations[0],
    )
    resources_base = _attribute(resources_element, "base")
    resources = {}
    for resource in _children(resources_element, "resource"):
        resources[_attribute(resource, "identifier")] = resource
    items = _items(
        organization,
        resources=resources,
        base=resources_base,
        files=files,
        sequencing=version != VERSION_12,
    )
    if not items:
        raise PackageError(_("The manifest has no item to launch."))
    title = _text(_child(organization, "title")) or _attribute(root, "identifier")
    return Manifest(
        version=version,
        identifier=_attribute(root, "identifier"),
        title=title[:255],
        items=items,
    )


def package_inspect(path: Path) -> Manifest:
    """Validate a SCORM zip at `path` without writing anything; PackageError if bad."""
    limit = limits()
    size = path.stat().st_size
    if size > limit["max_zip_bytes"]:
        raise PackageError(
            _("The file is too large (%(size)d bytes; at most %(max)d).")
            % {"size": size, "max": limit["max_zip_bytes"]}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            files = _entries(archive, size)
            if MANIFEST not in files:
                raise PackageError(
                    _("imsmanifest.xml is missing from the root of the package.")
                )
            data = _read_limited(archive, files[MANIFEST], limit["max_manifest_bytes"])
            return parse_manifest(data, set(files))
    except zipfile.BadZipFile as error:
        raise PackageError(_("This is not a valid zip file.")) from error


def package_extract(path: Path, target: Path, on_progress=None) -> int:
    """Unpack the checked zip into the empty folder `target`; bytes written.

    The limits are enforced on the bytes actually inflated, whatever the headers
    say; the caller removes `target` if this raises. `on_progress(done, total)` is
    called with the number of files unpacked so far, before the first and after
    each file.
    """
    limit = limits()
    size = path.stat().st_size
    total = 0
    target = target.resolve()
    with zipfile.ZipFile(path) as archive:
        files = _entries(archive, size)
        if on_progress is not None:
            on_progress(0, len(files))
        for number, (name, info) in enumerate(files.items(), start=1):
            destination = (target / name).resolve()
            if not destination.is_relative_to(target) or destination == target:
                raise PackageError(_("The package has a path leaving its folder."))
            destination.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            with archive.open(info) as source, open(destination, "xb") as out:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    total += len(chunk)
                    if (
                        written > max(info.file_size, 0)
                        or written > limit["max_file_bytes"]
                    ):
                        raise PackageError(
                            _("%(name)s inflates beyond its declared size; refused.")
                            % {"name": name}
                        )
                    if total > limit["max_total_bytes"]:
                        raise PackageError(_("The package is too large once unpacked."))
                    out.write(chunk)
            if on_progress is not None:
                on_progress(number, len(files))
    return total
