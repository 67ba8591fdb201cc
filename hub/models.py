"""The hub's core: people, organisations (local authorities, IFT, evaluators), teams,
memberships with roles, and the pilot whose dates give the phase that drives access."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the Django admin and the Wagtail admin."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    last_active_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    @property
    def pseudonym(self) -> str:
        """A stable, non-reversible code for this person, used wherever names are hidden."""
        from hub.pseudonyms import code

        return code("person", self.pk)


class Arm(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    CONTROL = "control", "Control"
    UNASSIGNED = "unassigned", "Not yet assigned"


class OrganisationKind(models.TextChoices):
    LOCAL_AUTHORITY = "la", "Local authority"
    IFT = "ift", "IFT"
    EVALUATOR = "evaluator", "Evaluator"


class OrganisationQuerySet(models.QuerySet):
    def local_authorities(self):
        return self.filter(kind=OrganisationKind.LOCAL_AUTHORITY)

    def treatment(self):
        return self.filter(kind=OrganisationKind.LOCAL_AUTHORITY, arm=Arm.TREATMENT)

    def control(self):
        return self.filter(kind=OrganisationKind.LOCAL_AUTHORITY, arm=Arm.CONTROL)


class Organisation(models.Model):
    """A local authority (with its trial arm), IFT, or an evaluating organisation."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=12, choices=OrganisationKind.choices)
    arm = models.CharField(
        max_length=12,
        choices=Arm.choices,
        default=Arm.UNASSIGNED,
        help_text="Only local authorities have a trial arm.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=OrganisationKind.LOCAL_AUTHORITY) | Q(arm=Arm.UNASSIGNED),
                name="organisation_only_las_have_an_arm",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrganisationKind.LOCAL_AUTHORITY

    @property
    def is_treatment(self) -> bool:
        return self.is_local_authority and self.arm == Arm.TREATMENT

    @property
    def is_control(self) -> bool:
        return self.is_local_authority and self.arm == Arm.CONTROL


class LocalAuthorityManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=OrganisationKind.LOCAL_AUTHORITY)

    def treatment(self):
        return self.get_queryset().filter(arm=Arm.TREATMENT)

    def control(self):
        return self.get_queryset().filter(arm=Arm.CONTROL)


class LocalAuthority(Organisation):
    """The local authorities, as a view of Organisation."""

    objects = LocalAuthorityManager()

    class Meta:
        proxy = True
        verbose_name = "local authority"
        verbose_name_plural = "local authorities"

    def save(self, *args, **kwargs):
        self.kind = OrganisationKind.LOCAL_AUTHORITY
        super().save(*args, **kwargs)


class Team(models.Model):
    """A keyworker team of a local authority."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=150)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"

    def clean(self):
        if self.organisation_id and not self.organisation.is_local_authority:
            raise ValidationError({"organisation": "Teams belong to local authorities only."})


class Role(models.TextChoices):
    KEYWORKER = "keyworker", "Keyworker"
    PRACTITIONER = "practitioner", "Systemic practitioner"
    LA_LEAD = "la_lead", "LA lead"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    TUTOR = "tutor", "IFT tutor"
    DELIVERY_LEAD = "delivery_lead", "Delivery lead"
    EVALUATOR = "evaluator", "Evaluator"
    CONTENT_EDITOR = "content_editor", "Content editor"
    HUB_ADMIN = "hub_admin", "Hub admin"
    MODERATOR = "moderator", "Forum moderator"
    ASSESSOR = "assessor", "EOI assessor"


#: Which roles each kind of organisation may hold.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    OrganisationKind.LOCAL_AUTHORITY: frozenset(
        {Role.KEYWORKER, Role.PRACTITIONER, Role.LA_LEAD, Role.SENIOR_LEADER, Role.MODERATOR}
    ),
    OrganisationKind.IFT: frozenset(
        {Role.TUTOR, Role.DELIVERY_LEAD, Role.CONTENT_EDITOR, Role.HUB_ADMIN, Role.MODERATOR, Role.ASSESSOR}
    ),
    OrganisationKind.EVALUATOR: frozenset({Role.EVALUATOR, Role.ASSESSOR}),
}

#: Roles that must set up two-factor sign-in before reaching anything else.
STAFF_ROLES: frozenset[str] = frozenset(
    {Role.HUB_ADMIN, Role.DELIVERY_LEAD, Role.TUTOR, Role.EVALUATOR, Role.LA_LEAD}
)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)


class Membership(models.Model):
    """A person's role in an organisation (and, for keyworkers, their team)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            # One active membership per person, organisation and role.
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_at__isnull=True),
                name="membership_one_active_per_user_org_role",
            ),
            # A keyworker belongs to one local authority.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True, role="keyworker"),
                name="membership_keyworker_in_one_la",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def clean(self):
        if self.organisation_id and self.role:
            allowed = ROLES_BY_KIND[self.organisation.kind]
            if self.role not in allowed:
                raise ValidationError(
                    {
                        "role": f"A {self.organisation.get_kind_display()} cannot hold the role "
                        f"{Role(self.role).label}."
                    }
                )
        if self.team_id and self.team.organisation_id != self.organisation_id:
            raise ValidationError({"team": "The team must belong to the same organisation."})


class Phase(models.TextChoices):
    BEFORE = "before", "Before the pilot"
    DURING = "during", "During the pilot"
    AFTER = "after", "After the pilot"


class Pilot(models.Model):
    """A trial with its dates. The current pilot's phase drives access across the hub."""

    name = models.CharField(max_length=150)
    starts_on = models.DateField(default=dt.date(2024, 9, 1))
    ends_on = models.DateField(default=dt.date(2025, 12, 31))
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="pilot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="pilot_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y})"

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        super().save(*args, **kwargs)
        # Clear after the transaction too, so no other process caches the old dates meanwhile.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))

    def delete(self, *args, **kwargs):
        from django.core.cache import cache

        result = super().delete(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        return result

    def phase_on(self, day: dt.date) -> Phase:
        if day < self.starts_on:
            return Phase.BEFORE
        if day > self.ends_on:
            return Phase.AFTER
        return Phase.DURING

    @property
    def phase(self) -> Phase:
        return self.phase_on(timezone.localdate())

    def months(self, until: dt.date | None = None) -> list[dt.date]:
        """First days of the pilot's months, up to and including `until`'s month."""
        last = min(self.ends_on, until) if until else self.ends_on
        out, cursor = [], self.starts_on.replace(day=1)
        while cursor <= last:
            out.append(cursor)
            cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
        return out

    CACHE_KEY = "hub:pilot:current"

    @classmethod
    def current(cls) -> Pilot:
        """The current pilot. Every access decision asks for it, so it is cached (in Redis
        when REDIS_URL is set) and the cache is cleared whenever a pilot is saved."""
        from django.core.cache import cache

        pilot = cache.get(cls.CACHE_KEY)
        if pilot is None:
            pilot = cls.objects.filter(is_current=True).first()
            if pilot is None:
                pilot, _ = cls.objects.get_or_create(
                    is_current=True,
                    defaults={"name": "Supporting Families systemic practice pilot"},
                )
            cache.set(cls.CACHE_KEY, pilot, 300)
        return pilot


class AccessRefusal(models.Model):
    """A refusal of treatment content to a control-arm person during the pilot:
    the delivery lead's contamination indicator."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="refusals")
    what = models.CharField(max_length=200)
    path = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} refused {self.what} at {self.at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """A single-use link that lets a named person join the hub with a given role."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()}, {self.organisation})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class AuditEvent(models.Model):
    """Who did what, when: role changes, invitations, and the like."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=60, db_index=True)
    detail = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.detail}"


class UserRoles:
    """What access.py needs to know about a person, loaded once per request."""

    def __init__(self, memberships: list[Membership]):
        self.memberships = memberships
        self.roles = frozenset(m.role for m in memberships)

    @cached_property
    def local_authorities(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for m in self.memberships:
            if m.organisation.is_local_authority:
                seen.setdefault(m.organisation_id, m.organisation)
        return list(seen.values())


class ErasureRequest(models.Model):
    """A person's request that the hub erase their personal data (UK GDPR article 17)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    email = models.EmailField()
    reason = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Erasure request from {self.email}"
