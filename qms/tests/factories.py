import factory
from django.contrib.auth.models import Group

from qms.models import Organisation, Unit, User
from qms.roles import Role


def default_organisation() -> Organisation:
    """The agency most tests run in; a test about isolation makes a second one with OrganisationFactory."""
    organisation, _created = Organisation.objects.get_or_create(
        code="cuc-ttdn", defaults={"name": "Cục Thông tin đối ngoại", "short_name": "Cục TTĐN"}
    )
    return organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"so-{n}")
    name = factory.Sequence(lambda n: f"Sở Công Thương tỉnh {n}")
    short_name = factory.Sequence(lambda n: f"SCT{n}")
    parent_name = "UBND tỉnh Khánh Hòa"
    place_name = "Khánh Hòa"


def restore_role_groups() -> None:
    """A transactional test flushes every table after it ends, which removes the role groups and grants
    that the data migrations made. Re-run those migrations' functions (every migration whose name
    contains "role") so the next test's users get their real permissions."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    ContentType.objects.clear_cache()  # a flush removed the rows the cache points at
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(loader.graph.nodes):  # grant_permissions get_or_creates groups, so order is free
        if "role" not in key[1]:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                # The live registry stands in for the migration state: these functions only create
                # groups and grant permissions, which look the same in both.
                operation.code(apps, None)  # type: ignore[arg-type]


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("organisation", "code")

    organisation = factory.LazyFunction(default_organisation)
    name = factory.Sequence(lambda n: f"Phòng Nghiệp vụ {n}")
    code = factory.Sequence(lambda n: f"P{n}")
    order = factory.Sequence(int)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.vn")
    job_title = "Chuyên viên"
    unit = factory.SubFactory(UnitFactory)
    organisation = factory.LazyAttribute(lambda user: user.unit.organisation if user.unit else default_organisation())
    password = factory.django.Password("Mật-khẩu-thử-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            names = [Role(role).value for role in extracted]
            if Group.objects.filter(name__in=names).count() != len(set(names)):
                restore_role_groups()
            self.groups.add(*Group.objects.filter(name__in=names))
