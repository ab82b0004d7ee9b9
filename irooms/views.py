"""Views of a room: every one checks access first (404 for outsiders), then acts.

Anonymous visitors and signed-in non-members get 404 on every private URL, never a
hint that it exists. The one exception is the room's own landing page (a Wagtail
page): an anonymous visitor is sent to log in, and a signed-in non-member of an
open or request-and-approval room sees its door (title, summary, join button).
Members who may not do something (a participant on a trainer's screen) get 403:
they already know the room exists.
"""

import csv
import zoneinfo
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.documents.views.serve import serve as wagtail_document_serve
from wagtail.images import get_image_model

from irooms import selectors, services
from irooms.access import (
    room_role,
    room_role_cache_start,
    user_can_answer_as_expert,
    user_can_manage_room,
    user_can_view_room,
)
from irooms.forms import (
    AttendanceImportForm,
    InvitationForm,
    ModerationForm,
    PreferencesForm,
    ReplyForm,
    ResourceFilterForm,
    ResourceUploadForm,
    RoleForm,
    RoomCreateForm,
    SessionForm,
    ThreadForm,
)
from irooms.models import (
    JoinPolicy,
    Reply,
    RoomFormSubmission,
    RoomPage,
    Session,
    SubmissionStatus,
)
from irooms.protected import protected_file_response, rendition_response
from learning.accounts.gates import profile_gate

MEMBER = "member"
EXPERT = "expert"
MANAGER = "manager"
# Only these image sizes are generated on request, so nobody can make the server
# resize an image into thousands of variants.
IMAGE_SPECS = {"original", "max-1200x800", "fill-600x338", "fill-120x120"}


def room_view(level: str = MEMBER, methods: tuple[str, ...] = ("GET",)):
    """Load the live room, check access for `level`, then the method; call the view."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, room_id, *args, **kwargs):
            room_role_cache_start(request.user)
            room = RoomPage.objects.live().filter(pk=room_id).first()
            if room is None or not user_can_view_room(request.user, room.pk):
                raise Http404
            gate = profile_gate(request)
            if gate:
                return gate
            if level == MANAGER and not user_can_manage_room(request.user, room.pk):
                raise PermissionDenied
            if level == EXPERT and not user_can_answer_as_expert(request.user, room.pk):
                raise PermissionDenied
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, room, *args, **kwargs)

        wrapped.room_access_level = level
        return wrapped

    return decorator


def _error(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _room_context(room: RoomPage, request, **extra) -> dict:
    return {
        "room": room,
        "page": room,
        "role": room_role(request.user, room.pk),
        "can_manage": user_can_manage_room(request.user, room.pk),
        **extra,
    }


# The room page (Wagtail) -------------------------------------------------------


def room_page_serve(request, *, page: RoomPage, serve, **kwargs):
    """Members get the room home; see the module docstring for everyone else."""
    room_role_cache_start(request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    # Counts and the visitor's role in one query; the room home reuses the counts.
    page.membership_summary = selectors.room_membership_summary(
        room=page, user=request.user
    )
    if not user_can_view_room(request.user, page.pk):
        if page.join_policy == JoinPolicy.INVITATION:
            raise Http404
        gate = profile_gate(request)
        if gate:
            return gate
        return TemplateResponse(
            request,
            "irooms/room_door.html",
            {"page": page, "door": selectors.room_door(room=page, user=request.user)},
        )
    return profile_gate(request) or serve(request, **kwargs)


@room_view(MEMBER)
def room_search(request, room):
    query = request.GET.get("q", "").strip()[:200]
    filters = selectors.ResourceFilters(query=query)
    context = _room_context(
        room,
        request,
        query=query,
        pages=selectors.room_pages_search(room=room, query=query),
        resources=selectors.room_resources(room=room, filters=filters) if query else [],
    )
    return TemplateResponse(request, "irooms/room_search.html", context)


def room_create(request):
    """Trainers (the Trainers group) and staff open a room and become its trainer."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    gate = profile_gate(request)
    if gate:
        return gate
    if not services.user_can_create_room(request.user):
        raise PermissionDenied
    index = selectors.room_index_for_language()
    if index is None:
        raise Http404
    form = RoomCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                room = services.room_create(
                    index=index, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The room is open. Invite its members."))
                return redirect(room.url)
        status = 400
    return TemplateResponse(
        request,
        "irooms/room_create.html",
        {"form": form, "index": index},
        status=status,
    )


# Joining ------------------------------------------------------------------------


def room_join(request, room_id):
    """POST: join an open room, or ask to join a request-and-approval room."""
    room = RoomPage.objects.live().filter(pk=room_id).first()
    if (
        room is None
        or not request.user.is_authenticated
        or room.join_policy == JoinPolicy.INVITATION
        and not user_can_view_room(request.user, room.pk)
    ):
        raise Http404
    gate = profile_gate(request)
    if gate:
        return gate
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if room.join_policy == JoinPolicy.OPEN:
            services.membership_join(room=room, user=request.user)
            messages.success(request, _("Welcome to the room."))
        else:
            services.membership_request(room=room, user=request.user)
            messages.success(
                request, _("Your request was sent to the room's trainers.")
            )
    except ValidationError as error:
        _error(request, error)
    return redirect(room.url)


@room_view(MEMBER, methods=("POST",))
def room_leave(request, room):
    try:
        services.membership_leave(room=room, user=request.user)
    except ValidationError as error:
        _error(request, error)
        return redirect(room.url)
    messages.success(request, _("You left the room."))
    return redirect("/")


def invitation_accept(request, token):
    """The link in an invitation e-mail: sign in (or sign up), then join."""
    if not request.user.is_authenticated:
        # Kept for the sign-up signal handler, which claims the invitation.
        request.session["irooms_invitation_token"] = token
        return redirect(f"{reverse('account_signup')}?next={request.path}")
    accepted_room = selectors.room_of_accepted_invitation(
        token=token, user=request.user
    )
    if accepted_room is not None:
        # Claimed already (at sign-up or e-mail confirmation): the link still
        # leads its holder into the room.
        return redirect(accepted_room.url)
    try:
        membership = services.invitation_accept(token=token, user=request.user)
    except ValidationError as error:
        _error(request, error)
        return TemplateResponse(
            request, "irooms/invitation_invalid.html", {}, status=404
        )
    request.session.pop("irooms_invitation_token", None)
    messages.success(request, _("Welcome to the room."))
    return redirect(membership.room.url)


# Resources ------------------------------------------------------------------------


@room_view(MEMBER)
def resource_list(request, room):
    form = ResourceFilterForm(request.GET or None)
    filters = selectors.ResourceFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ResourceFilters(
            query=data["q"],
            resource_type=data["resource_type"],
            language=data["language"],
            country=data["country"] or "",
            legal_system=data["legal_system"],
            year=data["year"],
            tag=data["tag"],
        )
    context = _room_context(
        room,
        request,
        form=form,
        resources=selectors.room_resources(room=room, filters=filters),
    )
    return TemplateResponse(request, "irooms/resource_list.html", context)


@room_view(MEMBER)
def resource_detail(request, room, resource_id):
    resource = selectors.room_resource(room=room, resource_id=resource_id)
    if resource is None:
        raise Http404
    services.resource_view_record(resource=resource, room=room, user=request.user)
    return TemplateResponse(
        request,
        "irooms/resource_detail.html",
        _room_context(room, request, resource=resource),
    )


@room_view(MANAGER, methods=("GET", "POST"))
def resource_upload(request, room):
    form = ResourceUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                resource = services.resource_create(
                    room=room,
                    actor=request.user,
                    title=data["title"],
                    resource_type=data["resource_type"],
                    summary=data["summary"],
                    languages=data["languages"],
                    legal_system=data["legal_system"],
                    year=data["year"],
                    uploaded_file=data["file"],
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("The resource was added."))
                return redirect("irooms:resource_detail", room.pk, resource.pk)
        status = 400
    return TemplateResponse(
        request,
        "irooms/resource_upload.html",
        _room_context(room, request, form=form),
        status=status,
    )


@room_view(MEMBER)
def resources_export(request, room):
    """The room's resource list as CSV (metadata only, no files)."""
    resources = selectors.room_resources(room=room, filters=selectors.ResourceFilters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["title", "type", "languages", "country", "legal_system", "year"])
    for resource in resources:
        writer.writerow(
            [
                resource.title,
                resource.resource_type,
                " ".join(resource.languages),
                resource.country.code or "",
                resource.legal_system,
                resource.year or "",
            ]
        )
    return response


@room_view(MEMBER)
def resources_api(request, room):
    """The room's resources as JSON, for the room's own scripts; members only."""
    resources = selectors.room_resources(room=room, filters=selectors.ResourceFilters())
    data = [
        {
            "id": resource.pk,
            "title": resource.title,
            "type": resource.resource_type,
            "languages": resource.languages,
            "year": resource.year,
            "url": reverse("irooms:resource_detail", args=[room.pk, resource.pk]),
        }
        for resource in resources
    ]
    response = JsonResponse({"room": room.pk, "resources": data})
    response["Cache-Control"] = "private, no-store"
    return response


class RoomFeed(Feed):
    """What is new in a room, as RSS for a member's reader (session cookie)."""

    def get_object(self, request, room):
        return room

    def title(self, room):
        return room.title

    def link(self, room):
        return room.url

    def description(self, room):
        return room.summary

    def items(self, room):
        resources = selectors.room_resources(
            room=room, filters=selectors.ResourceFilters()
        )[:20]
        for resource in resources:
            resource.feed_link = reverse(
                "irooms:resource_detail", args=[room.pk, resource.pk]
            )
        return resources

    def item_title(self, resource):
        return resource.title

    def item_description(self, resource):
        return resource.summary

    def item_link(self, resource):
        return resource.feed_link


@room_view(MEMBER)
def room_feed(request, room):
    response = RoomFeed()(request, room=room)
    response["Cache-Control"] = "private, no-store"
    return response


@room_view(MEMBER)
def room_image(request, room, image_id, spec):
    """A room image, after the membership check; never a public URL."""
    if spec not in IMAGE_SPECS:
        raise Http404
    image = get_object_or_404(get_image_model(), pk=image_id)
    if selectors.room_for_image(image=image) != room.pk:
        raise Http404
    if spec == "original":
        from django.conf import settings

        return protected_file_response(
            path=image.file.path,
            root=settings.MEDIA_ROOT,
            filename=image.filename,
            attachment=False,
        )
    return rendition_response(rendition=image.get_rendition(spec), public=False)


def image_rendition_serve(request, name):
    """Every Wagtail image rendition's URL (learning/urls.py; irooms.protected).

    Renditions are kept under PRIVATE_MEDIA_ROOT, so this view is their only way
    out. A room image's renditions go to the room's members and to staff (the
    Wagtail admin's thumbnails), 404 to anyone else; other images' to everyone.
    The check runs on every request: an image moved into a room is private at once.
    """
    rendition = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(file=name)
        .select_related("image__collection")
        .first()
    )
    if rendition is None:
        raise Http404
    room_id = selectors.room_for_image(image=rendition.image)
    if room_id is not None and not user_can_view_room(request.user, room_id):
        raise Http404
    return rendition_response(rendition=rendition, public=room_id is None)


def document_serve(request, document_id, document_filename):
    """Wagtail's document serve view, counting a room download once fully sent.

    Mounted at Wagtail's own documents URL (learning/urls.py), so every document
    link goes through Wagtail's checks and `irooms.wagtail_hooks.room_document_check`.
    A range request (a player) is never a download.
    """
    response = wagtail_document_serve(request, document_id, document_filename)
    if response.has_header("X-Accel-Redirect") or response.has_header("X-Sendfile"):
        # Wagtail's sendfile sets the file's length on an empty body; the web
        # server sends the file and its length.
        del response["Content-Length"]
    on_complete = getattr(request, "irooms_on_download_complete", None)
    if (
        on_complete is not None
        and response.status_code == 200
        and not request.headers.get("Range")
    ):
        if response.streaming:
            response.streaming_content = _then(response.streaming_content, on_complete)
        else:
            # Handed to the web server (X-Accel-Redirect/X-Sendfile): the best
            # Python can know is that the hand-over was made.
            on_complete()
    return response


def _then(chunks, on_complete):
    yield from chunks
    # Reached only when the client took the last chunk: the whole file was sent.
    on_complete()


# Sessions ---------------------------------------------------------------------------


@room_view(MEMBER)
def session_list(request, room):
    return TemplateResponse(
        request,
        "irooms/session_list.html",
        _room_context(
            room,
            request,
            sessions=selectors.room_sessions(room=room, user=request.user),
        ),
    )


def _room_session(room, session_id) -> Session:
    return get_object_or_404(Session, room=room, pk=session_id)


@room_view(MANAGER, methods=("GET", "POST"))
def session_edit(request, room, session_id=None):
    """Trainers create a session (no id) or change one of their room's sessions."""
    session = _room_session(room, session_id) if session_id else None
    initial = {}
    if session is not None:
        initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
        initial["starts_at"] = session.starts_at.astimezone(
            zoneinfo.ZoneInfo(session.timezone)
        ).replace(tzinfo=None)
        initial["materials"] = list(session.materials.all())
    form = SessionForm(
        request.POST or None, room=room, session=session, initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.session_save(
                    room=room, actor=request.user, session=session, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The session is saved."))
                return redirect(
                    reverse("irooms:session_list", args=[room.pk])
                    + f"#session-{saved.pk}"
                )
        status = 400
    return TemplateResponse(
        request,
        "irooms/session_edit.html",
        _room_context(room, request, form=form, session=session),
        status=status,
    )


@room_view(MEMBER, methods=("POST",))
def session_register(request, room, session_id):
    session = _room_session(room, session_id)
    try:
        services.session_register(session=session, user=request.user)
        messages.success(request, _("You are registered."))
    except ValidationError as error:
        _error(request, error)
    return redirect("irooms:session_list", room.pk)


@room_view(MEMBER)
def session_recording(request, room, session_id):
    from django.conf import settings

    from irooms import events

    session = _room_session(room, session_id)
    if not session.recording:
        raise Http404
    user = request.user

    def downloaded():
        services.access_log_record(
            user=user,
            room_id=room.pk,
            action="downloaded",
            object_type="irooms.recording",
            object_id=session.pk,
            label=session.title,
        )
        events.recording_downloaded(session=session, user=user)

    return protected_file_response(
        path=session.recording.path,
        root=settings.PRIVATE_MEDIA_ROOT,
        filename=session.recording.name.rsplit("/", 1)[-1],
        on_complete=downloaded,
    )


@room_view(MANAGER, methods=("GET", "POST"))
def session_attendance(request, room, session_id):
    session = _room_session(room, session_id)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if "user" in request.POST:
            try:
                services.session_attendance_mark(
                    session=session,
                    user_id=int(request.POST["user"]),
                    actor=request.user,
                )
                messages.success(request, _("Attendance saved."))
            except (ValidationError, ValueError) as error:
                status = 400
                messages.error(request, " ".join(getattr(error, "messages", [])))
        elif form.is_valid():
            try:
                report = services.session_attendance_import(
                    session=session,
                    csv_file=form.cleaned_data["csv_file"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error("csv_file", error)
                status = 400
        else:
            status = 400
    context = _room_context(
        room,
        request,
        session=session,
        form=form,
        report=report,
        registrations=selectors.session_attendance(session=session),
        members=selectors.room_directory(room=room, user=request.user),
    )
    return TemplateResponse(
        request, "irooms/session_attendance.html", context, status=status
    )


# Discussions ------------------------------------------------------------------------


@room_view(MEMBER, methods=("GET", "POST"))
def thread_list(request, room):
    form = ThreadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                thread = services.thread_create(
                    room=room, author=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                # A refused file's message goes to the file input (keyed error).
                form.add_error(None, error)
            else:
                return redirect("irooms:thread_detail", room.pk, thread.pk)
        status = 400
    context = _room_context(
        room,
        request,
        form=form,
        threads=selectors.room_threads(room=room, user=request.user),
    )
    return TemplateResponse(request, "irooms/thread_list.html", context, status=status)


@room_view(MEMBER, methods=("GET", "POST"))
def thread_detail(request, room, thread_id):
    thread = selectors.room_thread(room=room, thread_id=thread_id, user=request.user)
    if thread is None:
        raise Http404
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_create(
                    thread=thread, author=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("irooms:thread_detail", room.pk, thread.pk)
        status = 400
    capabilities = selectors.thread_capabilities(room=room, user=request.user)
    if capabilities["can_moderate"]:
        for reply in thread.replies.all():
            reply.moderation_form = ModerationForm(reply=reply)
    context = _room_context(
        room,
        request,
        thread=thread,
        form=form,
        moderation_form=ModerationForm(),
        **capabilities,
    )
    return TemplateResponse(
        request, "irooms/thread_detail.html", context, status=status
    )


@room_view(MEMBER)
def attachment_download(request, room, attachment_id):
    """A post's file, to those who may read the post (404 otherwise); audited."""
    from django.conf import settings

    attachment = selectors.room_attachment(
        room=room, attachment_id=attachment_id, user=request.user
    )
    if attachment is None:
        raise Http404
    user = request.user

    def downloaded():
        services.attachment_download_record(
            attachment=attachment, room_id=room.pk, user=user
        )

    return protected_file_response(
        path=attachment.file.path,
        root=settings.PRIVATE_MEDIA_ROOT,
        filename=attachment.filename,
        content_type=attachment.content_type,
        on_complete=downloaded,
    )


@room_view(MANAGER, methods=("POST",))
def thread_moderate(request, room, thread_id):
    thread = selectors.room_thread(room=room, thread_id=thread_id, user=request.user)
    if thread is None:
        raise Http404
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and give a reason."))
        return redirect("irooms:thread_detail", room.pk, thread.pk)
    post = thread
    if form.cleaned_data.get("reply"):
        post = get_object_or_404(Reply, thread=thread, pk=form.cleaned_data["reply"])
    try:
        services.post_moderate(
            post=post,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("Moderation saved."))
    except ValidationError as error:
        _error(request, error)
    if post is thread and form.cleaned_data["action"] == "delete":
        return redirect("irooms:thread_list", room.pk)
    return redirect("irooms:thread_detail", room.pk, thread.pk)


@room_view(EXPERT, methods=("POST",))
def reply_mark_answer(request, room, reply_id):
    reply = get_object_or_404(
        Reply.objects.select_related("thread"), thread__room=room, pk=reply_id
    )
    try:
        services.reply_mark_expert_answer(reply=reply, actor=request.user)
    except ValidationError as error:
        _error(request, error)
    return redirect("irooms:thread_detail", room.pk, reply.thread_id)


# Members ----------------------------------------------------------------------------


@room_view(MEMBER, methods=("GET", "POST"))
def member_directory(request, room):
    membership = selectors.membership_of(room=room, user=request.user)
    form = None
    if membership is not None:
        form = PreferencesForm(
            request.POST or None,
            initial={
                "directory_visible": membership.directory_visible,
                "notification_mode": membership.notification_mode,
            },
        )
    if request.method == "POST":
        if form is None or not form.is_valid():
            return HttpResponse(status=400)
        services.membership_preferences_update(
            room=room, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your preferences were saved."))
        return redirect("irooms:member_directory", room.pk)
    context = _room_context(
        room,
        request,
        members=selectors.room_directory(room=room, user=request.user),
        form=form,
    )
    return TemplateResponse(request, "irooms/member_directory.html", context)


@room_view(MANAGER, methods=("GET", "POST"))
def member_manage(request, room):
    """Trainers: invite, approve or refuse requests, change roles, remove."""
    invite_form = InvitationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            _member_action(request, room, invite_form)
        except ValidationError as error:
            _error(request, error)
            status = 400
        else:
            return redirect("irooms:member_manage", room.pk)
    context = _room_context(
        room,
        request,
        invite_form=invite_form,
        role_form=RoleForm(),
        members=selectors.room_directory(room=room, user=request.user),
        pending=selectors.room_pending_requests(room=room),
    )
    return TemplateResponse(
        request, "irooms/member_manage.html", context, status=status
    )


def _member_action(request, room, invite_form) -> None:
    action = request.POST.get("action", "")
    actor = request.user
    if action == "invite":
        if not invite_form.is_valid():
            raise ValidationError(_("Enter a valid e-mail address and role."))
        services.invitation_create(room=room, actor=actor, **invite_form.cleaned_data)
        messages.success(request, _("The invitation was sent."))
        return
    try:
        user_id = int(request.POST.get("user", ""))
    except ValueError:
        raise ValidationError(_("Choose a member.")) from None
    if action == "approve":
        services.membership_approve(room=room, user_id=user_id, actor=actor)
    elif action == "refuse":
        services.membership_refuse(room=room, user_id=user_id, actor=actor)
    elif action == "remove":
        services.membership_remove(room=room, user_id=user_id, actor=actor)
    elif action == "role":
        services.membership_role_change(
            room=room, user_id=user_id, role=request.POST.get("role", ""), actor=actor
        )
    else:
        raise ValidationError(_("Unknown action."))
    messages.success(request, _("Saved."))


@room_view(MANAGER)
def members_export(request, room):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="room-{room.pk}-members.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["name", "email", "organisation", "country", "role", "joined"])
    for membership in selectors.room_directory(room=room, user=request.user):
        profile = getattr(membership.user, "profile", None)
        writer.writerow(
            [
                getattr(profile, "full_name", ""),
                membership.user.email,
                getattr(profile, "organisation", ""),
                getattr(getattr(profile, "country", None), "code", "") or "",
                membership.role,
                membership.joined_at.isoformat() if membership.joined_at else "",
            ]
        )
    return response


# Good practices ---------------------------------------------------------------------


@room_view(MEMBER)
def good_practices(request, room):
    submissions = RoomFormSubmission.objects.filter(
        page__path__startswith=room.path, status=SubmissionStatus.PUBLISHED
    ).select_related("page", "user__profile")
    return TemplateResponse(
        request,
        "irooms/good_practices.html",
        _room_context(room, request, submissions=list(submissions)),
    )


@room_view(MANAGER, methods=("GET", "POST"))
def submission_review(request, room):
    submissions = RoomFormSubmission.objects.filter(
        page__path__startswith=room.path
    ).select_related("page", "user__profile")
    if request.method == "POST":
        submission = get_object_or_404(submissions, pk=request.POST.get("submission"))
        services.room_form_submission_review(
            submission=submission,
            publish=request.POST.get("decision") == "publish",
            actor=request.user,
        )
        return redirect("irooms:submission_review", room.pk)
    return TemplateResponse(
        request,
        "irooms/submission_review.html",
        _room_context(
            room,
            request,
            submissions=list(submissions.order_by("status", "-submit_time")),
        ),
    )
