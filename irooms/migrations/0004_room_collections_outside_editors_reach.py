"""Room collections leave the subtree Wagtail's default groups manage.

Wagtail gives its "Editors" and "Moderators" groups image and document permissions
on the root collection, and a collection permission covers every collection below
it: every room's private collection too. After this migration the tree is

    Root                 no group permissions
    ├── Public media     the permissions that were on Root, and Root's own media
    └── Rooms (private)  every room's collection (irooms.services keeps it so)

so an editor keeps every image and document they had, except the rooms'. A group
that should manage every room's media is given permissions on "Rooms (private)".
Unapplying leaves the tree as it is: it would open the rooms again.
"""

from django.db import migrations

PUBLIC_MEDIA = "Public media"
ROOMS = "Rooms (private)"
STEP = 4  # treebeard's steplen for Wagtail collections
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number):
    digits = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits.rjust(STEP, "0")


def _free_child_path(Collection, parent):
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    number = int(last.path[-STEP:], len(ALPHABET)) + 1 if last else 1
    return parent.path + _step(number)


def _child(Collection, parent, name):
    child = Collection.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1, name=name
    ).first()
    if child is None:
        child = Collection.objects.create(
            name=name,
            path=_free_child_path(Collection, parent),
            depth=parent.depth + 1,
            numchild=0,
        )
        parent.numchild += 1
        parent.save(update_fields=["numchild"])
    return child


def _move(Collection, node, parent):
    """Move `node` and its descendants to the end of `parent`'s children."""
    old_path = node.path
    old_parent = Collection.objects.get(path=old_path[:-STEP])
    new_path = _free_child_path(Collection, parent)
    for each in Collection.objects.filter(path__startswith=old_path).order_by("path"):
        each.path = new_path + each.path[len(old_path) :]
        each.depth = len(each.path) // STEP
        each.save(update_fields=["path", "depth"])
    old_parent.numchild -= 1
    old_parent.save(update_fields=["numchild"])
    parent.refresh_from_db()
    parent.numchild += 1
    parent.save(update_fields=["numchild"])


def _children_sort(Collection, parent):
    """Number `parent`'s children in name order, as treebeard keeps Wagtail's."""
    children = list(
        Collection.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1
        ).order_by("name", "path")
    )
    if [child.path for child in children] == sorted(child.path for child in children):
        return
    # Two passes, so that no path is ever taken twice: out of the way, then home.
    spare = len(ALPHABET) ** STEP - 1
    moves = [
        (child.path, parent.path + _step(spare - number))
        for number, child in enumerate(children)
    ]
    moves += [
        (parent.path + _step(spare - number), parent.path + _step(number + 1))
        for number in range(len(children))
    ]
    for old_path, new_path in moves:
        for each in Collection.objects.filter(path__startswith=old_path):
            each.path = new_path + each.path[len(old_path) :]
            each.save(update_fields=["path"])


def room_collections_separate(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    public = _child(Collection, root, PUBLIC_MEDIA)
    root.refresh_from_db()
    rooms = _child(Collection, root, ROOMS)

    for granted in GroupCollectionPermission.objects.filter(collection=root):
        GroupCollectionPermission.objects.get_or_create(
            group_id=granted.group_id,
            permission_id=granted.permission_id,
            collection=public,
        )
        granted.delete()
    for model in (
        apps.get_model("wagtailimages", "Image"),
        apps.get_model("wagtaildocs", "Document"),
    ):
        model.objects.filter(collection=root).update(collection=public)

    room_collection_ids = apps.get_model("irooms", "RoomPage").objects.filter(
        collection__isnull=False
    ).values_list("collection_id", flat=True)
    for collection in Collection.objects.filter(pk__in=room_collection_ids):
        collection.refresh_from_db()
        if not collection.path.startswith(rooms.path):
            _move(Collection, collection, rooms)
            rooms.refresh_from_db()
    _children_sort(Collection, root)
    _children_sort(Collection, rooms)


class Migration(migrations.Migration):
    dependencies = [
        ("irooms", "0003_attachment_on_replies"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.RunPython(room_collections_separate, migrations.RunPython.noop),
    ]
