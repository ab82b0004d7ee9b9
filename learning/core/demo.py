"""Demo content for the quick start: a small, realistic site and one user per role.

Seeding is idempotent: a page, user or authenticator that already exists is kept as
it is (so edits made while trying the demo survive a restart of `make run`); only
what is missing is created, and the facts a demo log-in depends on (verified
e-mail, complete profile, group membership, second factor) are repaired.
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
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from courses.models import CourseIndexPage, CoursePage
from irooms.models import JoinPolicy, RoomIndexPage, RoomPage
from learning.accounts.models import REPORTING_GROUP, TRAINERS_GROUP
from learning.accounts.services import profile_update
from learning.home.models import HomePage
from webinars.models import WebinarIndexPage, WebinarPage, WebinarSeriesPage

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
    home = HomePage.objects.first()
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
        slug="cross-border-investigations-north-africa",
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
        slug="international-legal-framework-cbrn-terrorism",
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


# --- the seeding itself -----------------------------------------------------------


@dataclass(frozen=True)
class DemoSeedResult:
    home_page_id: int
    accounts: tuple[DemoAccount, ...]


@transaction.atomic
def demo_site_seed(*, progress: Callable[[str], None] | None = None) -> DemoSeedResult:
    """Create whatever demo content is missing; running it again changes nothing.

    `progress` receives one line per finished step, e.g. "[3/8] Rooms ... done".
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
        ("Webinars", lambda: _seed_webinars(state["home"])),
        ("Groups", _seed_groups),
        ("Users, profiles and e-mail addresses", _seed_users),
        ("Second factors for staff and trainers", _seed_second_factors),
    ]
    for number, (label, step) in enumerate(steps, start=1):
        step()
        report(f"[{number}/{len(steps)}] {label} ... done")
    return DemoSeedResult(home_page_id=state["home"].pk, accounts=DEMO_ACCOUNTS)
