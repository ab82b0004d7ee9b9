"""Demo content for the quick start: a small, realistic site and one user per role.

Seeding is idempotent: a page, user or authenticator that already exists is kept as
it is (so edits made while trying the demo survive a restart of `make run`); only
what is missing is created, and the facts a demo log-in depends on (verified
e-mail, complete profile, group membership, second factor) are repaired.

Room content and learning activity go through the apps' own services, so that the
learning records hold the events that real use would have recorded; a membership,
resource, discussion or session that exists already is left as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from fpdf import FPDF
from wagtail.models import Locale, Page, Site

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
    QuizAttempt,
    QuizPage,
)
from courses.services import (
    enrolment_create,
    lesson_completion_submit,
    quiz_attempt_submit,
)
from irooms.models import (
    AccessAction,
    AccessLogEntry,
    JoinPolicy,
    ResourceType,
    Role,
    RoomIndexPage,
    RoomPage,
    SessionMode,
)
from irooms.services import (
    membership_join,
    membership_role_change,
    reply_create,
    reply_mark_expert_answer,
    resource_create,
    resource_download_record,
    resource_view_record,
    session_register,
    session_save,
    thread_create,
)
from learning.accounts.models import REPORTING_GROUP, TRAINERS_GROUP
from learning.accounts.services import profile_update
from learning.home.models import HomePage
from webinars.models import (
    Registration,
    WebinarIndexPage,
    WebinarPage,
    WebinarSeriesPage,
)
from webinars.selectors import webinar_visible_to_user
from webinars.services import registration_create

# Demo credentials are public on purpose: they are printed by `make run` and listed
# in the README. Only ever seed them into a throw-away development database.
DEMO_PASSWORD = "learning-demo-2026"  # noqa: S105
# A fixed base32 TOTP secret (20 bytes), so that a demo trainer or admin can add it
# to an authenticator app once and keep it across fresh databases.
DEMO_TOTP_SECRET = "LEARNINGPLATFORMDEMOSECRETTOTP22"  # noqa: S105
DEMO_EMAIL_DOMAIN = "demo.test"

SITE_TITLE = "Learning Platform"
HOME_INTRODUCTION = (
    "A secure place where counter-terrorism and criminal-justice practitioners "
    "learn together: e-learning courses in the six UN languages and Portuguese, "
    "webinar series with their recordings, and iRooms where practitioners, experts "
    "and trainers share manuals, good practices and new tools across legal systems."
)
HOME_BODY = (
    "<p>Since training moved online, the platform has reached officials who could "
    "not travel: investigators, prosecutors, judges and prison officers, alongside "
    "experts, training institutions, civil society and the private sector.</p>"
    "<p>Each iRoom is a one-stop shop for one theme or region. Follow-up sessions "
    "and long-term monitoring show whether what was learned is applied.</p>"
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    full_name: str
    country: str
    organisation: str
    sector: str
    professional_role: str
    gender: str
    groups: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False

    @property
    def password(self) -> str:
        return DEMO_PASSWORD

    @property
    def needs_totp(self) -> bool:
        return self.is_staff or self.is_superuser or TRAINERS_GROUP in self.groups

    @property
    def totp_secret(self) -> str | None:
        return DEMO_TOTP_SECRET if self.needs_totp else None


DEMO_ACCOUNTS = (
    DemoAccount(
        role="practitioner",
        email=f"practitioner@{DEMO_EMAIL_DOMAIN}",
        full_name="Amina Benali",
        country="MA",
        organisation="National Police, Counter-Terrorism Investigations",
        sector="law-enforcement",
        professional_role="Investigator",
        gender="female",
    ),
    DemoAccount(
        role="expert",
        email=f"expert@{DEMO_EMAIL_DOMAIN}",
        full_name="Daniel Okafor",
        country="NG",
        organisation="Independent legal expert",
        sector="academia",
        professional_role="Expert in counter-terrorism law",
        gender="male",
    ),
    DemoAccount(
        role="trainer",
        email=f"trainer@{DEMO_EMAIL_DOMAIN}",
        full_name="Sofía Marín",
        country="ES",
        organisation="Judicial Training School",
        sector="academia",
        professional_role="Trainer",
        gender="female",
        groups=(TRAINERS_GROUP,),
    ),
    DemoAccount(
        role="admin",
        email=f"admin@{DEMO_EMAIL_DOMAIN}",
        full_name="Platform Administrator",
        country="AT",
        organisation="Learning Platform team",
        sector="international-organisation",
        professional_role="Platform administrator",
        gender="prefer-not-to-say",
        groups=(REPORTING_GROUP,),
        is_staff=True,
        is_superuser=True,
    ),
)


def demo_account_for(email: str) -> DemoAccount | None:
    return next((a for a in DEMO_ACCOUNTS if a.email == email.lower()), None)


# --- demo content: the course ----------------------------------------------------

OPEN_ROOM_SLUG = "cross-border-investigations-north-africa"
COURSE_SLUG = "international-legal-framework-cbrn-terrorism"


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _callout(tone: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"tone": tone, "title": title, "text": html}}


def _question(
    block_type: str, prompt: str, *answers, block_id: str = "", kind="single"
):
    """A question block; `answers` are (text, correct, feedback) triples."""
    block = {
        "type": block_type,
        "value": {
            "kind": kind,
            "prompt": prompt,
            "answers": [
                {"text": text, "correct": correct, "feedback": feedback}
                for text, correct, feedback in answers
            ],
        },
    }
    if block_id:
        block["id"] = block_id
    return block


@dataclass(frozen=True)
class DemoLesson:
    slug: str
    title: str
    french_title: str
    minutes: int
    body: tuple[dict, ...]


@dataclass(frozen=True)
class DemoModule:
    slug: str
    title: str
    french_title: str
    introduction: str
    lessons: tuple[DemoLesson, ...]


COURSE_MODULES = (
    DemoModule(
        slug="universal-instruments",
        title="The universal instruments",
        french_title="Les instruments universels",
        introduction=(
            "What the international community agreed on, and which conduct each "
            "instrument asks States to make a crime."
        ),
        lessons=(
            DemoLesson(
                slug="why-a-legal-framework",
                title="Why a legal framework against CBRN terrorism",
                french_title="Pourquoi un cadre juridique contre le terrorisme NRBC",
                minutes=15,
                body=(
                    _text(
                        "<h2>A rare threat with grave consequences</h2>"
                        "<p>Chemical, biological, radiological and nuclear (CBRN) "
                        "materials are hard to obtain and hard to use, but a single "
                        "attack could cause mass casualties and lasting disruption. "
                        "The international legal framework makes sure that every "
                        "step towards such an attack is a crime everywhere.</p>"
                    ),
                    _callout(
                        "key",
                        "Key point",
                        "<p>The framework is preventive: <b>acquiring, possessing "
                        "or threatening to use</b> CBRN material is a crime, not "
                        "only using it.</p>",
                    ),
                    _question(
                        "knowledge_check",
                        "Does the framework only punish attacks that took place?",
                        ("Yes", False, "It also covers preparatory conduct."),
                        ("No", True, "Possession and threats are crimes too."),
                        kind="true_false",
                    ),
                ),
            ),
            DemoLesson(
                slug="icsant-and-cppnm",
                title="ICSANT and the amended CPPNM",
                french_title="L'ICSANT et la CPPMN amendée",
                minutes=25,
                body=(
                    _text(
                        "<p>The International Convention for the Suppression of "
                        "Acts of Nuclear Terrorism (ICSANT, 2005) and the amended "
                        "Convention on the Physical Protection of Nuclear Material "
                        "(CPPNM) require States to criminalise the unlawful "
                        "possession, use and threat of use of radioactive material "
                        "and devices, and to protect nuclear material and "
                        "facilities.</p>"
                    ),
                    _callout(
                        "note",
                        "In practice",
                        "<p>Both instruments follow the principle <i>aut dedere aut "
                        "judicare</i>: extradite or prosecute.</p>",
                    ),
                    _question(
                        "knowledge_check",
                        "Which instrument is specific to nuclear terrorism?",
                        ("ICSANT", True, "Adopted in 2005."),
                        ("The Chemical Weapons Convention", False, "It is not."),
                    ),
                ),
            ),
            DemoLesson(
                slug="resolution-1540",
                title="Security Council resolution 1540 (2004)",
                french_title="La résolution 1540 (2004) du Conseil de sécurité",
                minutes=20,
                body=(
                    _text(
                        "<p>Resolution 1540 obliges every State to refrain from "
                        "supporting non-State actors that seek weapons of mass "
                        "destruction, and to adopt and enforce laws that prohibit "
                        "them from acquiring such weapons.</p>"
                    ),
                    _callout(
                        "warning",
                        "Binding on all States",
                        "<p>Adopted under Chapter VII of the Charter, the resolution "
                        "binds States whether or not they ratified a convention.</p>",
                    ),
                ),
            ),
        ),
    ),
    DemoModule(
        slug="from-law-to-courtroom",
        title="From the law to the courtroom",
        french_title="Du texte au prétoire",
        introduction=(
            "How investigators, prosecutors and judges apply the instruments in a "
            "real case, and how they work with their foreign counterparts."
        ),
        lessons=(
            DemoLesson(
                slug="investigating-cbrn-cases",
                title="Investigating CBRN cases",
                french_title="Enquêter sur les affaires NRBC",
                minutes=25,
                body=(
                    _text(
                        "<p>CBRN evidence must be collected safely and kept in a "
                        "documented chain of custody. Specialised laboratories, "
                        "first responders and investigators plan the scene "
                        "together.</p><ul><li>Secure the scene and protect "
                        "responders.</li><li>Sample with accredited methods.</li>"
                        "<li>Record every transfer of an exhibit.</li></ul>"
                    ),
                    _question(
                        "knowledge_check",
                        "What makes laboratory results admissible in court?",
                        ("A documented chain of custody", True, "Exactly."),
                        ("A press release", False, "No."),
                    ),
                ),
            ),
            DemoLesson(
                slug="international-cooperation",
                title="International cooperation in criminal matters",
                french_title="La coopération internationale en matière pénale",
                minutes=20,
                body=(
                    _text(
                        "<p>The instruments are also treaties of mutual legal "
                        "assistance and extradition: a State may rely on them when "
                        "no bilateral treaty exists.</p>"
                    ),
                    _callout(
                        "key",
                        "Tip",
                        "<p>Contact the central authority early, and send requests "
                        "in the language the requested State asks for.</p>",
                    ),
                ),
            ),
        ),
    ),
)

QUIZ_SLUG = "final-assessment"
QUIZ_TITLE = "Final assessment"
QUIZ_FRENCH_TITLE = "Évaluation finale"
QUIZ_QUESTIONS = (
    _question(
        "question",
        "Which instrument is specific to nuclear terrorism?",
        ("ICSANT (2005)", True, "Yes."),
        ("Resolution 1373 (2001)", False, "It covers terrorism in general."),
        block_id="cbrn-q1",
    ),
    _question(
        "question",
        "Which conduct do the instruments make a crime?",
        ("Unlawful possession of radioactive material", True, ""),
        ("Threatening to use a CBRN device", True, ""),
        ("Publishing research on nuclear safety", False, "No."),
        block_id="cbrn-q2",
        kind="multiple",
    ),
    _question(
        "question",
        "Resolution 1540 binds only States that voted for it.",
        ("True", False, "It binds every State (Chapter VII)."),
        ("False", True, "Right."),
        block_id="cbrn-q3",
        kind="true_false",
    ),
)
# Every right answer, as the quiz form would send it.
QUIZ_RIGHT_ANSWERS = {
    question["id"]: [
        index
        for index, answer in enumerate(question["value"]["answers"])
        if answer["correct"]
    ]
    for question in QUIZ_QUESTIONS
}

FRENCH = "fr"
FRENCH_COURSE_INDEX_TITLE = "Cours"
FRENCH_COURSE_TITLE = "Le cadre juridique international contre le terrorisme NRBC"
FRENCH_COURSE_SUMMARY = (
    "Les instruments universels contre le terrorisme chimique, biologique, "
    "radiologique et nucléaire, les obligations qu'ils créent pour les États, et "
    "leur application par les procureurs et les juges."
)

# --- demo content: the open room ---------------------------------------------------


@dataclass(frozen=True)
class DemoResource:
    title: str
    resource_type: str
    year: int
    summary: str
    filename: str
    paragraphs: tuple[str, ...]


ROOM_RESOURCES = (
    DemoResource(
        title="Manual on mutual legal assistance in terrorism cases",
        resource_type=ResourceType.MANUAL,
        year=2024,
        summary="Step by step: drafting, sending and executing a request.",
        filename="manual-mutual-legal-assistance.pdf",
        paragraphs=(
            "1. Identify the central authority of the requested State.",
            "2. Describe the facts, the offence and its legal basis.",
            "3. State precisely the evidence sought and the procedure to follow.",
            "4. Translate the request into the language the State accepts.",
        ),
    ),
    DemoResource(
        title="Security Council resolution 2178 (2014)",
        resource_type=ResourceType.RESOLUTION,
        year=2014,
        summary="Foreign terrorist fighters: what States must criminalise.",
        filename="resolution-2178.pdf",
        paragraphs=(
            "Summary of the operative paragraphs on travel, financing and "
            "recruitment of foreign terrorist fighters, and on border controls.",
        ),
    ),
    DemoResource(
        title="Regional report on cross-border evidence sharing",
        resource_type=ResourceType.REPORT,
        year=2025,
        summary="Findings of a survey of investigators in five North African States.",
        filename="report-cross-border-evidence.pdf",
        paragraphs=(
            "Most requests for electronic evidence took more than six months.",
            "Spontaneous exchanges between liaison officers were the fastest route.",
        ),
    ),
    DemoResource(
        title="Guide to joint investigation teams",
        resource_type=ResourceType.GUIDE,
        year=2023,
        summary="When a joint team helps, and how to set one up.",
        filename="guide-joint-investigation-teams.pdf",
        paragraphs=(
            "A joint investigation team is set up by agreement between two or more "
            "States for a specific purpose and a limited period.",
        ),
    ),
)

DISCUSSION_TITLE = "Can intercepted messages from abroad be used as evidence?"
DISCUSSION_QUESTION = (
    "<p>A partner State sent us intercepted messages spontaneously, without a "
    "formal request. Can we use them at trial, or do we need a request for mutual "
    "legal assistance first?</p>"
)
DISCUSSION_EXPERT_ANSWER = (
    "<p>Use them as intelligence to open lines of inquiry, and send a formal request "
    "to obtain them as evidence: most courts in the region admit foreign "
    "interceptions only when they came through mutual legal assistance and the "
    "requested State confirms they were lawfully obtained.</p>"
)

SESSION_TITLE = "Workshop: drafting a request for electronic evidence"
SESSION_AGENDA = (
    "Case study, drafting in small groups, and feedback from a central authority."
)
SESSION_JOIN_URL = "https://meet.example.org/learning-demo-workshop"

# The demo practitioner opens these resources and downloads the first one.
RESOURCES_VIEWED = 3
# The expert has started the course: these many lessons done.
EXPERT_LESSONS_DONE = 2


# --- pages ---------------------------------------------------------------------


def _child_page(parent: Page, page_class: type[Page], *, slug: str, **fields) -> Page:
    """The child of `parent` with `slug`, created and published when missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _seed_home_page() -> HomePage:
    """A HomePage as the default site's root, replacing Wagtail's "Welcome" page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        slug_taken = root.get_children().filter(slug="home").exists()
        home = HomePage(
            title=SITE_TITLE,
            slug="learning-platform" if slug_taken else "home",
            introduction=HOME_INTRODUCTION,
            body=HOME_BODY,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    return home


def _seed_site(home: HomePage) -> HomePage:
    """Make `home` the default site's root; return it as now stored."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    previous_root_id = site.root_page_id
    site.root_page = home
    site.site_name = SITE_TITLE
    site.save()
    if previous_root_id and previous_root_id != home.pk:
        _delete_if_wagtail_welcome_page(previous_root_id)
    root = Page.get_first_root_node()
    if home.slug != "home" and not root.get_children().filter(slug="home").exists():
        home.slug = "home"
        home.save_revision().publish()
    # Publishing works on a copy: re-read, so children get the new URL path.
    return HomePage.objects.get(pk=home.pk)


def _delete_if_wagtail_welcome_page(page_id: int) -> None:
    """Delete Wagtail's default page only: a plain, childless Page no site uses."""
    page = Page.objects.filter(pk=page_id).first()
    if (
        page is not None
        and page.specific_class is Page
        and page.depth == 2
        and not page.get_children().exists()
        and not Site.objects.filter(root_page=page).exists()
    ):
        page.delete()


def _seed_rooms(home: HomePage) -> None:
    index = _child_page(
        home,
        RoomIndexPage,
        slug="rooms",
        title="iRooms",
        introduction=(
            "Secure rooms where practitioners and experts work on one theme or "
            "region: manuals, key resolutions, reports, guides, courses and webinars "
            "in one place."
        ),
    )
    _child_page(
        index,
        RoomPage,
        slug=OPEN_ROOM_SLUG,
        title="Cross-border investigations, North Africa",
        summary=(
            "Investigators and prosecutors from North African states compare how "
            "they gather and share evidence across borders, and build the contacts "
            "that mutual legal assistance depends on."
        ),
        topic="Cross-border investigations and mutual legal assistance",
        region="North Africa",
        join_policy=JoinPolicy.OPEN,
    )
    _child_page(
        index,
        RoomPage,
        slug="children-associated-with-terrorist-groups",
        title="Children associated with terrorist and violent extremist groups",
        summary=(
            "A closed room for justice and child-protection professionals on the "
            "treatment of children recruited and exploited by terrorist and violent "
            "extremist groups. Members are admitted on request."
        ),
        topic="Children and justice",
        region="Global",
        join_policy=JoinPolicy.REQUEST,
    )


def _seed_courses(home: HomePage) -> None:
    index = _child_page(
        home,
        CourseIndexPage,
        slug="courses",
        title="Courses",
        introduction=(
            "Self-paced e-learning modules, published in the six UN languages and "
            "Portuguese, with a certificate on completion."
        ),
    )
    _child_page(
        index,
        CoursePage,
        slug=COURSE_SLUG,
        title="The international legal framework against CBRN terrorism",
        summary=(
            "The universal instruments against chemical, biological, radiological "
            "and nuclear terrorism, the obligations they create for States, and how "
            "prosecutors and judges apply them."
        ),
        estimated_minutes=120,
    )


def _seed_webinars(home: HomePage) -> None:
    index = _child_page(
        home,
        WebinarIndexPage,
        slug="webinars",
        title="Webinars",
        introduction=(
            "Live webinars with experts, delivered in English, French or Spanish; "
            "recordings stay available to participants."
        ),
    )
    series = _child_page(
        index,
        WebinarSeriesPage,
        slug="criminal-justice-responses-to-terrorism",
        title="Criminal justice responses to terrorism",
        theme="Criminal justice responses to terrorism",
        is_public=True,
        description=(
            "A series for practitioners on investigating, prosecuting and "
            "adjudicating terrorism cases in line with the rule of law and human "
            "rights."
        ),
    )
    # Dates are set once, a few weeks after the first seeding, and kept afterwards.
    first_session = datetime.combine(
        timezone.now().date() + timedelta(days=14), time(13, 0), tzinfo=UTC
    )
    _child_page(
        series,
        WebinarPage,
        slug="financial-investigations-in-terrorism-cases-en",
        title="Financial investigations in terrorism cases",
        description=(
            "How following the money identifies networks and supports prosecutions."
        ),
        delivery_language="en",
        starts_at=first_session,
        duration_minutes=90,
    )
    _child_page(
        series,
        WebinarPage,
        slug="enquetes-financieres-affaires-de-terrorisme-fr",
        title="Les enquêtes financières dans les affaires de terrorisme",
        description=(
            "Comment le suivi des flux financiers permet d'identifier les réseaux "
            "et d'étayer les poursuites."
        ),
        delivery_language="fr",
        starts_at=first_session + timedelta(days=7),
        duration_minutes=90,
    )


# --- users ---------------------------------------------------------------------


def _seed_groups() -> None:
    for name in (TRAINERS_GROUP, REPORTING_GROUP):
        Group.objects.get_or_create(name=name)


def _seed_users() -> None:
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = user_model.objects.filter(email__iexact=account.email).first()
        if user is None:
            user = user_model(
                username=account.email.split("@")[0],
                email=account.email,
                is_staff=account.is_staff,
                is_superuser=account.is_superuser,
            )
            validate_password(account.password, user)
            user.set_password(account.password)
            user.save()
        elif (user.is_staff, user.is_superuser) != (
            account.is_staff,
            account.is_superuser,
        ):
            user.is_staff, user.is_superuser = account.is_staff, account.is_superuser
            user.save(update_fields=["is_staff", "is_superuser"])
        user.groups.add(*Group.objects.filter(name__in=account.groups))
        _seed_verified_email(user, account.email)
        profile_update(
            user=user,
            full_name=account.full_name,
            country=account.country,
            organisation=account.organisation,
            sector=account.sector,
            professional_role=account.professional_role,
            gender=account.gender,
        )


def _seed_verified_email(user: AbstractBaseUser, email: str) -> None:
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(
        primary=False
    )
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    elif not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def _seed_second_factors() -> None:
    """Staff and trainers must use TOTP: give them the documented demo secret.

    Created through allauth's own API, so the secret is encrypted by our MFA adapter.
    """
    user_model = get_user_model()
    for account in DEMO_ACCOUNTS:
        if not account.needs_totp:
            continue
        user = user_model.objects.get(email__iexact=account.email)
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists():
            TOTP.activate(user, account.totp_secret)
        RecoveryCodes.activate(user)


# --- course content and its translation ----------------------------------------


def _demo_course() -> CoursePage:
    return CoursePage.objects.get(slug=COURSE_SLUG, locale=Locale.get_default())


def _open_room() -> RoomPage:
    return RoomPage.objects.get(slug=OPEN_ROOM_SLUG, locale=Locale.get_default())


def _seed_course_content() -> None:
    """Modules, lessons and a final quiz; the course is linked to the open room."""
    course = _demo_course()
    for module_data in COURSE_MODULES:
        module = _child_page(
            course,
            ModulePage,
            slug=module_data.slug,
            title=module_data.title,
            introduction=module_data.introduction,
        )
        for lesson in module_data.lessons:
            _child_page(
                module,
                LessonPage,
                slug=lesson.slug,
                title=lesson.title,
                required=True,
                estimated_minutes=lesson.minutes,
                body=list(lesson.body),
            )
    _child_page(
        course,
        QuizPage,
        slug=QUIZ_SLUG,
        title=QUIZ_TITLE,
        questions=list(QUIZ_QUESTIONS),
        pass_mark=70,
        max_attempts=3,
        is_final_assessment=True,
    )
    room = _open_room()
    if not course.rooms.filter(pk=room.pk).exists():
        course.rooms.add(room)
        course.save_revision().publish()


def _french_title(page: Page) -> str:
    titles = {
        COURSE_SLUG: FRENCH_COURSE_TITLE,
        QUIZ_SLUG: QUIZ_FRENCH_TITLE,
        **{module.slug: module.french_title for module in COURSE_MODULES},
        **{
            lesson.slug: lesson.french_title
            for module in COURSE_MODULES
            for lesson in module.lessons
        },
    }
    if isinstance(page, CourseIndexPage):
        return FRENCH_COURSE_INDEX_TITLE
    return titles.get(page.slug, page.title)


def _seed_course_translation() -> None:
    """A published French version of the course tree, as wagtail-localize makes.

    The home page's French version is an alias of the English one; the lesson
    texts are copied in English, only the titles are translated.
    """
    french = Locale.objects.get_or_create(language_code=FRENCH)[0]
    course = _demo_course()
    pages = [course.get_parent(), course, *course.get_descendants().order_by("path")]
    for page in pages:
        if page.get_translation_or_none(french) is not None:
            continue
        copy = page.specific.copy_for_translation(french, copy_parents=True)
        copy.title = _french_title(page)
        if isinstance(copy, CoursePage):
            copy.summary = FRENCH_COURSE_SUMMARY
        copy.save_revision().publish()


# --- the open room: members, resources, discussion, session ------------------------

OPEN_ROOM_MEMBERS = (
    ("trainer", Role.TRAINER),
    ("expert", Role.EXPERT),
    ("practitioner", Role.PARTICIPANT),
)


def _demo_user(role: str) -> AbstractBaseUser:
    account = next(account for account in DEMO_ACCOUNTS if account.role == role)
    return get_user_model().objects.get(email__iexact=account.email)


def _seed_room_members() -> None:
    """Join the open room as anyone would; the admin then gives each their role.

    A demo account that already has a membership (even one it left) keeps it.
    """
    room = _open_room()
    admin = _demo_user("admin")
    for role_name, role in OPEN_ROOM_MEMBERS:
        user = _demo_user(role_name)
        if room.memberships.filter(user=user).exists():
            continue
        membership_join(room=room, user=user)
        if role != Role.PARTICIPANT:
            membership_role_change(room=room, user_id=user.pk, role=role, actor=admin)


def _demo_pdf(resource: DemoResource) -> bytes:
    """A one-page PDF with the resource's title and a few paragraphs."""
    pdf = FPDF()
    pdf.set_title(resource.title)
    pdf.set_creator(SITE_TITLE)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 9, resource.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", style="I", size=10)
    pdf.multi_cell(0, 6, f"{SITE_TITLE} - demo document", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", size=11)
    for paragraph in (resource.summary, *resource.paragraphs):
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _seed_room_resources() -> None:
    """Each resource with its PDF, uploaded by the room's trainer."""
    room = _open_room()
    trainer = _demo_user("trainer")
    for resource in ROOM_RESOURCES:
        if room.resources.filter(title=resource.title).exists():
            continue
        resource_create(
            room=room,
            actor=trainer,
            title=resource.title,
            resource_type=resource.resource_type,
            uploaded_file=SimpleUploadedFile(
                resource.filename, _demo_pdf(resource), "application/pdf"
            ),
            languages=["en"],
            region=room.region,
            year=resource.year,
            summary=resource.summary,
        )


def _seed_room_discussion() -> None:
    """The practitioner asks the experts; the expert answers and marks the answer."""
    room = _open_room()
    if room.threads.filter(title=DISCUSSION_TITLE).exists():
        return
    thread = thread_create(
        room=room,
        author=_demo_user("practitioner"),
        title=DISCUSSION_TITLE,
        body=DISCUSSION_QUESTION,
        is_question=True,
    )
    expert = _demo_user("expert")
    answer = reply_create(thread=thread, author=expert, body=DISCUSSION_EXPERT_ANSWER)
    reply_mark_expert_answer(reply=answer, actor=expert)


def _seed_room_session() -> None:
    """An online workshop ten days after the first seeding, the manual as material."""
    room = _open_room()
    if room.sessions.filter(title=SESSION_TITLE).exists():
        return
    manual = room.resources.filter(title=ROOM_RESOURCES[0].title).first()
    session_save(
        room=room,
        actor=_demo_user("trainer"),
        materials=[manual.document] if manual and manual.document else [],
        title=SESSION_TITLE,
        starts_at=datetime.combine(
            timezone.now().date() + timedelta(days=10), time(9, 0), tzinfo=UTC
        ),
        duration_minutes=120,
        mode=SessionMode.ONLINE,
        agenda=SESSION_AGENDA,
        join_url=SESSION_JOIN_URL,
    )


# --- learning activity -------------------------------------------------------------


def _course_lessons(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def _seed_course_activity() -> None:
    """The practitioner completes the course (certificate); the expert has begun it."""
    course = _demo_course()
    lessons = _course_lessons(course)
    practitioner, expert = _demo_user("practitioner"), _demo_user("expert")
    for learner, lessons_done in (
        (practitioner, lessons),
        (expert, lessons[:EXPERT_LESSONS_DONE]),
    ):
        enrolment_create(user=learner, course=course)
        for lesson in lessons_done:
            lesson_completion_submit(user=learner, lesson=lesson)
    quiz = QuizPage.objects.live().descendant_of(course).get(slug=QUIZ_SLUG)
    if not QuizAttempt.objects.filter(
        user=practitioner, quiz_key=quiz.translation_key, passed=True
    ).exists():
        quiz_attempt_submit(user=practitioner, quiz=quiz, answers=QUIZ_RIGHT_ANSWERS)


def _seed_room_activity() -> None:
    """The practitioner opens resources, downloads the manual and registers for the
    workshop and the English webinar, through the services the views call."""
    room = _open_room()
    practitioner = _demo_user("practitioner")
    resources = [
        room.resources.get(title=resource.title)
        for resource in ROOM_RESOURCES[:RESOURCES_VIEWED]
    ]
    opened = set(
        AccessLogEntry.objects.filter(
            user=practitioner,
            action=AccessAction.OPENED,
            object_type="irooms.resource",
        ).values_list("object_id", flat=True)
    )
    for resource in resources:
        if str(resource.pk) not in opened:
            resource_view_record(resource=resource, room=room, user=practitioner)
    manual = resources[0]
    if not AccessLogEntry.objects.filter(
        user=practitioner,
        action=AccessAction.DOWNLOADED,
        object_id=str(manual.document_id),
    ).exists():
        resource_download_record(
            resource=manual,
            document=manual.document,
            room_id=room.pk,
            user=practitioner,
        )
    session = room.sessions.filter(title=SESSION_TITLE).first()
    if session is not None:
        session_register(session=session, user=practitioner)
    webinar = WebinarPage.objects.live().filter(delivery_language="en").first()
    if (
        webinar is not None
        and webinar.starts_at > timezone.now()
        and webinar_visible_to_user(webinar=webinar, user=practitioner)
        and not Registration.objects.filter(webinar=webinar, user=practitioner).exists()
    ):
        registration_create(webinar=webinar, user=practitioner)


# --- the seeding itself -----------------------------------------------------------


@dataclass(frozen=True)
class DemoSeedResult:
    home_page_id: int
    accounts: tuple[DemoAccount, ...]


@transaction.atomic
def demo_site_seed(*, progress: Callable[[str], None] | None = None) -> DemoSeedResult:
    """Create whatever demo content is missing; running it again changes nothing.

    `progress` receives one line per finished step, e.g. "[3/16] Rooms ... done".
    Raises `django.core.exceptions.ValidationError` if a demo password no longer
    passes the password validators.
    """
    report = progress or (lambda line: None)
    state: dict = {}
    steps: list[tuple[str, Callable[[], None]]] = [
        ("Home page", lambda: state.update(home=_seed_home_page())),
        ("Default site", lambda: state.update(home=_seed_site(state["home"]))),
        ("Rooms", lambda: _seed_rooms(state["home"])),
        ("Courses", lambda: _seed_courses(state["home"])),
        ("Course modules, lessons and final quiz", _seed_course_content),
        ("French version of the course", _seed_course_translation),
        ("Webinars", lambda: _seed_webinars(state["home"])),
        ("Groups", _seed_groups),
        ("Users, profiles and e-mail addresses", _seed_users),
        ("Second factors for staff and trainers", _seed_second_factors),
        ("Open room: trainer, expert and practitioner", _seed_room_members),
        ("Open room: resources with their documents", _seed_room_resources),
        ("Open room: a question answered by the expert", _seed_room_discussion),
        ("Open room: an upcoming session", _seed_room_session),
        ("Learning activity: enrolments, lessons, certificate", _seed_course_activity),
        ("Learning activity: resource views, registrations", _seed_room_activity),
    ]
    for number, (label, step) in enumerate(steps, start=1):
        step()
        report(f"[{number}/{len(steps)}] {label} ... done")
    return DemoSeedResult(home_page_id=state["home"].pk, accounts=DEMO_ACCOUNTS)
